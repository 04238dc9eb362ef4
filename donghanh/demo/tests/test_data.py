"""The demo data itself: real organisations in a consistent tree, fictional people, clear names."""

from __future__ import annotations

import re
import unicodedata

from donghanh.demo.data import ORGANISATIONS, USERS
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role


def test_slugs_names_and_usernames_are_unique():
    assert len({spec.slug for spec in ORGANISATIONS}) == len(ORGANISATIONS)
    assert len({spec.name for spec in ORGANISATIONS}) == len(ORGANISATIONS)
    assert len({spec.username for spec in USERS}) == len(USERS)


def test_every_parent_is_listed_before_its_units():
    seen: set[str] = set()
    for spec in ORGANISATIONS:
        assert not spec.parent or spec.parent in seen, spec.slug
        seen.add(spec.slug)


def test_kinds_and_roles_are_the_platforms_own():
    assert {spec.kind for spec in ORGANISATIONS} <= set(Organisation.Kind.values)
    roles = {role for spec in USERS for _, role in spec.memberships}
    assert roles == set(Role.values)


def test_membership_organisations_exist_in_the_data():
    slugs = {spec.slug for spec in ORGANISATIONS}
    active = {spec.slug for spec in ORGANISATIONS if spec.is_active}
    for spec in USERS:
        for slug, _ in spec.memberships:
            assert slug in slugs
            assert slug in active, f"{spec.username} would belong to an inactive organisation"


def test_usernames_are_ascii_and_follow_the_pattern():
    pattern = re.compile(r"^[a-z]+\.[a-z]+$")
    for spec in USERS:
        if spec.is_superuser:
            assert spec.username == "sysadmin"
        else:
            assert pattern.match(spec.username), spec.username


def test_names_are_vietnamese_with_diacritics_in_nfc():
    for spec in USERS:
        assert unicodedata.is_normalized("NFC", spec.full_name)
        assert any(ord(ch) > 127 for ch in spec.full_name), spec.full_name
        assert len(spec.full_name.split()) >= 3, spec.full_name
    for org in ORGANISATIONS:
        for text in (org.name, org.description):
            assert unicodedata.is_normalized("NFC", text)
        assert org.name_en and org.name_en.isascii(), org.slug
