from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from donghanh.audit.models import AuditEntry
from donghanh.demo.directory_data import EXAMPLE_PROVIDERS, PROVIDERS, REAL_PROVIDERS
from donghanh.demo.directory_services import directory_demo_load
from donghanh.directory.contacts import obsolete_numbers_in
from donghanh.directory.models import ContactChannel, OpeningHours, Provider
from donghanh.directory.selectors import providers_search
from donghanh.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# shared/docs/domain.md §3: the confirmed numbers.
CONFIRMED_NUMBERS = {
    "111": "tel:111",
    "113": "tel:113",
    "1900 969 680": "tel:1900969680",
    "+84 981 84 84 84": "tel:+84981848484",
    "+44 7713 181 501": "tel:+447713181501",
    "08000 121 700": "tel:08000121700",
}


def load() -> str:
    out = StringIO()
    call_command("load_directory_demo", stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Provider.objects.order_by("pk").values()),
        list(ContactChannel.objects.order_by("pk").values()),
        list(OpeningHours.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def test_the_command_loads_every_provider_and_is_idempotent():
    load()
    assert Provider.objects.count() == len(PROVIDERS)
    before = snapshot()

    load()
    report = directory_demo_load()

    assert snapshot() == before
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(PROVIDERS))


def test_a_second_run_puts_back_what_was_changed():
    load()
    hotline = Provider.objects.get(source_key="hotline-111")
    hotline.contacts.all().delete()
    Provider.objects.filter(pk=hotline.pk).update(name="Đổi tên")

    load()

    hotline.refresh_from_db()
    assert hotline.name.startswith("Tổng đài quốc gia 111")
    assert hotline.contacts.filter(kind="phone", value="111").exists()


def test_the_confirmed_hotlines_are_loaded_with_tap_to_call_numbers():
    load()
    phones = set(ContactChannel.objects.filter(kind="phone").values_list("value", flat=True))
    assert set(CONFIRMED_NUMBERS) <= phones

    hotline = Provider.objects.get(source_key="hotline-111")
    assert hotline.open_24_7 and hotline.cost == Provider.Cost.FREE
    assert hotline.contacts.filter(kind="zalo").exists()
    assert hotline.shown_to_public
    helpline = Provider.objects.get(source_key="uk-modern-slavery-helpline")
    assert helpline.open_24_7 and helpline.interpreting
    assert list(helpline.countries.values_list("code", flat=True)) == ["GB"]
    assert Provider.objects.get(source_key="mofa-citizen-protection").open_24_7


def test_the_embassy_number_carries_its_2022_date():
    load()
    embassy = Provider.objects.get(source_key="embassy-uk-citizen-protection")
    assert embassy.last_verified_on == date(2022, 1, 1)
    assert embassy.verified_by is None
    assert embassy.needs_verification


def test_a_newer_verification_by_staff_is_kept(trio):
    load()
    embassy = Provider.objects.get(source_key="embassy-uk-citizen-protection")
    Provider.objects.filter(pk=embassy.pk).update(last_verified_on=date(2026, 11, 20))
    load()
    embassy.refresh_from_db()
    assert embassy.last_verified_on == date(2026, 11, 20)


def test_the_obsolete_child_line_appears_nowhere(trio):
    load()
    texts = []
    for provider in Provider.objects.all():
        texts += [getattr(provider, f.attname) or "" for f in Provider._meta.concrete_fields]
    texts += [f"{c.value} {c.label}" for c in ContactChannel.objects.all()]
    assert not [text for text in texts if isinstance(text, str) and obsolete_numbers_in(text)]

    pages = [trio.owner_client.get(reverse("directory:list"), {"page": n}) for n in (1, 2)]
    pages += [
        trio.owner_client.get(reverse("directory:detail", kwargs={"provider_id": p.pk}))
        for p in Provider.objects.all()
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert not obsolete_numbers_in(body), response.request["PATH_INFO"]
        assert "1800 1567" not in body and "18001567" not in body


def test_invented_providers_are_marked_and_never_public():
    load()
    examples = Provider.objects.filter(source_key__in=[s.key for s in EXAMPLE_PROVIDERS])
    assert examples.count() == len(EXAMPLE_PROVIDERS)
    for example in examples:
        assert example.is_example and not example.shown_to_public
        assert example.name.startswith("Ví dụ")
        for contact in example.contacts.all():
            if contact.kind in ("email", "website"):
                assert "example.org" in contact.value
            assert contact.kind != "phone"
    real = Provider.objects.filter(source_key__in=[s.key for s in REAL_PROVIDERS])
    assert not real.filter(is_example=True).exists()


def test_organisations_are_linked_when_they_exist():
    load()
    assert Provider.objects.get(source_key="peace-house").organisation is None

    Organisation.objects.create(
        slug="ngoi-nha-binh-yen", name="Ngôi nhà Bình yên", kind=Organisation.Kind.SHELTER
    )
    load()
    peace_house = Provider.objects.get(source_key="peace-house")
    assert peace_house.organisation is not None
    assert peace_house.organisation.slug == "ngoi-nha-binh-yen"
    assert not peace_house.contacts.filter(kind="address").exists()  # a shelter's address is secret


def test_demo_providers_are_found_as_the_brief_asks():
    load()

    def names(**filters):
        return {p.source_key for p in providers_search(**filters)}

    assert "peace-house" in names(query="nha binh yen")
    assert "world-vision-viet-nam" in names(place="Quảng Bình")
    assert "example-social-work-nghi-xuan" in names(place="huyện Nghi Xuân")
    assert "uk-modern-slavery-helpline" in names(country="GB", language="vi")


def test_the_command_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        load()
    assert not Provider.objects.exists()
