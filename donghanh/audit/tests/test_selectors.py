from __future__ import annotations

import pytest
from django.utils import translation

from donghanh.audit.selectors import record_type_label


@pytest.mark.parametrize(
    ("target_type", "label"),
    [
        ("organisations.membership", "Tư cách thành viên"),
        ("organisations.organisation", "Tổ chức"),
        ("gone.model", "gone.model"),
        ("not-a-label", "not-a-label"),
        ("", ""),
    ],
)
def test_record_type_label(target_type, label):
    with translation.override("vi"):
        assert record_type_label(target_type) == label
