from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.content.models import Article, ArticleText, ContentLanguage, Stage
from donghanh.core.dates import DateField
from donghanh.directory.models import Country


class ArticleFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ArticleText.Status.choices],
    )
    stage = forms.ChoiceField(
        label=_("Journey stage"), required=False, choices=[("", _("Every stage")), *Stage.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Both languages")), *ContentLanguage.choices],
    )
    stale = forms.BooleanField(label=_("Review overdue only"), required=False)


class ArticleSettingsForm(forms.Form):
    stage = forms.ChoiceField(label=_("Journey stage"), choices=Stage.choices)
    order = forms.IntegerField(
        label=_("Position in the stage"),
        min_value=0,
        initial=0,
        help_text=_("Lower numbers come first."),
    )
    destination = forms.ChoiceField(
        label=_("Destination country"),
        required=False,
        choices=[("", _("Any country or none")), *Country.choices],
        help_text=_("For a guide about one country, such as the United Kingdom."),
    )
    review_due = DateField(
        label=_("Review due on"),
        required=False,
        help_text=_("dd/mm/yyyy. After this date the article is listed as due for review."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ArticleTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in lists and search results."),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "## for a heading, - for a list item, [words](https://…) or [111](tel:111) for a "
            "link. HTML is not allowed and shows as plain text."
        ),
    )
    last_checked = DateField(
        label=_("Facts last checked on"),
        required=False,
        help_text=_("dd/mm/yyyy: when the numbers, laws and addresses were last checked."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ArticleCreateForm(ArticleSettingsForm, ArticleTextForm):
    slug = forms.SlugField(
        label=_("Address (slug)"),
        max_length=120,
        help_text=_(
            "Lower-case words joined by hyphens, e.g. check-a-job-offer. It cannot change."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of this text"),
        choices=ContentLanguage.choices,
        initial=ContentLanguage.VIETNAMESE,
    )
    field_order = ["slug", "stage", "order", "destination", "review_due", "language"]

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if Article.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another article already uses this address."))
        return slug


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"

    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[
            (APPROVE, _("Approve and publish")),
            (REQUEST_CHANGES, _("Ask for changes")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment for the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you ask for changes."),
    )
    last_checked = DateField(
        label=_("Facts checked on"),
        required=False,
        help_text=_("dd/mm/yyyy; empty means the date the author gave, or today."),
    )
    review_due = DateField(
        label=_("Next review due on"),
        required=False,
        help_text=_("dd/mm/yyyy; empty keeps the current date."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == self.REQUEST_CHANGES and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what should change, so the author knows what to do."))
        return data
