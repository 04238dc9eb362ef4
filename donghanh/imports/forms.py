"""Forms of the import pages: upload a file, choose its columns, import it, undo it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.idempotency import IdempotencyField
from donghanh.imports.kinds.base import ImportKind
from donghanh.imports.models import ImportBatch
from donghanh.organisations.models import Membership

ACCEPTED_TYPES = (
    ".xlsx,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
    )
    key = IdempotencyField()

    def __init__(self, *args: Any, kind: ImportKind, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields.update(kind.option_fields(membership))

    def options(self) -> dict[str, Any]:
        return self.kind.options_from(self.cleaned_data)


class MappingForm(forms.Form):
    """One choice per column of the file: the field it holds, or nothing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, batch: ImportBatch, kind: ImportKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batch = batch
        choices = [("", _("— not imported —"))] + [
            (column.key, f"{column.label}{' *' if column.required else ''}")
            for column in kind.columns
        ]
        self.columns: list[tuple[str, str]] = []
        for index, heading in enumerate(batch.headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=heading or _("(no heading)"),
                choices=choices,
                required=False,
                initial=batch.mapping.get(str(index), ""),
            )
            self.columns.append((name, heading))
        self.fields["version"].initial = batch.version

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("column_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("column_") and value
        }


class CommitForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("What to import"), choices=ImportBatch.Mode.choices, widget=forms.RadioSelect
    )


class UndoForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that every record this import created will be removed, and that this "
            "cannot be reversed."
        )
    )
