"""Writes for the directory's demo providers: bring the database in line with
donghanh/demo/directory_data.py through the directory's own services, so every change has its
audit row. Loading twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.demo.directory_data import PROVIDERS, ProviderSpec
from donghanh.demo.guard import DemoDataError, ensure_demo_allowed
from donghanh.directory.models import Provider
from donghanh.directory.services import (
    ContactInput,
    HoursInput,
    ProviderInput,
    provider_create,
    provider_mark_verified,
    provider_update,
)
from donghanh.organisations.models import Organisation
from donghanh.places.models import Commune, Province

# Audit rows written by the loader name it as their actor.
DEMO_AUDIT_ACTOR = "load_directory_demo"
# Who loads the demo providers unless told otherwise: the command, as a named system actor.
DIRECTORY_LOADER = Actor.system(DEMO_AUDIT_ACTOR)


@dataclass
class DirectoryDemoReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _demo_input(
    spec: ProviderSpec,
    organisations: dict[str, Organisation],
    provinces: dict[str, Province],
    communes: dict[str, Commune],
) -> ProviderInput:
    return ProviderInput(
        name=spec.name,
        name_en=spec.name_en,
        kind=spec.kind,
        organisation=organisations.get(spec.organisation),
        description=spec.description,
        description_en=spec.description_en,
        eligibility=spec.eligibility,
        cost=spec.cost,
        cost_note=spec.cost_note,
        services=spec.services,
        serves_nationwide=spec.serves_nationwide,
        provinces=[provinces[code] for code in spec.provinces],
        communes=[communes[code] for code in spec.communes],
        serves_all_countries=spec.serves_all_countries,
        countries=spec.countries,
        languages=spec.languages,
        interpreting=spec.interpreting,
        open_24_7=spec.open_24_7,
        time_zone=spec.time_zone,
        hours=[HoursInput(day, h.opens, h.closes) for h in spec.hours for day in h.days],
        hours_note=spec.hours_note,
        contacts=[ContactInput(c.kind, c.value, c.label) for c in spec.contacts],
        shown_to_public=spec.shown_to_public,
        is_example=spec.is_example,
        source=spec.source,
    )


@transaction.atomic
def directory_demo_load(*, actor: Actor = DIRECTORY_LOADER) -> DirectoryDemoReport:
    """Load the demo providers (donghanh/demo/directory_data.py); a second run changes nothing.

    Providers are found by their key: a missing one is created, one changed since is put back
    as the data says. Organisations are linked when they exist (`manage.py load_demo` creates
    them) and left out otherwise. A verification date in the data is recorded unless the
    provider was verified more recently.
    """
    ensure_demo_allowed()
    province_codes = {code for spec in PROVIDERS for code in spec.provinces}
    commune_codes = {code for spec in PROVIDERS for code in spec.communes}
    provinces = Province.objects.in_bulk(province_codes)
    communes = Commune.objects.in_bulk(commune_codes)
    if len(provinces) != len(province_codes) or len(communes) != len(commune_codes):
        raise DemoDataError(
            _("Places are missing. Run `manage.py migrate` (it loads the places) first.")
        )
    organisations = Organisation.objects.in_bulk(
        {spec.organisation for spec in PROVIDERS if spec.organisation}, field_name="slug"
    )
    stored = {
        provider.source_key: provider
        for provider in Provider.objects.filter(source_key__in=[spec.key for spec in PROVIDERS])
    }
    report = DirectoryDemoReport()
    for spec in PROVIDERS:
        data = _demo_input(spec, organisations, provinces, communes)
        provider = stored.get(spec.key)
        changed: list[str] = []
        if provider is None:
            provider = provider_create(data=data, source_key=spec.key, actor=actor)
        else:
            provider, changed = provider_update(
                provider=provider, data=data, expected_version=provider.version, actor=actor
            )
        if spec.verified_on is not None and (
            provider.last_verified_on is None or provider.last_verified_on < spec.verified_on
        ):
            provider_mark_verified(provider=provider, on=spec.verified_on, actor=actor)
            changed.append("last_verified_on")
        if spec.key not in stored:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return report
