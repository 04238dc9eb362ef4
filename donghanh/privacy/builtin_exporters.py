"""The export sections for the models of the people and cases apps and of this one.

Registered from `PrivacyConfig.ready()`. The case section finds how cases point at a person
by looking at the `Case` model, so it works with whatever shape that model takes; the cases
app may register a fuller section under the same key with `replace=True`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.cases import models as case_models
from donghanh.core.person_export import (
    ExportRecord,
    model_record,
    model_records,
    person_export_exclusion,
    register_exporter,
    registered_exporters,
)
from donghanh.people.models import Consent, Guardian, Person, PersonNameToken
from donghanh.privacy.models import DataSubjectRequest, PersonDeidentification
from donghanh.programmes.trainings.models import Participant, TrainingParticipation
from donghanh.reference.codelists import (
    CONTROL_MEANS,
    COUNTRIES,
    EXPLOITATION_TYPES,
    ILO_ANSWERS,
    ILO_INDICATORS,
    RELATIONS_TO_TRAFFICKER,
    CodeList,
)

# A case's fields that hold codes of a list, shown by their labels.
CASE_CODE_LISTS: dict[str, CodeList] = {
    "transit_countries": COUNTRIES,
    "destination_country": COUNTRIES,
    "exploitation_types": EXPLOITATION_TYPES,
    "control_means": CONTROL_MEANS,
    "recruiter_relation": RELATIONS_TO_TRAFFICKER,
}


def export_person(person: Person) -> list[ExportRecord]:
    # When an age was estimated is bookkeeping for the age shown, not a fact about the person.
    return [
        model_record(
            person,
            title=_("Personal details"),
            exclude=["age_estimated_on"],
            displays={"nationality": person.nationality_label},
        )
    ]


def export_guardians(person: Person) -> list[ExportRecord]:
    return model_records(Guardian.objects.filter(person=person), title=_("Guardian"))


def _guardian_display(consent: Consent) -> dict[str, str] | None:
    if consent.guardian is None:
        return None
    guardian = consent.guardian
    return {"guardian": f"{guardian.full_name} ({guardian.get_relation_display()})"}


def export_consents(person: Person) -> list[ExportRecord]:
    consents = Consent.objects.filter(person=person).select_related(
        "recipient_organisation", "guardian"
    )
    title = _("Consent")
    return [
        model_record(
            consent,
            title=f"{title} #{consent.pk}",
            displays=_guardian_display(consent),
        )
        for consent in consents.order_by("given_on", "pk")
    ]


def export_requests(person: Person) -> list[ExportRecord]:
    records = model_records(
        DataSubjectRequest.objects.filter(person=person).order_by("received_on", "pk"),
        title=_("Request"),
    )
    deidentification = PersonDeidentification.objects.filter(person=person).first()
    if deidentification is not None:
        records.append(model_record(deidentification, title=_("De-identification")))
    return records


def _relations_to(
    model: type[models.Model], target: type[models.Model]
) -> list[models.Field[Any, Any]]:
    """The model's own foreign keys, one-to-one and many-to-many fields to `target`."""
    return [
        field
        for field in (*model._meta.concrete_fields, *model._meta.many_to_many)
        if field.is_relation and field.related_model is target
    ]


def _case_model() -> type[models.Model] | None:
    model = getattr(case_models, "Case", None)
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


def _case_children(case_model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """Models that hang off a case by a foreign key or a one-to-one field (notes, services,
    the plan...), and that field; not those that declare themselves internal."""
    from django.apps import apps

    children = []
    for model in apps.get_models():
        if model is case_model or person_export_exclusion(model) is not None:
            continue
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and (field.many_to_one or field.one_to_one)
                and field.related_model is case_model
            ):
                children.append((model, field.name))
                break
    return children


def _covered_elsewhere() -> set[str]:
    """Models a section other than the cases' own exports (documents, referrals...)."""
    covered: set[str] = set()
    for exporter in registered_exporters():
        if exporter.key != "cases":
            covered |= exporter.covers
    return covered


def _codes_text(codelist: CodeList, value: Any) -> str | None:
    if isinstance(value, list) and value:
        return ", ".join(str(codelist.label(code)) for code in value)
    if isinstance(value, str) and value:
        return str(codelist.label(value))
    return None


