"""The one piece of state indicators keep: a token per project for their cached figures.

Computed indicators read hundreds of thousands of records; their figures are cached and must
stay exact. Every service that writes a record an indicator of a project reads calls
`indicators_changed(project_ids=...)` (see `invalidation.py`), which gives those projects a
fresh token; cached figures are keyed by their project's token, so another project's figures
stay cached.
"""

from __future__ import annotations

from django.db import models


class ProjectFigures(models.Model):
    project = models.OneToOneField(
        "programmes.Project", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # A fresh random token with every change: a rolled-back or restored database may repeat a
    # counter, never a token, so no cached figure of another history is ever read.
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "indicator figures of a project"

    def __str__(self) -> str:
        return f"figures of project #{self.project_id}"
