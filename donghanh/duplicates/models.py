"""The registry scan's findings and the supervisors' decisions on them.

- `RegistryScan`: one run of the matcher over an organisation's people (nightly or asked for),
  with its outcome and figures.
- `CandidatePair`: two records of one organisation the matcher finds likely to be one person,
  with the weight of the evidence and what each field said; the decision taken on it. A pair
  found "not the same person" stays, so that no later scan asks again.
- `PersonMerge`: two records made one: which record survived, what each moved row was, and the
  surviving record's values before, so that the merge can be undone within
  `UNDO_DAYS` days.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedTextField
from donghanh.core.person_export import excluded_from_person_export

# How long a merge can be undone.
UNDO_DAYS = 30


class RegistryScan(models.Model):
    """One scan of an organisation's people for records of the same person."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Stopped on an error")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nightly = models.BooleanField(default=False)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.RUNNING
    )
    records = models.PositiveIntegerField(_("records compared"), default=0)
    pairs = models.PositiveIntegerField(_("likely pairs"), default=0)
    new_pairs = models.PositiveIntegerField(_("new pairs"), default=0)
    clusters = models.PositiveIntegerField(_("groups"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-started_at"], name="registry_scan_org")]

    def __str__(self) -> str:
        return f"registry scan #{self.pk}"


class Decision(models.TextChoices):
    OPEN = "open", _("To review")
    LATER = "later", _("Postponed")
    NOT_SAME = "not_same", _("Not the same person")
    MERGED = "merged", _("Merged")


@excluded_from_person_export(
    "a likely match between two records found by the matcher, for the supervisors to review: "
    "ids, weights and a decision, nothing of the person that their record does not hold"
)
class CandidatePair(models.Model):
    """Two records of one organisation likely to be one person; `person_a` has the lower id."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    person_a = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # log2 of the odds that the two are one person, and the match probability.
    weight = models.FloatField(_("weight"))
    probability = models.FloatField(_("probability"))
    # One entry per comparison: {"field", "level" (its name), "weight" (bits)}; level "" when
    # a side does not say.
    comparisons = models.JSONField(default=list)
    # The group of records linked together by pairs above the threshold: its smallest person
    # id, and how many records it holds.
    cluster = models.BigIntegerField(null=True, blank=True)
    cluster_size = models.PositiveIntegerField(default=2)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.OPEN
    )
    found_at = models.DateTimeField(_("found"))
    last_seen_scan = models.ForeignKey(
        RegistryScan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="candidate_pair_once"),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="candidate_pair_ordered"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "decision", "-weight"], name="candidate_pair_queue"
            ),
            models.Index(fields=["person_b"], name="candidate_pair_person_b"),
        ]

    def __str__(self) -> str:
        return f"candidate pair #{self.pk}"


@excluded_from_person_export(
    "the record of two records of the person made one: the surviving record holds everything, "
    "exported with it; this keeps only ids and, encrypted, the values an undo restores"
)
class PersonMerge(models.Model):
    """`merged` (the record merged away) made one with `survivor`, undoable for a while."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(
        CandidatePair, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"))
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Which record each field's value came from ("survivor" or "merged"), by field name.
    chosen = models.JSONField(default=dict)
    # The surviving record's values, version and last change, and the merged record's
    # version, before the merge (JSON, encrypted: names, birth date, phone...); the
    # survivor's version after the merge.
    survivor_before = EncryptedTextField()
    survivor_version_after = models.PositiveIntegerField()
    # Every row moved from the merged record to the survivor: {"app.model.field": [pk, ...]}.
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-merged_at"], name="person_merge_org")]

    def __str__(self) -> str:
        return f"merge #{self.pk}"

    @property
    def undo_until(self) -> datetime.datetime:
        return self.merged_at + datetime.timedelta(days=UNDO_DAYS)

    @property
    def can_be_undone(self) -> bool:
        return self.undone_at is None and timezone.now() < self.undo_until

    @property
    def moved_count(self) -> int:
        """Rows of other records moved (not the review queue's own decisions carried over)."""
        return sum(len(pks) for key, pks in self.moved.items() if not key.startswith("duplicates."))
