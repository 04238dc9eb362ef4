"""A commune collaborator works without a connection on a 360-px phone, in Vietnamese: the work
is kept encrypted on the phone, survives a reload offline behind the PIN, arrives once when the
connection returns, a screening changed on the server meanwhile becomes a conflict resolved in
the browser, and signing out leaves nothing readable on the phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from donghanh.cases import services as case_services
from donghanh.cases.models import Case
from donghanh.cases.selectors import CASE_EDITS
from donghanh.cases.tests.conftest import make_case
from donghanh.casework.models import FollowUp
from donghanh.core.actor import Actor
from donghanh.fieldwork.devices import services as device_services
from donghanh.fieldwork.devices.models import DeviceState, FieldDevice
from donghanh.fieldwork.tests.sync_support import make_savings_group
from donghanh.livelihood.savings.models import Meeting
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.people.tests.conftest import make_person
from donghanh.testing import factories
from tests.browser.conftest import AxeChecker
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory


pytestmark = pytest.mark.django_db(transaction=True)

PIN = "482915"
KNOWN_NAME = "Nguyễn Thị Hoa"  # the person of the case taken offline
NEW_NAME = "Lò Thị Mai"  # the person met for the first time, offline

# Everything the field app keeps in IndexedDB, as raw as the browser holds it: byte arrays
# (IVs, ciphertexts, wrapped keys, salts) decoded as UTF-8 text, so a name stored in clear
# anywhere, even inside a byte array, shows up. None when the database does not exist.
RAW_INDEXEDDB = """async () => {
  const names = (await indexedDB.databases()).map((db) => db.name);
  if (!names.includes("donghanh-field")) { return null; }
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("donghanh-field");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const rows = [];
  for (const store of Array.from(db.objectStoreNames)) {
    rows.push(...await new Promise((resolve) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
    }));
  }
  db.close();
  const decoder = new TextDecoder("utf-8");
  return JSON.stringify(rows, (key, value) => {
    const bytes = value instanceof Uint8Array || value instanceof ArrayBuffer;
    return bytes ? decoder.decode(value) : value;
  });
}"""

# Every response the field app keeps in the Cache API: [address, text].
CACHED = """async () => {
  const kept = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      kept.push([request.url, await (await cache.match(request)).text()]);
    }
  }
  return kept;
}"""


# The last contact with the server, a plain timestamp in the device record, moved 8 days back.
LAST_CONTACT_8_DAYS_AGO = """async () => {
  const db = await new Promise((resolve) => {
    const request = indexedDB.open("donghanh-field");
    request.onsuccess = () => resolve(request.result);
  });
  const tx = db.transaction("keys", "readwrite");
  tx.objectStore("keys").openCursor().onsuccess = (event) => {
    const cursor = event.target.result;
    if (!cursor) { return; }
    cursor.update({ ...cursor.value, lastContact: Date.now() - 8 * 86400000 });
    cursor.continue();
  };
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""


def _field_url(base: str, membership: Any) -> str:
    return f"{base}/app/o/{membership.organisation.slug}/field/"


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _status(page: Page) -> Any:
    return page.locator("[data-offline-status]")


def _set_up_the_phone(page: Page, case: Case) -> None:
    """Register the phone, choose the PIN and take the case offline, online."""
    page.get_by_role("button", name="Thiết lập điện thoại này để làm việc ngoại tuyến").click()
    page.locator("form[data-offline-pin]").get_by_label("Mã PIN").fill(PIN)
    page.get_by_role("button", name="Lưu mã PIN").click()
    pick = page.locator("[data-offline-pick]")
    pick.get_by_label(re.compile(re.escape(case.number))).check()
    pick.get_by_role("button", name="Tải các hồ sơ đã chọn về điện thoại").click()
    expect(_status(page)).to_contain_text("Sẵn sàng ngoại tuyến")
    # The service worker controls the page and keeps the shell and its files.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator("#field-app")).to_have_attribute("data-offline-cached", "yes")


def _open_with_pin(page: Page) -> None:
    pin = page.locator("form[data-offline-pin]")
    expect(pin).to_be_visible()
    pin.get_by_label("Mã PIN").fill(PIN)
    pin.get_by_role("button", name="Mở").click()
    expect(pin).to_be_hidden()


def _form(page: Page, kind: str) -> Any:
    form = page.locator(f'form[data-offline-kind="{kind}"]')
    details = page.locator("details").filter(has=form)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return form


def _choose(form: Any, name: str, value: str) -> None:
    """Pick a value in a select or among radio buttons, as the form draws it."""
    radio = form.locator(f"input[type=radio][name={name}][value={value}]")
    if radio.count():
        radio.check()
    else:
        form.locator(f"[name={name}]").select_option(value)


def _raw_store(page: Page) -> str | None:
    raw: str | None = page.evaluate(RAW_INDEXEDDB)
    return raw


def test_work_recorded_offline_survives_a_reload_and_arrives_once(
    page: Page, live_server: Any, axe: AxeChecker
) -> None:
    collaborator = MembershipFactory(role=Role.COLLABORATOR)
    organisation = collaborator.organisation
    case = make_case(make_person(organisation, collaborator.user), collaborator.user)
    context: BrowserContext = page.context
    sign_in_verified(page, live_server.url, collaborator.user)
    page.goto(_field_url(live_server.url, collaborator))
    expect(page.locator("h1")).to_have_text("Thực địa")
    _set_up_the_phone(page, case)
    assert _fits_the_screen(page)

    context.set_offline(True)
    expect(_status(page)).to_contain_text("Ngoại tuyến")

    # A first contact with someone met in the village.
    form = _form(page, "first_contact")
    form.locator("[name=full_name]").fill(NEW_NAME)
    _choose(form, "sex", "female")
    form.locator("[name=date_of_birth]").fill("12/04/1999")
    form.locator("[name=phone]").fill("0912 000 111")
    form.locator("[name=consent_given]").check()
    _choose(form, "method", "verbal_witnessed")
    _choose(form, "given_by", "person")
    form.locator("[name=evidence_note]").fill("Trưởng thôn chứng kiến")
    _choose(form, "case_type", "migrant_at_risk")
    _choose(form, "intake_channel", "ngo_outreach")
    _choose(form, "need_domain", "documents")
    _choose(form, "need_level", "urgent")
    form.get_by_role("button", name="Lưu").click()
    outbox = page.locator("[data-offline-outbox]")
    expect(outbox.locator("li", has_text=NEW_NAME)).to_contain_text("Đang chờ gửi")

    # A home visit on the case taken offline.
    form = _form(page, "visit")
    form.locator("[name=case]").select_option(str(case.pk))
    _choose(form, "method", "home_visit")
    form.locator("[name=done_on]").fill(timezone.localdate().strftime("%d/%m/%Y"))
    form.locator("[name=outcome]").fill("Đã gặp gia đình, chị Hoa khỏe")
    form.get_by_role("button", name="Lưu").click()
    expect(outbox.locator("li", has_text=case.number)).to_contain_text("Đang chờ gửi")
    assert _fits_the_screen(page)
    axe.check(page)  # the outbox, the pickers and the forms the script drew

    # Nothing readable on the phone: not in IndexedDB, not in the caches.
    raw = _raw_store(page)
    assert raw is not None and "ciphertext" in raw
    for secret in (NEW_NAME, KNOWN_NAME, "Trưởng thôn", "chị Hoa", case.number):
        assert secret not in raw
    cached = dict(page.evaluate(CACHED))
    field = _field_url(live_server.url, collaborator)
    # The shell, the offline page, the manifest and static files: no JSON, no other page.
    assert field in cached
    for address in cached:
        assert address in (field, field + "offline/", field + "manifest.webmanifest") or (
            "/static/" in address
        ), address
    for text in cached.values():
        for secret in (NEW_NAME, KNOWN_NAME, case.number):
            assert secret not in text

    # Reloaded without a connection: the shell comes from the cache, the work from the store.
    page.reload()
    expect(page.locator("h1")).to_have_text("Thực địa")
    _open_with_pin(page)
    expect(outbox.locator("li", has_text=NEW_NAME)).to_contain_text("Đang chờ gửi")
    expect(outbox.locator("li", has_text=case.number)).to_contain_text("Đang chờ gửi")
    assert Person.objects.filter(organisation=organisation).count() == 1
    assert FollowUp.objects.filter(case=case).count() == 0

    # Back online: both are sent, once.
    context.set_offline(False)
    saved = page.locator("[data-offline-saved]")
    expect(saved.locator("li", has_text=NEW_NAME)).to_contain_text("Đã gửi")
    expect(saved.locator("li", has_text=case.number)).to_contain_text("Đã gửi")
    expect(outbox).to_contain_text("Không có gì đang chờ gửi")
    axe.check(page)
    assert Person.objects.filter(organisation=organisation).count() == 2
    assert Case.objects.filter(person__organisation=organisation).count() == 2
    assert FollowUp.objects.filter(case=case).count() == 1

    # Opened again online: nothing is sent twice.
    page.reload()
    expect(saved.locator("li", has_text=NEW_NAME)).to_contain_text("Đã gửi")
    expect(outbox).to_contain_text("Không có gì đang chờ gửi")
    assert Person.objects.filter(organisation=organisation).count() == 2
    assert FollowUp.objects.filter(case=case).count() == 1
    assert _fits_the_screen(page)


def test_a_screening_changed_meanwhile_is_a_conflict_and_signing_out_erases_the_phone(
    page: Page, live_server: Any
) -> None:
    collaborator = MembershipFactory(role=Role.COLLABORATOR)
    organisation = collaborator.organisation
    case = make_case(make_person(organisation, collaborator.user), collaborator.user)
    context: BrowserContext = page.context
    sign_in_verified(page, live_server.url, collaborator.user)
    page.goto(_field_url(live_server.url, collaborator))
    _set_up_the_phone(page, case)

    context.set_offline(True)
    form = _form(page, "screening")
    form.locator("[name=case]").select_option(str(case.pk))
    expect(form.locator("[name=version]")).to_have_value(str(case.version))
    _choose(form, "destination_country", "MY")
    form.get_by_role("button", name="Lưu").click()
    outbox = page.locator("[data-offline-outbox]")
    expect(outbox.locator("li", has_text=case.number)).to_contain_text("Đang chờ gửi")

    # Meanwhile a colleague saves the journey on the server.
    current = Case.objects.get(pk=case.pk)
    case_services.case_update(
        case=current,
        expected_version=current.version,
        baseline=CASE_EDITS.fingerprints(current),
        actor=Actor.for_user(None),
        journey_details="Qua cửa khẩu Tây Trang bằng xe khách",
    )

    context.set_offline(False)
    conflicts = page.locator("[data-offline-conflicts]")
    expect(conflicts.locator("li", has_text=case.number)).to_contain_text("Xung đột")
    assert Case.objects.get(pk=case.pk).destination_country != "MY"
    conflicts.get_by_role("link", name="Giải quyết xung đột").click()

    # The pages' merge view: their journey and this user's destination, saved together.
    expect(page.locator("main")).to_contain_text("Qua cửa khẩu Tây Trang")
    page.locator("main form").filter(has=page.locator("[name=destination_country]")).get_by_role(
        "button", name="Lưu"
    ).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu")
    resolved = Case.objects.get(pk=case.pk)
    assert resolved.destination_country == "MY"
    assert resolved.journey_details == "Qua cửa khẩu Tây Trang bằng xe khách"

    # Signing out erases the phone's copy before the session ends.
    page.goto(_field_url(live_server.url, collaborator))
    expect(page.locator("form[data-offline-pin]")).to_be_hidden()
    assert KNOWN_NAME not in (_raw_store(page) or "")
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/app/login/"))
    raw = _raw_store(page)
    assert raw is None or KNOWN_NAME not in raw
    assert raw is None, "the database is deleted on sign-out"
    # The script erased it and told the server so (the sign-out header clears it as well).
    assert FieldDevice.objects.get(user=collaborator.user).state == DeviceState.WIPED
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0

    # Offline afterwards, the field page is no longer there to open.
    context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.goto(_field_url(live_server.url, collaborator))
    context.set_offline(False)
    page.goto(live_server.url + "/app/login/")


def test_a_lost_phone_and_one_offline_too_long_erase_themselves(
    page: Page, live_server: Any
) -> None:
    collaborator = MembershipFactory(role=Role.COLLABORATOR)
    case = make_case(make_person(collaborator.organisation, collaborator.user), collaborator.user)
    context: BrowserContext = page.context
    sign_in_verified(page, live_server.url, collaborator.user)
    field = _field_url(live_server.url, collaborator)
    page.goto(field)
    _set_up_the_phone(page, case)
    assert KNOWN_NAME not in (_raw_store(page) or "")

    # An administrator reports the phone lost: at its next contact it erases everything.
    device = FieldDevice.objects.get(user=collaborator.user)
    device_services.device_report_lost(device=device, actor=Actor.system("test"))
    page.reload()
    expect(page.locator("#field-app")).to_have_attribute("data-offline-wiped", "yes")
    expect(_status(page)).to_contain_text("xóa")
    assert _raw_store(page) is None
    assert page.evaluate("caches.keys()") == []
    device.refresh_from_db()
    assert device.state == DeviceState.WIPED

    # Set up again, then kept away from the server longer than allowed: erased on opening.
    page.reload()
    _set_up_the_phone(page, case)
    page.evaluate(LAST_CONTACT_8_DAYS_AGO)
    context.set_offline(True)
    page.reload()
    expect(page.locator("#field-app")).to_have_attribute("data-offline-wiped", "yes")
    expect(_status(page)).to_contain_text("hơn 7 ngày")
    assert _raw_store(page) is None
    context.set_offline(False)


def test_a_whole_savings_meeting_recorded_offline_arrives_once(
    page: Page, live_server: Any, axe: AxeChecker
) -> None:
    """The facilitator records a group's meeting offline from the members the encrypted package
    holds; back online it goes through the meeting service once, with the group's money."""
    collaborator = MembershipFactory(role=Role.COLLABORATOR)
    group = make_savings_group(
        collaborator.organisation, collaborator.user, "Lò Thị Hoa", "Hà Thị Nhung"
    )
    members = list(group.members.order_by("pk"))
    context: BrowserContext = page.context
    sign_in_verified(page, live_server.url, collaborator.user)
    page.goto(_field_url(live_server.url, collaborator))
    page.get_by_role("button", name="Thiết lập điện thoại này để làm việc ngoại tuyến").click()
    page.locator("form[data-offline-pin]").get_by_label("Mã PIN").fill(PIN)
    page.get_by_role("button", name="Lưu mã PIN").click()
    page.locator("[data-offline-pick]").get_by_role(
        "button", name="Tải các hồ sơ đã chọn về điện thoại"
    ).click()
    expect(_status(page)).to_contain_text("Sẵn sàng ngoại tuyến")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.reload()
    _open_with_pin(page)
    form = _form(page, "savings_meeting")
    form.locator("[name=group]").select_option(str(group.pk))
    form.locator("[name=held_on]").fill(timezone.localdate().strftime("%d/%m/%Y"))
    for member in members:
        expect(form.locator("legend", has_text=member.full_name)).to_be_visible()
        form.locator(f"input[name=m{member.pk}-attendance][value=present]").check()
        form.locator(f"[name=m{member.pk}-shares]").fill("2")
        form.locator(f"[name=m{member.pk}-social]").check()
    form.get_by_role("button", name="Lưu").click()
    outbox = page.locator("[data-offline-outbox]")
    expect(outbox.locator("li", has_text=group.name)).to_contain_text("Đang chờ gửi")
    axe.check(page)
    raw = _raw_store(page)
    assert raw is not None and "ciphertext" in raw
    assert "Lò Thị Hoa" not in raw and group.name not in raw
    assert Meeting.objects.count() == 0

    context.set_offline(False)
    saved = page.locator("[data-offline-saved]")
    expect(saved.locator("li", has_text=group.name)).to_contain_text("Đã gửi")
    page.reload()
    expect(saved.locator("li", has_text=group.name)).to_contain_text("Đã gửi")
    meeting = Meeting.objects.get()
    assert meeting.cycle.group_id == group.pk
    group.refresh_from_db()
    # Two members, two shares of 10.000 ₫ each, and 2.000 ₫ each to the social fund.
    assert group.loan_fund_cash == 40_000 and group.social_fund_cash == 4_000
