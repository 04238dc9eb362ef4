"""Writes of the duplicates app: registry scans, decisions on pairs, merges and their undoing.

Every function runs in one transaction with its audit row (ids and counts only). A refusal
raises `ValidationError` with a message for the supervisor and writes nothing.

A merge moves every row that points at the merged record to the surviving one: each relation
to `Person` (found through `Person._meta`, hidden ones too, so a new relation is moved without
a change here) and the non-key references (what a form sent twice answers with). Name tokens
and blind indexes are written afresh; the figures count again at once (`core.records`). Audit
rows never change (the log is append-only): the merge's own row names both ids. Each moved
row is remembered, with the surviving record's values before, so that an undo within
`UNDO_DAYS` days puts both records back exactly as they were.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.casework.models import ServiceDelivery, ShelterStay
from donghanh.core.actor import Actor
from donghanh.core.idempotency import once
from donghanh.core.models import IdempotencyKey
from donghanh.core.records import records_changed
from donghanh.duplicates.events import DuplicatesEvent
from donghanh.duplicates.models import (
    UNDO_DAYS,
    CandidatePair,
    Decision,
    PersonMerge,
    RegistryScan,
)
from donghanh.duplicates.scan import ScanResult
from donghanh.duplicates.selectors import SCAN_JOB_KIND, has_restricted_case, scan_waiting
from donghanh.jobs.models import Job
from donghanh.jobs.services import job_start
from donghanh.organisations.models import Organisation
from donghanh.people import services as people_services
from donghanh.people.models import Person

# --- scans ---------------------------------------------------------------------------------


@transaction.atomic
def registry_scan_request(*, actor: Actor, idempotency_key: str = "") -> Job:
    """Queue a scan of the organisation the actor acts for (the supervisors' button). A scan
    already waiting or running is the answer, and the same form sent twice queues one job."""
    organisation = cast(Organisation | None, actor.organisation)
    if organisation is None:
        raise ValueError("a scan is asked for within an organisation")
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()

    def start() -> Job:
        waiting = scan_waiting(organisation)
        return waiting if waiting is not None else job_start(actor=actor, kind=SCAN_JOB_KIND)

    job, _created = once(
        actor=actor,
        scope=f"duplicates.scan:{organisation.pk}",
        key=idempotency_key,
        create=start,
    )
    return job


@transaction.atomic
def registry_scan_start(
    *, organisation: Organisation, records: int, actor: Actor, job_id: Any = None, nightly: bool
) -> RegistryScan:
    """Record that a scan of the organisation's `records` people starts (committed at once, so
    that a scan that fails still shows it started)."""
    scan = RegistryScan.objects.create(
        organisation=organisation,
        job_id=job_id,
        nightly=nightly,
        started_at=timezone.now(),
        records=records,
    )
    audit_record(
        event=DuplicatesEvent.SCAN_STARTED,
        actor=actor.within(organisation),
        target=scan,
        details={"records": records, "nightly": nightly},
    )
    return scan


@transaction.atomic
def registry_scan_finish(*, scan: RegistryScan, result: ScanResult, actor: Actor) -> RegistryScan:
    """Store what the scan found: new pairs to review, the figures of pairs found again; a
    pair decided "not the same person" (or merged) is never asked again, and a pair to review
    no longer found (the records changed) leaves the queue."""
    organisation = scan.organisation
    now = timezone.now()
    existing = {
        (pair.person_a_id, pair.person_b_id): pair
        for pair in CandidatePair.objects.select_for_update().filter(organisation=organisation)
    }
    found_keys = set()
    new = []
    changed = []
    for found in result.pairs:
        key = (found.person_a, found.person_b)
        found_keys.add(key)
        values = {
            "weight": found.weight,
            "probability": found.probability,
            "comparisons": [evidence.as_json() for evidence in found.fields],
            "cluster": found.cluster,
            "cluster_size": found.cluster_size,
            "last_seen_scan": scan,
        }
        pair = existing.get(key)
        if pair is None:
            new.append(
                CandidatePair(
                    organisation=organisation,
                    person_a_id=found.person_a,
                    person_b_id=found.person_b,
                    found_at=now,
                    **values,
                )
            )
        elif pair.decision in (Decision.OPEN, Decision.LATER):
            for name, value in values.items():
                setattr(pair, name, value)
            changed.append(pair)
    CandidatePair.objects.bulk_create(new, batch_size=500)
    CandidatePair.objects.bulk_update(
        changed,
        ["weight", "probability", "comparisons", "cluster", "cluster_size", "last_seen_scan"],
        batch_size=500,
    )
    gone = [
        pair.pk
        for key, pair in existing.items()
        if key not in found_keys and pair.decision in (Decision.OPEN, Decision.LATER)
    ]
    CandidatePair.objects.filter(pk__in=gone).delete()
    scan.finished_at = now
    scan.outcome = RegistryScan.Outcome.SUCCEEDED
    scan.pairs = len(result.pairs)
    scan.new_pairs = len(new)
    scan.clusters = result.clusters
    scan.save(update_fields=["finished_at", "outcome", "pairs", "new_pairs", "clusters"])
    audit_record(
        event=DuplicatesEvent.SCAN_FINISHED,
        actor=actor.within(organisation),
        target=scan,
        details={
            "records": result.records,
            "pairs": scan.pairs,
            "new": scan.new_pairs,
            "clusters": scan.clusters,
            "left_queue": len(gone),
        },
    )
    return scan


@transaction.atomic
def registry_scan_fail(*, scan: RegistryScan, actor: Actor) -> None:
    """Record that the scan stopped (an error, or someone stopped it): nothing was stored."""
    RegistryScan.objects.filter(pk=scan.pk).update(
        finished_at=timezone.now(), outcome=RegistryScan.Outcome.FAILED
    )
    audit_record(
        event=DuplicatesEvent.SCAN_FAILED, actor=actor.within(scan.organisation), target=scan
    )


# --- the queue -----------------------------------------------------------------------------


@transaction.atomic
def review_queue_view_record(*, organisation: Organisation, shown: int, actor: Actor) -> None:
    """Record one read of the review queue (names of the organisation's people)."""
    audit_record(
        event=DuplicatesEvent.QUEUE_VIEWED,
        actor=actor.within(organisation),
        details={"shown": shown},
    )


@transaction.atomic
def pair_view_record(*, pair: CandidatePair, actor: Actor) -> None:
    """Record that a reviewer compared the two records of a pair side by side."""
    audit_record(
        event=DuplicatesEvent.PAIR_VIEWED,
        actor=actor.within(pair.organisation),
        target=pair,
        details={"person_a": pair.person_a_id, "person_b": pair.person_b_id},
    )


@transaction.atomic
def merge_view_record(*, merge: PersonMerge, actor: Actor) -> None:
    """Record that a reviewer opened a merge's page (it names the record kept)."""
    audit_record(
        event=DuplicatesEvent.MERGE_VIEWED,
        actor=actor.within(merge.organisation),
        target=merge,
        details={"survivor": merge.survivor_id, "merged": merge.merged_id},
    )


_DECISIONS = (Decision.NOT_SAME, Decision.LATER)


@transaction.atomic
def pair_decide(
    *, pair: CandidatePair, decision: str, actor: Actor, expected_version: int | None = None
) -> CandidatePair:
    """Decide "not the same person" (remembered: no scan asks again) or "later" (the pair stays
    in the queue, after the others). The same decision sent twice changes nothing more."""
    if decision not in _DECISIONS:
        raise ValidationError(_("Choose what to do with this pair."), code="decision")
    current = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if current.decision == decision:
        return current
    if current.decision in (Decision.MERGED, Decision.NOT_SAME) or (
        expected_version is not None and current.version != expected_version
    ):
        raise ValidationError(
            _("Someone decided on this pair since you opened it. Look at the queue again."),
            code="stale",
        )
    current.decision = decision
    current.decided_at = timezone.now()
    current.decided_by_id = actor.user_id
    current.version += 1
    current.save(update_fields=["decision", "decided_at", "decided_by", "version"])
    audit_record(
        event=DuplicatesEvent.PAIR_DECIDED,
        actor=actor.within(current.organisation),
        target=current,
        details={
            "person_a": current.person_a_id,
            "person_b": current.person_b_id,
            "decision": decision,
        },
    )
    return current


# --- merging -------------------------------------------------------------------------------

# Relations to Person a merge does not move: written afresh (name tokens from the survivor's
# names, the figures' facts by the figures), the merge's own bookkeeping, and a record merged
# into another.
_NOT_MOVED = frozenset(
    {
        "people.personnametoken.person",
        "indicators.unitfact.person",
        "people.person.merged_into",
        "duplicates.candidatepair.person_a",
        "duplicates.candidatepair.person_b",
        "duplicates.personmerge.survivor",
        "duplicates.personmerge.merged",
    }
)
# Non-key references to a person moved with the rows: a form sent twice answers with the
# record it registered, now the survivor.
_IDEMPOTENCY_KEYS = "core.idempotencykey.target_id"


def _relations() -> list[models.ForeignObjectRel]:
    """Every relation of another model (or of Person itself) to Person, hidden ones too."""
    return [
        field
        for field in Person._meta.get_fields(include_hidden=True)
        if isinstance(field, models.ForeignObjectRel)
    ]


def _model(relation: models.ForeignObjectRel) -> type[models.Model]:
    return cast(type[models.Model], relation.related_model)


def _relation_key(relation: models.ForeignObjectRel) -> str:
    return f"{_model(relation)._meta.label_lower}.{relation.field.name}"


def _unique_sets(model: type[models.Model], field_name: str) -> list[list[str]]:
    """The other fields of each uniqueness rule of `model` that holds `field_name`."""
    sets: list[tuple[str, ...]] = [tuple(names) for names in model._meta.unique_together]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            sets.append(tuple(constraint.fields))
    return [[name for name in names if name != field_name] for names in sets if field_name in names]


def _rows_to_move(relation: models.ForeignObjectRel, merged: Person, survivor: Person) -> list[Any]:
    """The pks of the rows of `relation` on the merged record that can move to the survivor: a
    row the survivor already has the same of (a uniqueness rule) stays with the merged record."""
    model = _model(relation)
    name = relation.field.name
    rows = model._base_manager.filter(**{name: merged})
    for others in _unique_sets(model, name):
        if not others:
            continue
        for values in model._base_manager.filter(**{name: survivor}).values_list(*others):
            rows = rows.exclude(Q(**dict(zip(others, values, strict=True))))
    return list(rows.order_by("pk").values_list("pk", flat=True))


def _projects_of(person_ids: list[int]) -> set[int]:
    """The projects counting these people's records (services and shelter stays)."""
    projects = set(
        ServiceDelivery.objects.filter(case__person_id__in=person_ids, project__isnull=False)
        .values_list("project_id", flat=True)
        .distinct()
    )
    projects.update(
        ShelterStay.objects.filter(case__person_id__in=person_ids, project__isnull=False)
        .values_list("project_id", flat=True)
        .distinct()
    )
    return projects


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


_DATE_FIELDS = frozenset({"date_of_birth", "age_estimated_on"})


def _snapshot(person: Person) -> dict[str, Any]:
    values = {
        name: _json_value(
            person.current_commune_id if name == "current_commune" else getattr(person, name)
        )
        for name in people_services.MERGED_FIELDS
    }
    return {
        "values": values,
        "version": person.version,
        "updated_at": person.updated_at.isoformat(),
    }


def _values_from_snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    restored = dict(values)
    for name in _DATE_FIELDS:
        if restored.get(name):
            restored[name] = datetime.date.fromisoformat(restored[name])
    return restored


# The fields a supervisor chooses between when two records differ (the record form's fields;
# the day an age was estimated follows the estimated age).
CHOSEN_FIELDS = tuple(name for name in people_services.MERGED_FIELDS if name != "age_estimated_on")
SURVIVOR, MERGED = "survivor", "merged"


def _check_mergeable(survivor: Person, merged: Person, actor: Actor) -> None:
    if survivor.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged with itself."), code="same_record")
    if survivor.organisation_id != merged.organisation_id or (
        actor.organisation is not None and survivor.organisation_id != actor.organisation.pk
    ):
        raise ValidationError(
            _(
                "These records belong to different organisations: records are merged only "
                "within one organisation. Refer the person with their consent instead."
            ),
            code="other_organisation",
        )
    if survivor.merged_into_id is not None or merged.merged_into_id is not None:
        raise ValidationError(
            _("One of these records was already merged into another one."), code="already_merged"
        )
    if has_restricted_case([survivor.pk, merged.pk]):
        raise ValidationError(
            _(
                "One of these people has a restricted case: their records cannot be merged. "
                "Ask the people named on the case to lift the restriction first."
            ),
            code="restricted_case",
        )
    for relation in _relations():
        if relation.one_to_one and (
            _model(relation)
            ._base_manager.filter(**{relation.field.name + "__in": [survivor.pk, merged.pk]})
            .exists()
        ):
            raise ValidationError(
                _(
                    "One of these records was de-identified: it can no longer be merged "
                    "with another record."
                ),
                code="deidentified",
            )


# The "not the same person" decisions a merge carried from the merged record to the survivor:
# [pair id, the pair's decision before (None: the merge made the pair)].
_NOT_SAME_CARRIED = "duplicates.candidatepair.not_same"


def _carry_not_same(
    *, merged: Person, survivor: Person, actor: Actor, at: datetime.datetime
) -> list[list[Any]]:
    carried: list[list[Any]] = []
    for pair in CandidatePair.objects.filter(
        Q(person_a=merged) | Q(person_b=merged), decision=Decision.NOT_SAME
    ):
        other = pair.person_b_id if pair.person_a_id == merged.pk else pair.person_a_id
        if other == survivor.pk:
            continue
        low, high = sorted((survivor.pk, other))
        existing = CandidatePair.objects.filter(person_a_id=low, person_b_id=high).first()
        if existing is None:
            created = CandidatePair.objects.create(
                organisation_id=survivor.organisation_id,
                person_a_id=low,
                person_b_id=high,
                weight=pair.weight,
                probability=pair.probability,
                comparisons=pair.comparisons,
                found_at=at,
                decision=Decision.NOT_SAME,
                decided_at=at,
                decided_by_id=actor.user_id,
            )
            carried.append([created.pk, None])
        elif existing.decision in (Decision.OPEN, Decision.LATER):
            carried.append([existing.pk, existing.decision])
            CandidatePair.objects.filter(pk=existing.pk).update(
                decision=Decision.NOT_SAME, decided_at=at, decided_by=actor.user_id
            )
    return carried


def _uncarry_not_same(carried: list[list[Any]]) -> None:
    for pk, decision in carried:
        if decision is None:
            CandidatePair.objects.filter(pk=pk, decision=Decision.NOT_SAME).delete()
        else:
            CandidatePair.objects.filter(pk=pk, decision=Decision.NOT_SAME).update(
                decision=decision
            )


@transaction.atomic
def person_merge(
    *,
    pair: CandidatePair,
    survivor_id: int,
    choices: Mapping[str, str],
    actor: Actor,
    expected_versions: Mapping[int, int] | None = None,
    idempotency_key: str = "",
) -> PersonMerge:
    """Make the pair's two records one: `survivor_id` (one of the two) stays, with each field
    in `choices` ("survivor" or "merged": whose value to keep; a field not named keeps the
    survivor's); everything of the other record moves to it, and the other record is merged
    away (its page and API address lead to the survivor). The same merge sent twice is done
    once: the second gets the first's merge (also after an undo, with the same
    `idempotency_key`)."""
    merge, _created = once(
        actor=actor,
        scope=f"duplicates.merge:{pair.pk}",
        key=idempotency_key,
        create=lambda: _person_merge(
            pair=pair,
            survivor_id=survivor_id,
            choices=choices,
            actor=actor,
            expected_versions=expected_versions,
        ),
    )
    return merge


def _person_merge(
    *,
    pair: CandidatePair,
    survivor_id: int,
    choices: Mapping[str, str],
    actor: Actor,
    expected_versions: Mapping[int, int] | None,
) -> PersonMerge:
    current_pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if current_pair.decision == Decision.MERGED:
        earlier = PersonMerge.objects.filter(pair=current_pair, undone_at__isnull=True).first()
        if earlier is not None:
            return earlier
    ids = {current_pair.person_a_id, current_pair.person_b_id}
    if survivor_id not in ids:
        raise ValidationError(_("Choose which of the two records to keep."), code="survivor")
    (merged_id,) = ids - {survivor_id}
    persons = {
        person.pk: person
        for person in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    survivor, merged = persons[survivor_id], persons[merged_id]
    _check_mergeable(survivor, merged, actor)
    if current_pair.decision == Decision.NOT_SAME:
        raise ValidationError(
            _("This pair was found not to be the same person: it cannot be merged."),
            code="not_same",
        )
    if expected_versions is not None and any(
        persons[pk].version != expected_versions.get(pk) for pk in ids
    ):
        raise ValidationError(
            _(
                "One of the two records was changed since you opened this page: nothing was "
                "merged. Look at them again."
            ),
            code="stale",
        )
    unknown = set(choices) - set(CHOSEN_FIELDS)
    if unknown or any(choice not in (SURVIVOR, MERGED) for choice in choices.values()):
        raise ValidationError(_("Choose, for each field, which value to keep."), code="choices")
    person_ids = sorted(ids)
    projects = _projects_of(person_ids)
    before = {**_snapshot(survivor), "merged_version": merged.version}
    now = timezone.now()

    # Every row of the merged record moves to the survivor, remembered for an undo.
    moved: dict[str, list[Any]] = {}
    for relation in _relations():
        key = _relation_key(relation)
        if key in _NOT_MOVED:
            continue
        pks = _rows_to_move(relation, merged, survivor)
        if pks:
            _model(relation)._base_manager.filter(pk__in=pks).update(
                **{relation.field.name: survivor}
            )
            moved[key] = pks
    keys = list(
        IdempotencyKey.objects.filter(target_type="people.person", target_id=str(merged.pk))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if keys:
        IdempotencyKey.objects.filter(pk__in=keys).update(target_id=str(survivor.pk))
        moved[_IDEMPOTENCY_KEYS] = keys

    values: dict[str, Any] = {}
    for name in CHOSEN_FIELDS:
        if choices.get(name) == MERGED:
            values[name] = (
                merged.current_commune_id if name == "current_commune" else getattr(merged, name)
            )
            if name == "estimated_age":
                values["age_estimated_on"] = merged.age_estimated_on
    changed = people_services.person_fields_replace(person=survivor, values=values, actor=actor)
    people_services.person_merged_away(person=merged, survivor=survivor, at=now, actor=actor)
    survivor.refresh_from_db(fields=["version"])

    current_pair.decision = Decision.MERGED
    current_pair.decided_at = now
    current_pair.decided_by_id = actor.user_id
    current_pair.version += 1
    current_pair.save(update_fields=["decision", "decided_at", "decided_by", "version"])
    # The merged record's other pairs still to review are about a record nobody sees now; a
    # record found not to be the merged person is not the survivor either.
    CandidatePair.objects.filter(
        Q(person_a=merged) | Q(person_b=merged), decision__in=[Decision.OPEN, Decision.LATER]
    ).delete()
    carried = _carry_not_same(merged=merged, survivor=survivor, actor=actor, at=now)
    if carried:
        moved[_NOT_SAME_CARRIED] = carried

    merge = PersonMerge.objects.create(
        organisation_id=survivor.organisation_id,
        survivor=survivor,
        merged=merged,
        pair=current_pair,
        merged_at=now,
        merged_by_id=actor.user_id,
        chosen={name: choices.get(name, SURVIVOR) for name in CHOSEN_FIELDS},
        survivor_before=json.dumps(before),
        survivor_version_after=survivor.version,
        moved=moved,
    )
    records_changed(project_ids=projects, person_ids=person_ids)
    audit_record(
        event=DuplicatesEvent.PERSON_MERGED,
        actor=actor.within(survivor.organisation),
        target=merge,
        changed_fields=changed,
        details={
            "survivor": survivor.pk,
            "merged": merged.pk,
            "moved": merge.moved_count,
            "pair": current_pair.pk,
        },
    )
    return merge


@transaction.atomic
def person_merge_undo(*, merge: PersonMerge, actor: Actor) -> PersonMerge:
    """Undo a merge within `UNDO_DAYS` days: every moved row goes back to the merged record,
    the survivor gets back its values, version and last change, the merged record is seen
    again; the pair goes back to the queue. Refused once the survivor changed since (undo
    its later change or merge first). Undoing an undone merge changes nothing more."""
    current = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if current.undone_at is not None:
        return current
    if timezone.now() >= current.undo_until:
        raise ValidationError(
            _("A merge can be undone for %(days)s days only: this one is older.")
            % {"days": UNDO_DAYS},
            code="too_late",
        )
    persons = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .filter(pk__in=[current.survivor_id, current.merged_id])
        .order_by("pk")
    }
    survivor, merged = persons[current.survivor_id], persons[current.merged_id]
    if survivor.merged_into_id is not None:
        raise ValidationError(
            _("The surviving record was merged into another one since: undo that merge first."),
            code="merged_since",
        )
    if survivor.version != current.survivor_version_after or merged.merged_into_id != survivor.pk:
        raise ValidationError(
            _(
                "The surviving record was changed after the merge: it cannot be put back "
                "exactly as it was, so the merge is not undone."
            ),
            code="changed_since",
        )
    person_ids = sorted(persons)
    projects = _projects_of(person_ids)
    moved_back = 0
    relations = {_relation_key(relation): relation for relation in _relations()}
    for key, pks in current.moved.items():
        if key == _NOT_SAME_CARRIED:
            _uncarry_not_same(pks)
            continue
        if key == _IDEMPOTENCY_KEYS:
            moved_back += IdempotencyKey.objects.filter(
                pk__in=pks, target_type="people.person", target_id=str(survivor.pk)
            ).update(target_id=str(merged.pk))
            continue
        relation = relations[key]
        name = relation.field.name
        moved_back += (
            _model(relation)
            ._base_manager.filter(pk__in=pks, **{name: survivor})
            .update(**{name: merged})
        )
    before = json.loads(current.survivor_before)
    people_services.person_fields_replace(
        person=survivor,
        values=_values_from_snapshot(before["values"]),
        actor=actor,
        version=before["version"],
        updated_at=datetime.datetime.fromisoformat(before["updated_at"]),
    )
    people_services.person_merge_reverted(
        person=merged, version=before["merged_version"], actor=actor
    )
    now = timezone.now()
    current.undone_at = now
    current.undone_by_id = actor.user_id
    current.save(update_fields=["undone_at", "undone_by"])
    if current.pair_id is not None:
        CandidatePair.objects.filter(pk=current.pair_id).update(
            decision=Decision.OPEN,
            decided_at=now,
            decided_by=actor.user_id,
            version=F("version") + 1,
        )
    records_changed(project_ids=projects, person_ids=person_ids)
    audit_record(
        event=DuplicatesEvent.MERGE_UNDONE,
        actor=actor.within(current.organisation),
        target=current,
        details={"survivor": survivor.pk, "merged": merged.pk, "moved": moved_back},
    )
    return current
