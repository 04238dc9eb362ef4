"""`manage.py load_demo_duplicates`: fictional people registered twice and a scan, so that the
duplicates review queue is not empty on `make run`; loaded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.models import User
from donghanh.demo.duplicates_data import ORGANISATION, RECORDS, SCANNED_BY
from donghanh.duplicates.models import CandidatePair, RegistryScan
from donghanh.duplicates.selectors import pairs_to_review
from donghanh.organisations.models import Membership
from donghanh.people.models import Person
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.usefixtures("loaded")


def run() -> str:
    out = StringIO()
    with translation.override("en"):  # a page read in between activated Vietnamese
        call_command("load_demo_duplicates", stdout=out)
    return out.getvalue()


def test_needs_the_demo_cases_first() -> None:
    with pytest.raises(CommandError, match="load_demo_cases"):
        run()
    assert not RegistryScan.objects.exists()


def test_loads_likely_pairs_once_for_the_supervisor_to_review() -> None:
    call_command("load_directory_demo", stdout=StringIO())
    call_command("load_demo_cases", stdout=StringIO())
    people = Person.objects.count()

    assert f"{len(RECORDS)} records" in run()

    assert Person.objects.count() == people + len(RECORDS)
    supervisor = User.objects.get(username=SCANNED_BY)
    membership = Membership.objects.get(user=supervisor, organisation__slug=ORGANISATION)
    listed = list(pairs_to_review(membership))
    assert len(listed) >= 3
    names = {spec.full_name for spec in RECORDS}
    assert all(
        pair.person_a.full_name in names or pair.person_b.full_name in names for pair in listed
    )
    page = signed_in_client(supervisor).get(
        reverse("duplicates:queue", kwargs={"org": ORGANISATION})
    )
    assert page.status_code == 200

    pairs, scans = CandidatePair.objects.count(), RegistryScan.objects.count()
    assert "already loaded" in run()
    assert (CandidatePair.objects.count(), RegistryScan.objects.count()) == (pairs, scans)
    assert Person.objects.count() == people + len(RECORDS)
