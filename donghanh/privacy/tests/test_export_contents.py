"""What the copy of a person's data holds and how it reads: the longest values the forms
accept, every script a name may hold, the reader's language, the rights page, and nothing
derived or internal."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any, cast

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from pypdf import PdfReader

from donghanh.casework import services as casework
from donghanh.core import pdf as core_pdf
from donghanh.core import person_export as exporters
from donghanh.core.actor import Actor
from donghanh.core.person_export import person_export_exclusion
from donghanh.indicators.models import UnitFact
from donghanh.indicators.services import project_facts_rebuild
from donghanh.privacy import services
from donghanh.privacy.exporters import PersonExport, person_export_data
from donghanh.privacy.tests.conftest import LongestRecord, longest_record, new_request
from donghanh.programmes.projects.models import Project

pytestmark = pytest.mark.django_db

RIGHTS_IN_VIETNAMESE = [
    "Quyền được biết và xem dữ liệu",
    "Quyền yêu cầu chỉnh sửa dữ liệu",
    "Quyền yêu cầu xoá dữ liệu",
    "Quyền phản đối hoặc hạn chế việc sử dụng dữ liệu",
    "Quyền rút lại sự đồng ý",
    "Quyền khiếu nại",
]


@pytest.fixture
def record(trio: Any) -> LongestRecord:
    return longest_record(trio.organisation, trio.owner)


def _download(trio: Any, record: LongestRecord, name: str, query: str = "") -> Any:
    data_request = new_request(record.person, trio.owner, kind="access", responsible=trio.owner)
    url = reverse(
        f"privacy:{name}", kwargs={"org": trio.organisation.slug, "request_id": data_request.pk}
    )
    response = trio.owner_client.get(url + query)
    assert response.status_code == 200
    return response


def _pdf_pages(document: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(document)).pages]


def _squeezed(text: str) -> str:
    """Text without its spaces and line breaks: a PDF's lines break where the page does."""
    return "".join(text.split())


def _pdf_fonts(document: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(document))
    return {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in cast(Any, page["/Resources"])["/Font"].values()
    }


# --- The longest values ---------------------------------------------------------------------


def test_the_pdf_prints_the_longest_values_across_pages(trio: Any, record: LongestRecord) -> None:
    document = _download(trio, record, "request_export_pdf").content
    pages = _pdf_pages(document)
    assert len(pages) > 20  # notes of many pages each, split across them
    text = _squeezed("".join(pages))
    # A note longer than a page comes out whole, its start and its end.
    note = _squeezed(record.intake_note)
    assert note[:300] in text and note[-300:] in text
    assert _squeezed(record.message)[-200:] in text


def test_the_json_holds_the_longest_values_exactly(trio: Any, record: LongestRecord) -> None:
    data = json.loads(_download(trio, record, "request_export_json").content)
    assert data["language"] == "vi"
    person = data["sections"]["person"]["records"][0]
    assert person["other_names"] == record.other_names
    cases = [row for row in data["sections"]["cases"]["records"] if "intake_note" in row]
    assert cases[0]["intake_note"] == record.intake_note
    assert cases[0]["destination_country"] == "CN"
    assert cases[0]["destination_country_display"] == "Trung Quốc"
    assert cases[0]["transit_countries"] == ["LA", "TH"]
    referral = data["sections"]["referrals"]["records"][0]
    assert referral["message"] == record.message
    assert referral["snapshot"]["contact"][0] == ["phone", record.person.phone]
    # Labels for the JSON keys, in the reader's language.
    assert data["sections"]["cases"]["fields"]["intake_note"] == "Ghi chú tiếp nhận"
    assert data["notice"]["rights"][0]["name"] == RIGHTS_IN_VIETNAMESE[0]
    assert data["sections"]["person"]["label"] == "Thông tin cá nhân"


# --- Every script of a name -------------------------------------------------------------------


def test_a_name_in_chinese_and_korean_prints_in_a_font_that_has_it(
    trio: Any, record: LongestRecord
) -> None:
    document = _download(trio, record, "request_export_pdf").content
    assert any("WenQuanYi" in name for name in _pdf_fonts(document))
    text = "".join(_pdf_pages(document))
    assert "王小红" in text and "김하나" in text
    assert core_pdf.missing_characters([record.other_names]) == []
    assert "U+738B" not in text  # no note of characters it could not print


@pytest.fixture
def without_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Any:
    fallbacks = tuple(font for font in core_pdf.FALLBACK_FONTS if font.name != "CJK")
    monkeypatch.setattr(core_pdf, "FALLBACK_FONTS", fallbacks)
    core_pdf.register_fonts.cache_clear()
    yield
    monkeypatch.undo()
    core_pdf.register_fonts.cache_clear()


def test_without_a_cjk_font_the_copy_prints_and_says_what_it_could_not(
    trio: Any, without_cjk_font: Any
) -> None:
    from donghanh.privacy.tests.conftest import new_person

    person = new_person(trio.organisation, full_name="Nguyễn Thị Hoa", other_names="王小红")
    assert core_pdf.missing_characters(["王小红 Hoa"]) == ["王", "小", "红"]
    document = services.person_export_pdf(person=person, actor=Actor.for_user(trio.owner))
    text = "".join(_pdf_pages(document))
    assert "Nguyễn Thị Hoa" in text
    squeezed = _squeezed(text)
    assert all(code in squeezed for code in ("U+738B", "U+5C0F", "U+7EA2"))
    assert "JSON" in text


# --- The reader's language -----------------------------------------------------------------------


