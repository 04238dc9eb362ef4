"""What indicators keep: a token per project for its cached figures, the pre-counted facts
of the units each project counts, and the running tallies of its computed indicators.

Computed indicators read hundreds of thousands of records; their figures are cached and must
stay exact. Every service that writes a record an indicator of a project reads tells
`donghanh.core.records` what changed, and `services.py` gives those projects a fresh token,
rewrites the facts of the units concerned and moves the tallies, in the writer's transaction;
cached figures are keyed by their project's token, so another project's figures stay cached.
"""

from __future__ import annotations

import secrets

from django.db import models

from donghanh.core.person_export import excluded_from_person_export


def new_token() -> str:
    """A fresh token for a project's figures (see `ProjectFigures.token`)."""
    return secrets.token_hex(16)


class ProjectFigures(models.Model):
    project = models.OneToOneField(
        "programmes.Project", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # A fresh random token with every change: a rolled-back or restored database may repeat a
    # counter, never a token, so no cached figure of another history is ever read.
    token = models.CharField(max_length=32)
    # Whether the project's `UnitFact` rows are complete (built by
    # `services.project_facts_rebuild` or kept since the project was created), and the year
    # their month bits count from.
    facts_ready = models.BooleanField(default=False)
    facts_anchor = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "indicator figures of a project"

    def __str__(self) -> str:
        return f"figures of project #{self.project_id}"


class FactSource(models.TextChoices):
    """The records a fact row sums up (never rename: stored)."""

    SERVICES = "services", "services"
    SHELTER = "shelter", "shelter stays"
    TRAINING = "training", "training participations"


@excluded_from_person_export(
    "pre-counted indicator figures, derived from the services, shelter stays and trainings "
    "exported with the person and rebuilt from them at any time"
)
class UnitFact(models.Model):
    """What a project's records say of one unit counted once (a person served or sheltered, a
    trainee), pre-counted so that a dashboard reads one narrow row per unit, not every record.

    Kept exact by the services that write records (through `donghanh.core.records`, then
    `services.unit_facts_refresh`). Months are bits: bit `m` of `months_<m // 60>` is set when
    the unit has a record in the `m`-th month from January of the project's `facts_anchor`
    year, so a reporting period of whole months is a bit mask. Domains, age groups and target
    groups are bits too (`facts.DOMAIN_BITS`...), each set when a record in the row has it.

    Service rows come twice: `domain=""` sums up all of a person's services, and one row per
    domain sums up that domain's, for indicators that count chosen domains only. Training rows
    are one per province trained in (the province of the training, not of the trainee).
    """

    project = models.ForeignKey("programmes.Project", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=12, choices=FactSource.choices)
    unit = models.BigIntegerField()  # the person's or the participant's id
    # Deleting the person or participant deletes their facts (only one of the two is set).
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    participant = models.ForeignKey(
        "programmes.Participant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    domain = models.CharField(max_length=32, blank=True)
    province = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=16, blank=True)
    area_type = models.CharField(max_length=16, blank=True)
    role = models.CharField(max_length=32, blank=True)
    sector = models.CharField(max_length=32, blank=True)
    months_0 = models.BigIntegerField(default=0)
    months_1 = models.BigIntegerField(default=0)
    months_2 = models.BigIntegerField(default=0)
    months_3 = models.BigIntegerField(default=0)
    # A record outside the 20 years the month bits cover: figures are counted from records.
    overflow = models.BooleanField(default=False)
    domains = models.IntegerField(default=0)
    age_groups = models.IntegerField(default=0)
    target_groups = models.IntegerField(default=0)

    class Meta:
        verbose_name = "pre-counted unit of a project"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "domain", "unit", "province"], name="unit_fact_once"
            )
        ]
        # A write rewrites the rows of the units it changed.
        indexes = [models.Index(fields=["unit", "project"], name="unit_fact_unit")]

    def __str__(self) -> str:
        return f"{self.source} unit #{self.unit} of project #{self.project_id}"


class IndicatorTally(models.Model):
    """The running counts of one computed indicator over its whole time (`TallyCell`), kept
    by the same writes that keep the facts: each write adds what the units it changed now
    count in and takes away what they counted in before. Valid for one `signature` (the
    definition, breakdowns, reporting periods and month anchor it was counted for); a change to
    any of them counts it afresh from the facts (`tallies.recount`)."""

    indicator = models.OneToOneField(
        "programmes.Indicator", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    signature = models.CharField(max_length=64)

    class Meta:
        verbose_name = "running counts of an indicator"

    def __str__(self) -> str:
        return f"tally of indicator #{self.indicator_id}"


class TallyCell(models.Model):
    """How many units count in one cell: "whole", "period:<n>", "overflow" or
    "<breakdown>|<value>"."""

    tally = models.ForeignKey(IndicatorTally, on_delete=models.CASCADE, related_name="cells")
    cell = models.CharField(max_length=100)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "running count"
        constraints = [models.UniqueConstraint(fields=["tally", "cell"], name="tally_cell_once")]

    def __str__(self) -> str:
        return f"{self.cell} of indicator #{self.tally_id}"
