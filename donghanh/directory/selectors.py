"""Reads for the service directory, and who may see and edit it.

The API other apps use (case referrals, the public information bank):

- `providers_search(...)`: active providers matching every filter given, best matches first;
- `provider_get(provider_id, public_only=False)`: one provider with everything a page shows;
- `is_open_at(provider, moment)`: whether it is open at an aware moment.

Who may do what: every signed-in user whose role in any active organisation allows
`Perm.VIEW_DIRECTORY` sees the whole directory (it is shared by all organisations). A user
whose role allows `Perm.EDIT_DIRECTORY` adds providers, and edits and verifies a provider that
belongs to no organisation or belongs to an organisation where they hold that permission, or to
one of its units (a Women's Union editor keeps the entries of its centres up to date).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from donghanh.core.text import search_words
from donghanh.directory.hours import is_open_at as is_open_at
from donghanh.directory.hours import open_at_q
from donghanh.directory.models import (
    ContactChannel,
    Provider,
    ProviderCountry,
    ProviderLanguage,
    ProviderService,
)
from donghanh.directory.search import provider_vocabulary, read_query, serving_country
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import memberships_for
from donghanh.places.models import Commune, Province
from donghanh.places.selectors import PlaceResolution, place_resolve

# --- access ------------------------------------------------------------------------------------


def directory_memberships(user: Any, perm: Perm) -> list[Membership]:
    """The user's active memberships whose role allows `perm`."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [m for m in memberships_for(user) if role_allows(m.role, perm)]


def access_directory(user: Any, perm: Perm) -> Membership:
    """The first membership that allows `perm` in the directory; 403 when none does."""
    memberships = directory_memberships(user, perm)
    if not memberships:
        raise PermissionDenied
    return memberships[0]


def _units_below(organisation_ids: Iterable[int]) -> dict[int, int]:
    """Each organisation in `organisation_ids` and every unit below it → the top one it came from.

    One query over the organisation tree, which is small (one row per organisation).
    """
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Organisation.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    owner: dict[int, int] = {}
    for top in organisation_ids:
        stack = [top]
        while stack:
            current = stack.pop()
            if current in owner:
                continue
            owner[current] = top
            stack.extend(children.get(current, []))
    return owner


def membership_for_organisation(user: Any, organisation_id: int | None) -> Membership | None:
    """The membership that lets the user edit providers of `organisation_id` (None: unlinked)."""
    memberships = directory_memberships(user, Perm.EDIT_DIRECTORY)
    if not memberships:
        return None
    if organisation_id is None:
        return memberships[0]
    by_organisation = {m.organisation_id: m for m in memberships}
    top = _units_below(by_organisation).get(organisation_id)
    return by_organisation[top] if top is not None else None


def editing_membership(user: Any, provider: Provider) -> Membership | None:
    """The membership that lets the user edit `provider`, or None (see the module's rule)."""
    return membership_for_organisation(user, provider.organisation_id)


def organisations_editable_by(user: Any) -> QuerySet[Organisation]:
    """The organisations whose providers the user may edit: where a provider may be linked."""
    memberships = directory_memberships(user, Perm.EDIT_DIRECTORY)
    ids = _units_below(m.organisation_id for m in memberships) if memberships else {}
    return Organisation.objects.filter(pk__in=list(ids)).order_by("name")


def access_provider(user: Any, provider_id: int) -> Provider:
    """A provider for the directory's pages: 403 without `VIEW_DIRECTORY`, 404 if missing."""
    access_directory(user, Perm.VIEW_DIRECTORY)
    try:
        return provider_get(provider_id)
    except Provider.DoesNotExist:
        raise Http404 from None


def access_provider_for_edit(user: Any, provider_id: int) -> tuple[Provider, Membership]:
    """A provider the user may edit and the membership that allows it; 403 otherwise."""
    access_directory(user, Perm.EDIT_DIRECTORY)
    provider = access_provider(user, provider_id)
    membership = editing_membership(user, provider)
    if membership is None:
        raise PermissionDenied
    return provider, membership


# --- reading -----------------------------------------------------------------------------------