# Names of file formats: the same words in every language.
SAME_IN_EVERY_LANGUAGE = {"PDF", "JPEG", "PNG", "HEIC", "DOCX"}


def _in_catalogue(text: str) -> bool:
    """Whether the Vietnamese catalogue translates `text` (perhaps to the same words)."""
    catalogue = trans_real.translation("vi")._catalog  # type: ignore[attr-defined]
    return text in catalogue


def _untranslated(english: PersonExport, vietnamese: PersonExport) -> list[str]:
    """Headings, labels and coded values shown the same in English and in Vietnamese, that
    the Vietnamese catalogue does not translate: English left in the Vietnamese copy."""
    left: list[str] = []

    def check(en: str, vi: str) -> None:
        if (
            en == vi
            and any(char.isalpha() for char in en)
            and en not in SAME_IN_EVERY_LANGUAGE
            and not _in_catalogue(en)
        ):
            left.append(en)

    assert [section.key for section in english.sections] == [
        section.key for section in vietnamese.sections
    ]
    for en_section, vi_section in zip(english.sections, vietnamese.sections, strict=True):
        check(en_section.label, vi_section.label)
        for en_record, vi_record in zip(en_section.records, vi_section.records, strict=True):
            check(en_record.title.split(" #")[0], vi_record.title.split(" #")[0])
            for en_field, vi_field in zip(en_record.fields, vi_record.fields, strict=True):
                check(en_field.label, vi_field.label)
                coded = en_field.choice_label is not None or isinstance(en_field.value, bool)
                if coded:
                    check(en_field.display, vi_field.display)
    return left


def test_every_heading_label_and_coded_value_is_in_the_readers_language(
    trio: Any, record: LongestRecord
) -> None:
    with translation.override("en"):
        english = person_export_data(record.person)
        english_notice = english.notice()
    with translation.override("vi"):
        vietnamese = person_export_data(record.person)
        vietnamese_notice = vietnamese.notice()
    assert _untranslated(english, vietnamese) == []
    english_texts = [english_notice.title, *english_notice.about, *english_notice.how]
    vietnamese_texts = [vietnamese_notice.title, *vietnamese_notice.about, *vietnamese_notice.how]
    for en, vi in zip(english_texts, vietnamese_texts, strict=True):
        assert en != vi
    assert [right.name for right in vietnamese_notice.rights] == RIGHTS_IN_VIETNAMESE


def test_the_copy_is_vietnamese_unless_english_is_asked_for(
    trio: Any, record: LongestRecord
) -> None:
    english = json.loads(_download(trio, record, "request_export_json", "?lang=en").content)
    assert english["language"] == "en"
    assert english["sections"]["person"]["label"] == "Personal details"
    assert english["notice"]["rights"][0]["name"] == "To know and to see your data"
    # An unknown language gives the Vietnamese copy.
    other = json.loads(_download(trio, record, "request_export_json", "?lang=fr").content)
    assert other["language"] == "vi"


# --- The rights page ------------------------------------------------------------------------


def test_the_first_page_says_what_the_document_is_and_the_persons_rights(
    trio: Any, record: LongestRecord
) -> None:
    pages = _pdf_pages(_download(trio, record, "request_export_pdf").content)
    first = pages[0]
    assert "Bản sao dữ liệu cá nhân" in first
    assert "Về tài liệu này và quyền của bạn" in first
    for right in RIGHTS_IN_VIETNAMESE:
        assert right in first, right
    assert trio.organisation.name in first
    assert "91/2025/QH15" in first and "356/2025/NĐ-CP" in first
    assert "2 ngày làm việc" in first and "15 ngày" in first
    # The data itself starts on the next page.
    assert record.person.phone not in first
    assert "Thông tin cá nhân" in pages[1]


# --- Nothing derived or internal ------------------------------------------------------------


def test_every_model_pointing_at_the_person_is_exported_or_declared_derived() -> None:
    covered = exporters.covered_models()
    undecided = [
        model._meta.label_lower
        for model, _fields in exporters.person_models()
        if model._meta.label_lower not in covered and person_export_exclusion(model) is None
    ]
    assert undecided == []
    assert exporters.uncovered_person_models() == []
    # Derived data is declared, with its reason, and never also exported.
    assert person_export_exclusion(UnitFact)
    assert "indicators.unitfact" not in covered
    assert "programmes.participant" in covered


def test_pre_counted_indicator_facts_stay_out_of_the_copy(trio: Any, record: LongestRecord) -> None:
    project = Project.objects.create(
        implementing_organisation=trio.organisation,
        code="P1",
        name="Dự án hỗ trợ",
        start_on=datetime.date(2026, 1, 1),
        end_on=datetime.date(2026, 12, 31),
    )
    casework.service_record(
        case=record.case,
        domain="legal",
        provider=None,
        provider_name="Trợ giúp pháp lý",
        delivered_on=datetime.date(2026, 2, 10),
        cost_vnd=0,
        regime="",
        note="",
        project=project,
        actor=Actor.for_user(record.worker),
    )
    project_facts_rebuild(actor=Actor.system("tests"), project=project)
    assert UnitFact.objects.filter(person=record.person).exists()
    data = services.person_export_json(person=record.person, actor=Actor.for_user(trio.owner))
    assert not any("unitfact" in key for key in data["sections"])
    for section in data["sections"].values():
        assert "months_0" not in section["fields"] and "overflow" not in section["fields"]
    document = services.person_export_pdf(
        person=record.person, actor=Actor.for_user(trio.owner), language="en"
    )
    text = "".join(_pdf_pages(document))
    assert "Months 0" not in text and "Overflow" not in text
