"""The self-check's scoring rules (a pure module: no database needed)."""

from __future__ import annotations

from donghanh.public.self_check import (
    NO,
    QUESTIONS,
    UNKNOWN,
    YES,
    RiskLevel,
    Sign,
    assess,
)
from donghanh.reference.codelists import ILO_INDICATORS

SERIOUS = [q.key for q in QUESTIONS if q.sign is Sign.SERIOUS]
WARNING = [q.key for q in QUESTIONS if q.sign is Sign.WARNING]


def all_no(**answers: str) -> dict[str, str]:
    return {q.key: NO for q in QUESTIONS} | answers


def test_between_eight_and_fourteen_questions_with_unique_keys():
    assert 8 <= len(QUESTIONS) <= 14
    assert len({q.key for q in QUESTIONS}) == len(QUESTIONS)


def test_questions_name_only_real_ilo_indicators():
    known = {code.code for code in ILO_INDICATORS.codes}
    used = {q.ilo_indicator for q in QUESTIONS if q.ilo_indicator}
    assert used <= known
    # The signs that matter most before departure are all asked about.
    assert {"debt_bondage", "retention_of_identity_documents", "deception"} <= used


def test_all_no_is_low_risk():
    result = assess(all_no())
    assert result.level is RiskLevel.LOW
    assert result.signs == () and result.unknowns == ()


def test_any_serious_sign_alone_is_high_risk():
    for key in SERIOUS:
        assert assess(all_no(**{key: YES})).level is RiskLevel.HIGH, key


def test_one_or_two_warning_signs_call_for_caution_three_are_high():
    assert assess(all_no(**{WARNING[0]: YES})).level is RiskLevel.CAUTION
    assert assess(all_no(**dict.fromkeys(WARNING[:2], YES))).level is RiskLevel.CAUTION
    assert assess(all_no(**dict.fromkeys(WARNING[:3], YES))).level is RiskLevel.HIGH


def test_not_knowing_about_a_serious_sign_calls_for_caution():
    assert assess(all_no(passport=UNKNOWN)).level is RiskLevel.CAUTION


def test_not_knowing_about_up_to_two_warning_signs_is_still_low():
    assert assess(all_no(**dict.fromkeys(WARNING[:2], UNKNOWN))).level is RiskLevel.LOW
    assert assess(all_no(**dict.fromkeys(WARNING[:3], UNKNOWN))).level is RiskLevel.CAUTION


def test_blank_or_unexpected_answers_count_as_unknown():
    result = assess({})
    assert len(result.unknowns) == len(QUESTIONS)
    assert result.level is RiskLevel.CAUTION
    assert assess(all_no(debt="maybe")).unknowns[0].key == "debt"


def test_signs_list_serious_ones_first():
    result = assess(all_no(fee=YES, passport=YES))
    assert [q.key for q in result.signs] == ["passport", "fee"]
    assert [q.key for q in result.serious_signs] == ["passport"]