def _with_details(providers: QuerySet[Provider]) -> QuerySet[Provider]:
    """Everything the list and the provider page show, in a fixed number of queries."""
    # The folded search text can be long and no page shows it.
    providers = providers.defer("folded_text")
    return providers.select_related("organisation", "verified_by").prefetch_related(
        "services",
        "languages",
        "countries",
        "contacts",
        "opening_hours",
        Prefetch("provinces", queryset=Province.objects.order_by("short_name")),
        Prefetch("communes", queryset=Commune.objects.select_related("province")),
    )


def provider_get(provider_id: int, *, public_only: bool = False) -> Provider:
    """One provider with its details; raises Provider.DoesNotExist (also for a hidden one)."""
    providers = Provider.objects.all()
    if public_only:
        providers = providers.filter(shown_to_public=True, is_active=True)
    return _with_details(providers).get(pk=provider_id)


@dataclass(frozen=True)
class PlaceScope:
    """Where a person is, as today's units: some communes, or a province (perhaps an old one)."""

    # With communes, the provinces they are in (looked up when not given).
    province_codes: frozenset[str] = frozenset()
    commune_codes: frozenset[str] = frozenset()
    # A pre-2025 province: only today's communes that were part of it count.
    legacy_province_codes: frozenset[str] = frozenset()

    @classmethod
    def from_resolution(cls, resolution: PlaceResolution) -> PlaceScope | None:
        if resolution.communes:
            communes = [candidate.commune for candidate in resolution.communes]
            return cls(
                commune_codes=frozenset(commune.code for commune in communes),
                province_codes=frozenset(commune.province_id for commune in communes),
            )
        if resolution.province is not None:
            return cls(
                province_codes=frozenset([resolution.province.code]),
                legacy_province_codes=frozenset(p.code for p in resolution.legacy_provinces),
            )
        return None

    def condition(self) -> Q:
        """Providers serving this place: nationwide, its province, or one of its communes.

        Written as `pk IN (uncorrelated subquery)` so that the database computes each set once
        rather than once per provider.
        """
        by_province = Provider.provinces.through.objects.values("provider_id")
        by_commune = Provider.communes.through.objects.values("provider_id")
        condition = Q(serves_nationwide=True)
        if self.commune_codes:
            provinces = self.province_codes or set(
                Commune.objects.filter(code__in=self.commune_codes).values_list(
                    "province_id", flat=True
                )
            )
            condition |= Q(pk__in=by_province.filter(province_id__in=provinces))
            condition |= Q(pk__in=by_commune.filter(commune_id__in=self.commune_codes))
        elif self.province_codes:
            condition |= Q(pk__in=by_province.filter(province_id__in=self.province_codes))
            if self.legacy_province_codes:
                communes = set(_communes_of_legacy_provinces(self.legacy_province_codes))
                condition |= Q(pk__in=by_commune.filter(commune_id__in=communes))
            else:
                condition |= Q(
                    pk__in=by_commune.filter(commune__province_id__in=self.province_codes)
                )
        return condition


def _communes_of_legacy_provinces(codes: Iterable[str]) -> list[str]:
    """Today's communes that took over all or part of a commune of the pre-2025 provinces."""
    codes = list(codes)
    found: list[str] = []
    for lookup in (
        "legacy_communes__district__province__in",
        "partial_legacy_communes__district__province__in",
        "legacy_districts__province__in",
    ):
        found += Commune.objects.filter(**{lookup: codes}).values_list("code", flat=True)
    return found


def _codes(values: Any) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str | Province | Commune):
        values = [values]
    return frozenset(value if isinstance(value, str) else value.pk for value in values)


def providers_none() -> QuerySet[Provider]:
    """No provider: the list under a search form that is not valid."""
    return Provider.objects.none()


