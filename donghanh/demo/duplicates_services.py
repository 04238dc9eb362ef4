"""Load the duplicates review demo: a few people registered twice (duplicates_data.py) and a
scan of their organisation, so that the review queue shows likely pairs on `make run`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.core.actor import Actor
from donghanh.demo.duplicates_data import ORGANISATION, RECORDS, REGISTERED_BY, SCANNED_BY
from donghanh.demo.guard import DemoDataError, ensure_demo_allowed
from donghanh.duplicates import services as duplicates_services
from donghanh.duplicates.models import RegistryScan
from donghanh.duplicates.scan import find_pairs
from donghanh.duplicates.selectors import persons_to_scan, persons_to_scan_count
from donghanh.organisations.models import Organisation
from donghanh.people import indexes
from donghanh.people.models import Person
from donghanh.people.services import person_register


@dataclass
class DemoDuplicatesReport:
    persons: int = 0
    pairs: int = 0
    scanned: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.persons or self.scanned)


def _existing(organisation: Organisation, full_name: str, born: datetime.date) -> bool:
    candidates = indexes.name_and_birth_date_candidates(full_name, born)
    return Person.objects.filter(organisation=organisation, name_dob_index__in=candidates).exists()


@transaction.atomic
def demo_duplicates_load(*, actor: Actor | None = None) -> DemoDuplicatesReport:
    """Register the demo's second records and scan the organisation once; a second run changes
    nothing. Needs the demo cases (load_demo_cases) first.

    `actor` runs the load (the command); every row is written as the demo user who would do
    the work on the pages (the case worker registers, the supervisor scans), so the demo's
    audit log reads as a real one."""
    ensure_demo_allowed()
    organisation = Organisation.objects.filter(slug=ORGANISATION).first()
    users = {u.username: u for u in User.objects.filter(username__in=[REGISTERED_BY, SCANNED_BY])}
    if (
        organisation is None
        or len(users) != 2
        or not Person.objects.filter(organisation=organisation).exists()
    ):
        raise DemoDataError(
            _(
                "The demo cases are missing. Run `manage.py load_demo`, "
                "`manage.py load_directory_demo` and `manage.py load_demo_cases` first, then "
                "this command."
            )
        )
    report = DemoDuplicatesReport()
    worker = Actor.for_user(users[REGISTERED_BY], organisation=organisation)
    for spec in RECORDS:
        born = datetime.date.fromisoformat(spec.born)
        if _existing(organisation, spec.full_name, born):
            continue
        person_register(
            actor=worker,
            organisation=organisation,
            full_name=spec.full_name,
            sex=spec.sex,
            date_of_birth=born,
            ethnicity=spec.ethnicity,
            phone=spec.phone,
        )
        report.persons += 1
    if report.persons or not RegistryScan.objects.filter(organisation=organisation).exists():
        # The scan a supervisor would ask for, run here at once (the job's own steps).
        supervisor = Actor.for_user(users[SCANNED_BY], organisation=organisation)
        scan = duplicates_services.registry_scan_start(
            organisation=organisation,
            records=persons_to_scan_count(organisation),
            actor=supervisor,
            nightly=False,
        )
        result = find_pairs(persons_to_scan(organisation))
        duplicates_services.registry_scan_finish(scan=scan, result=result, actor=supervisor)
        report.scanned = True
        report.pairs = len(result.pairs)
    return report