def case_displays(case: models.Model) -> dict[str, str]:
    """The shown text of a case's coded fields (countries, exploitation, screening answers),
    in the active language."""
    displays: dict[str, str] = {}
    for name, codelist in CASE_CODE_LISTS.items():
        text = _codes_text(codelist, getattr(case, name, None))
        if text is not None:
            displays[name] = text
    answers = getattr(case, "ilo_indicators", None)
    if isinstance(answers, dict) and answers:
        displays["ilo_indicators"] = "\n".join(
            f"{ILO_INDICATORS.label(code)}: {ILO_ANSWERS.label(answer)}"
            for code, answer in answers.items()
        )
    return displays


def export_cases(person: Person) -> list[ExportRecord]:
    case_model = _case_model()
    if case_model is None:
        return []
    match = models.Q(pk__in=[])
    for field in _relations_to(case_model, Person):
        match |= models.Q(**{field.name: person})
    # A case may also reach its people through a model of its own (case members, parties).
    for child, key in _case_children(case_model):
        for field in _relations_to(child, Person):
            if field.many_to_one or field.one_to_one:
                linked = child._default_manager.filter(**{field.name: person}).values(key)
                match |= models.Q(pk__in=linked)
    cases = list(case_model._default_manager.filter(match).distinct().order_by("pk"))
    title = _("Case")
    records = [
        model_record(case, title=f"{title} #{case.pk}", displays=case_displays(case))
        for case in cases
    ]
    elsewhere = _covered_elsewhere()
    for child, key in _case_children(case_model):
        if child._meta.label_lower in elsewhere:
            continue
        rows = child._default_manager.filter(**{f"{key}__in": cases})
        # A record of a case shared with someone else that is about that other person stays out.
        for field in _relations_to(child, Person):
            if field.many_to_one or field.one_to_one:
                rows = rows.filter(
                    models.Q(**{field.name: person}) | models.Q(**{f"{field.name}__isnull": True})
                )
        label = str(child._meta.verbose_name).capitalize()
        records += model_records(rows.order_by("pk"), title=label)
    return records


def _case_covers() -> list[str]:
    case_model = _case_model()
    if case_model is None:
        return []
    covers = [case_model._meta.label_lower]
    covers += [child._meta.label_lower for child, _key in _case_children(case_model)]
    for field in case_model._meta.many_to_many:
        through = getattr(field.remote_field, "through", None)
        if field.related_model is Person and through is not None and through._meta.auto_created:
            covers.append(through._meta.label_lower)
    return covers


def export_trainings(person: Person) -> list[ExportRecord]:
    """The person's records as a trainee, where one is linked to them, and their trainings."""
    participants = list(Participant.objects.filter(person=person).order_by("pk"))
    records = model_records(participants, title=_("Trainee"))
    participations = (
        TrainingParticipation.objects.filter(participant__in=participants)
        .select_related("training")
        .order_by("training__start_on", "pk")
    )
    title = _("Training")
    for participation in participations:
        training = participation.training
        records.append(
            model_record(
                participation,
                title=f"{title} #{training.pk}",
                displays={"training": training.title},
            )
        )
    return records


def register_builtin_exporters() -> None:
    if any(exporter.key == "person" for exporter in registered_exporters()):
        return  # registered already (ready() may run more than once in tests)
    # Blind-index tokens are keyed hashes of the names, which the person section holds.
    register_exporter(
        "person",
        label=gettext_lazy("Personal details"),
        covers=[Person._meta.label_lower, PersonNameToken._meta.label_lower],
        order=10,
    )(export_person)
    register_exporter(
        "guardians", label=gettext_lazy("Guardians"), covers=[Guardian._meta.label_lower], order=20
    )(export_guardians)
    register_exporter(
        "consents", label=gettext_lazy("Consents"), covers=[Consent._meta.label_lower], order=30
    )(export_consents)
    register_exporter("cases", label=gettext_lazy("Cases"), covers=_case_covers(), order=40)(
        export_cases
    )
    register_exporter(
        "trainings",
        label=gettext_lazy("Trainings"),
        covers=["programmes.participant", "programmes.trainingparticipation"],
        order=70,
    )(export_trainings)
    register_exporter(
        "requests",
        label=gettext_lazy("Requests about personal data"),
        covers=["privacy.datasubjectrequest", "privacy.persondeidentification"],
        order=90,
    )(export_requests)
