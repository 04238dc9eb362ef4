"""Forms of the funding and budget pages. They check shapes; the money rules live in
finance.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.money import MoneyField
from donghanh.programmes.finance.models import FundingKind
from donghanh.programmes.projects.forms import (
    RecordForm,
    date_field,
    money_field,
    organisation_field,
)


class FundingSourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FundingKind.choices)
    donor = organisation_field(_("Funder"))
    donor_name = forms.CharField(label=_("Funder (other)"), max_length=300, required=False)
    amount_vnd = MoneyField(label=_("Amount (VND)"), min_value=1)


FundingFormSet = forms.formset_factory(FundingSourceForm, extra=2, can_delete=True)


class BudgetForm(forms.Form):
    budget_vnd = money_field(_("Total budget (VND)"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class BudgetLineForm(RecordForm):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=300)
    amount_vnd = money_field(_("Budget (VND)"))


class SpendingForm(RecordForm):
    spent_on = date_field(_("Date"))
    amount_vnd = MoneyField(label=_("Amount (VND)"), min_value=1)
    description = forms.CharField(label=_("Description"), max_length=300)
    evidence_text = forms.CharField(
        label=_("Evidence (voucher number, where kept)"), max_length=300
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    overspend_reason = forms.CharField(
        label=_("Reason for going over the line (only if it does)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