def providers_search(
    *,
    query: str = "",
    domain: str = "",
    province: Province | str | None = None,
    commune: Commune | str | Iterable[Commune | str] | None = None,
    place: str | PlaceResolution = "",
    language: str = "",
    country: str = "",
    open_now: bool = False,
    at: datetime | None = None,
    public_only: bool = False,
) -> QuerySet[Provider]:
    """Active providers matching every filter given, best name matches first, examples last.

    - `query`: every word starts a word of the names, description, eligibility, organisation or
      contacts, diacritics ignored ("nha binh yen" finds "Ngôi nhà Bình yên", "111" the hotline).
      When no provider has them all, a word may be one letter off ("nha bnh yen"), and providers
      having more of the words as typed come first. Names of places abroad ("London", "Anh",
      "United Kingdom") also match the providers serving that country or every country
      (see `donghanh.directory.search`).
    - `province`, `commune` (one or several), or `place`, free text read by
      `places.selectors.place_resolve`, old or new ("Quảng Bình", "huyện Nghi Xuân"): providers
      serving all of Vietnam, the province or one of the communes. A place that cannot be read
      matches nothing.
    - `language`: providers working in it, or in any language through interpreters.
    - `country`: providers serving that country abroad, or every country.
    - `open_now` (or `at`, a moment): open then, in the provider's time zone; 24/7 always.
    - `public_only`: only providers shown to the public.
    """
    providers = Provider.objects.filter(is_active=True)
    if public_only:
        providers = providers.filter(shown_to_public=True)
    # Child tables are filtered with uncorrelated `pk IN (...)` subqueries: each set is computed
    # once, which keeps a search over tens of thousands of providers fast on PostgreSQL.
    if domain:
        offered = ProviderService.objects.filter(domain=domain).values("provider_id")
        providers = providers.filter(pk__in=offered)
    if language:
        spoken = ProviderLanguage.objects.filter(code=language).values("provider_id")
        providers = providers.filter(Q(interpreting=True) | Q(pk__in=spoken))
    if country:
        providers = providers.filter(serving_country(country))

    scope: PlaceScope | None = None
    if place:
        resolution = place_resolve(place) if isinstance(place, str) else place
        scope = PlaceScope.from_resolution(resolution)
        if scope is None:
            return Provider.objects.none()
    elif commune is not None:
        scope = PlaceScope(commune_codes=_codes(commune))
    elif province is not None:
        scope = PlaceScope(province_codes=_codes(province))
    if scope is not None:
        providers = providers.filter(scope.condition())

    if open_now or at is not None:
        # Only the time zones in use: usually Vietnam's alone, sometimes the UK's too.
        # (An index-only scan of the time-zone index: a few milliseconds for 20,000 providers.)
        zones = Provider.objects.order_by().values_list("time_zone", flat=True).distinct()
        providers = providers.filter(open_at_q(at or timezone.now(), set(zones)))

    order: list[Any] = ["is_example", "folded_name", "id"]
    words = search_words(query)
    if not words:
        return _with_details(providers.order_by(*order))
    read = read_query(words)
    found = providers.filter(*read.conditions)
    if not found.exists():  # a typo? Each word may be one letter off
        read = read_query(words, vocabulary=provider_vocabulary(public_only=public_only))
        found = providers.filter(*read.conditions)
        typed = sum(
            (Case(When(condition, then=Value(1)), default=Value(0)) for condition in read.typed),
            start=Value(0),
        )
        found = found.annotate(typed_words=typed)
        order.insert(0, "-typed_words")
    if read.places:
        # Providers there before those serving every country, before words found in a text.
        served = ProviderCountry.objects.filter(code=read.places[0].country).values("provider_id")
        found = found.annotate(
            place_rank=Case(
                When(pk__in=served, then=Value(0)),
                When(serves_all_countries=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        order.insert(0, "place_rank")
    phrase = " ".join(words)
    found = found.annotate(
        name_rank=Case(
            When(folded_name__startswith=phrase, then=Value(0)),
            When(folded_name__contains=phrase, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    order.insert(0, "name_rank")
    return _with_details(found.order_by(*order))


def with_open_status(providers: Iterable[Provider], moment: datetime) -> list[Provider]:
    """The providers, each with `open_now` set for `moment` (uses their prefetched hours)."""
    providers = list(providers)
    for provider in providers:
        provider.open_now = is_open_at(provider, moment)  # type: ignore[attr-defined]
    return providers


def provider_phones(provider_ids: list[int]) -> dict[int, list[ContactChannel]]:
    """Phone and Zalo numbers of the providers on one page of results, in one query."""
    phones: dict[int, list[ContactChannel]] = {}
    contacts = ContactChannel.objects.filter(
        provider_id__in=provider_ids,
        kind__in=[ContactChannel.Kind.PHONE, ContactChannel.Kind.ZALO],
    ).order_by("provider_id", "pk")
    for contact in contacts:
        phones.setdefault(contact.provider_id, []).append(contact)
    return phones
