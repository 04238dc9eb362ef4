"""Free-text details of a case are unreadable in the database and rotate with the data key."""

from __future__ import annotations

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from donghanh.cases import services as case_services
from donghanh.cases.models import Case, CaseStatusChange
from donghanh.cases.selectors import CASE_EDITS
from donghanh.core.actor import Actor
from donghanh.core.crypto import encrypted_fields

SECRETS: dict[str, str] = {
    "intake_note": "Gọi từ Zalo lúc nửa đêm",
    "recruiter_details": "Bà Tư ở chợ Vinh, môi giới lấy chồng",
    "journey_details": "Qua cửa khẩu Lao Bảo sang Lào",
    "screening_note": "Bị giữ hộ chiếu tám tháng",
}


def _raw(model, pk, column):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def _fill(case):
    return case_services.case_update(
        case=case,
        expected_version=case.version,
        baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(None),
        **SECRETS,
    )


def test_encrypted_fields_are_the_free_text_ones():
    assert {f.name for f in encrypted_fields(Case)} == set(SECRETS)
    assert {f.name for f in encrypted_fields(CaseStatusChange)} == {"note"}


def test_the_raw_columns_hold_no_plaintext(case):
    case = _fill(case)
    for name, secret in SECRETS.items():
        raw = _raw(Case, case.pk, name)
        assert raw.startswith("gAAAA"), name  # a Fernet token
        assert secret not in raw and "Vinh" not in raw
    case = case_services.case_closure_request(
        case=case,
        reason="other",
        reintegration_outcome="unknown",
        note="Đã chuyển về Hà Tĩnh",
        actor=Actor.for_user(None),
    )
    change = case.status_changes.latest("id")
    assert "Hà Tĩnh" not in _raw(CaseStatusChange, change.pk, "note")
    assert Case.objects.get(pk=case.pk).journey_details == SECRETS["journey_details"]


def test_rotate_data_key_re_encrypts_case_details(settings, case):
    case = _fill(case)
    old_token = _raw(Case, case.pk, "recruiter_details")
    settings.DATA_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.DATA_ENCRYPTION_KEYS]
    call_command("rotate_data_key", stdout=io.StringIO())
    new_token = _raw(Case, case.pk, "recruiter_details")
    assert new_token != old_token
    settings.DATA_ENCRYPTION_KEYS = settings.DATA_ENCRYPTION_KEYS[:1]  # the old key is gone
    assert Case.objects.get(pk=case.pk).recruiter_details == SECRETS["recruiter_details"]
