"""Each house rule on a good and a bad snippet (the rules are described in rules.py)."""

from __future__ import annotations

import textwrap

import pytest

from tools.houselint.config import Config
from tools.houselint.rules import check_source

CONFIG = Config(actor_parameters=("actor",))


def codes(source: str, path: str, config: Config = CONFIG) -> list[str]:
    return [finding.code for finding in check_source(textwrap.dedent(source), path, config)]


# HL101: no ORM fetch in a view or API module.

ORM_BAD = [
    "person = Person.objects.get(pk=person_id)",
    "people = Person.objects.filter(organisation=org).order_by('id')",
    "qs = models.Person.objects.all()",
    "qs = Person._default_manager.all()",
    "person = get_object_or_404(Person, pk=person_id)",
    "people = shortcuts.get_list_or_404(Person, organisation=org)",
    "users = get_user_model().objects.filter(is_active=True)",
]


@pytest.mark.parametrize("line", ORM_BAD)
@pytest.mark.parametrize("path", ["donghanh/cases/views.py", "donghanh/cases/case_views.py"])
def test_orm_fetch_in_a_view_is_reported(line: str, path: str) -> None:
    source = f"def person_detail(request, person_id):\n    {line}\n"
    assert codes(source, path) == ["HL101"]


def test_orm_fetch_in_an_api_module_is_reported() -> None:
    source = """
    class CaseList(APIView):
        queryset = Case.objects.none()
    """
    assert codes(source, "donghanh/api/v1/cases.py") == ["HL101"]


def test_reads_through_selectors_in_a_view_pass() -> None:
    source = """
    from donghanh.cases.selectors import access_person, people_for

    def person_detail(request, org, person_id):
        membership, person = access_person(request.user, org, person_id)
        others = people_for(membership).filter(name=person.name)
        return render(request, "x.html", {"person": person, "others": others})
    """
    assert codes(source, "donghanh/cases/views.py") == []


def test_orm_fetch_outside_views_is_not_this_rule() -> None:
    source = "def access_person(pk):\n    return Person.objects.get(pk=pk)\n"
    assert codes(source, "donghanh/cases/selectors.py") == []


def test_orm_opt_out_needs_a_reason_and_is_counted() -> None:
    excused = (
        "def f(request):\n    return Country.objects.all()  # houselint: allow-orm public list\n"
    )
    assert codes(excused, "donghanh/public/views.py") == []
    bare = "def f(request):\n    return Country.objects.all()  # houselint: allow-orm\n"
    assert sorted(codes(bare, "donghanh/public/views.py")) == ["HL001", "HL101"]


def test_an_opt_out_that_excuses_nothing_is_reported() -> None:
    source = "def f(request):\n    return 1  # houselint: allow-orm no longer needed\n"
    assert codes(source, "donghanh/public/views.py") == ["HL002"]


def test_an_opt_out_only_excuses_its_own_rule() -> None:
    source = "def f(request):\n    audit_record(action=1)  # houselint: allow-orm not the rule\n"
    assert sorted(codes(source, "donghanh/public/views.py")) == ["HL002", "HL401"]


def test_an_unknown_marker_is_reported() -> None:
    source = "x = 1  # houselint: allow-everything because\n"
    assert codes(source, "donghanh/public/models.py") == ["HL003"]


# HL201-HL203: public services are atomic, keyword-only and take the actor.

GOOD_SERVICE = """
from django.db import transaction

@transaction.atomic
def goal_add(*, plan, title, actor):
    return plan.goals.create(title=title)
"""


@pytest.mark.parametrize(
    "path",
    [
        "donghanh/casework/services.py",
        "donghanh/cases/case_services.py",
        "donghanh/x/services/a.py",
    ],
)
def test_a_keyword_only_atomic_service_with_the_actor_passes(path: str) -> None:
    assert codes(GOOD_SERVICE, path) == []


def test_the_actor_parameter_names_come_from_the_settings() -> None:
    source = GOOD_SERVICE.replace("actor)", "acting_user)")
    assert codes(source, "donghanh/casework/services.py") == ["HL203"]
    also_by = Config(actor_parameters=("actor", "acting_user"))
    assert codes(source, "donghanh/casework/services.py", also_by) == []


def test_a_service_that_is_not_atomic_is_reported() -> None:
    source = "def goal_add(*, plan, title, actor):\n    plan.goals.create(title=title)\n"
    assert codes(source, "donghanh/casework/services.py") == ["HL201"]


def test_atomic_by_call_or_by_a_with_block_passes() -> None:
    called = GOOD_SERVICE.replace("@transaction.atomic", "@transaction.atomic(durable=True)")
    assert codes(called, "donghanh/casework/services.py") == []
    with_block = """
    from django.db import transaction

    def attachment_add(*, case, content, actor):
        name = write_file(content)
        with transaction.atomic():
            return Attachment.objects.create(case=case, name=name)
    """
    assert codes(with_block, "donghanh/casework/services.py") == []


def test_a_with_block_in_a_nested_function_does_not_count() -> None:
    source = """
    def goal_add(*, plan, actor):
        def inner():
            with transaction.atomic():
                pass
        return inner
    """
    assert codes(source, "donghanh/casework/services.py") == ["HL201"]


def test_positional_parameters_are_reported() -> None:
    source = GOOD_SERVICE.replace("(*, plan, title, actor)", "(plan, *, title, actor)")
    assert codes(source, "donghanh/casework/services.py") == ["HL202"]
    source = GOOD_SERVICE.replace("(*, plan, title, actor)", "(*args, actor)")
    assert codes(source, "donghanh/casework/services.py") == ["HL202"]


def test_a_service_without_the_actor_is_reported() -> None:
    source = GOOD_SERVICE.replace(", actor)", ", user, request)")
    assert codes(source, "donghanh/casework/services.py") == ["HL203"]


def test_private_helpers_and_methods_are_not_services() -> None:
    source = """
    def _clean(value):
        return value.strip()

    class Input:
        def normalised(self):
            return self
    """
    assert codes(source, "donghanh/casework/services.py") == []


def test_a_pure_function_is_excused_by_its_marker_only() -> None:
    bare = "def vnd_text(amount):\n    return f'{amount:,}'\n"
    assert codes(bare, "donghanh/programmes/services.py") == ["HL201", "HL202", "HL203"]
    marked = (
        "def vnd_text(amount):  # houselint: pure formats a number for audit summaries\n"
        "    return f'{amount:,}'\n"
    )
    assert codes(marked, "donghanh/programmes/services.py") == []
    above = "# houselint: pure formats a number\n" + bare
    assert codes(above, "donghanh/programmes/services.py") == []


def test_the_pure_marker_on_a_decorated_multiline_signature() -> None:
    source = """
    # houselint: pure reads only
    @cache
    def trainee_index(
        full_name,
        birth_year,
    ):
        return full_name
    """
    assert codes(source, "donghanh/programmes/services.py") == []


def test_service_rules_apply_only_to_service_modules() -> None:
    assert codes("def vnd_text(amount):\n    return amount\n", "donghanh/core/text.py") == []


# HL301: save() names its fields unless the object is evidently new.


def wrap(body: str, name: str = "goal_update") -> str:
    lines = textwrap.indent(textwrap.dedent(body), "    ")
    return f"def {name}(*, goal, actor):\n{lines}"


def test_save_without_update_fields_on_an_existing_object_is_reported() -> None:
    assert codes(wrap("goal.title = 'x'\ngoal.save()\n"), "donghanh/a/helpers.py") == ["HL301"]
    assert codes(wrap("self.save()\n"), "donghanh/a/models.py") == ["HL301"]


def test_save_with_update_fields_passes() -> None:
    source = wrap("goal.title = 'x'\ngoal.save(update_fields=['title'])\n")
    assert codes(source, "donghanh/a/helpers.py") == []


def test_save_of_an_object_constructed_in_the_function_passes() -> None:
    source = wrap("plan = CasePlan(case=goal.case)\nplan.full_clean()\nplan.save()\n")
    assert codes(source, "donghanh/a/helpers.py") == []
    source = wrap("plan: CasePlan = models.CasePlan(case=goal.case)\nplan.save()\n")
    assert codes(source, "donghanh/a/helpers.py") == []


def test_save_after_a_constructor_in_another_branch_is_reported() -> None:
    source = wrap(
        """
        text = find_text(goal)
        if text is None:
            text = ArticleText(goal=goal)
            text.save()
        else:
            text.version += 1
            text.save()
        """
    )
    saves = [number for number, line in enumerate(source.splitlines(), 1) if "save()" in line]
    found = check_source(source, "donghanh/a/helpers.py", CONFIG)
    assert [(f.code, f.line) for f in found] == [("HL301", saves[1])]


def test_save_after_a_conditional_constructor_is_reported() -> None:
    source = wrap(
        """
        tally = existing_tally(goal)
        if tally is None:
            tally = Tally(goal=goal)
        tally.save()
        """
    )
    assert codes(source, "donghanh/a/helpers.py") == ["HL301"]


def test_save_of_a_parameter_reassigned_from_a_function_call_is_reported() -> None:
    source = wrap("goal = refresh(goal)\ngoal.save()\n")
    assert codes(source, "donghanh/a/helpers.py") == ["HL301"]


def test_saves_in_create_style_functions_and_forced_inserts_pass() -> None:
    assert codes(wrap("goal.save()\n", name="goal_create"), "donghanh/a/helpers.py") == []
    assert codes(wrap("goal.save(force_insert=True)\n"), "donghanh/a/helpers.py") == []


def test_saves_that_are_not_model_saves_pass() -> None:
    source = wrap(
        """
        workbook.save(buffer)
        upload.file.save(name, content, save=False)
        goal.save(**options)
        """
    )
    assert codes(source, "donghanh/a/helpers.py") == []
    override = """
    class Goal(models.Model):
        def save(self, *args, **kwargs):
            self.title = self.title.strip()
            super().save(*args, **kwargs)
    """
    assert codes(override, "donghanh/a/models.py") == []


def test_save_opt_out_for_an_object_that_is_not_a_model() -> None:
    source = wrap("catalogue.save()  # houselint: allow-save a polib catalogue, not a model\n")
    assert codes(source, "donghanh/core/management/commands/x.py") == []


# HL401: views do not write audit rows.


@pytest.mark.parametrize(
    "call",
    [
        "audit_record(action=AuditAction.VIEW, actor=request.user, target=case)",
        "audit_services.audit_record(action=AuditAction.VIEW)",
        "_view_audit(request, case)",
        "AuditEntry.objects.create(action='view')",
    ],
)
def test_an_audit_write_in_a_view_is_reported(call: str) -> None:
    source = f"def case_detail(request, case_id):\n    {call}\n"
    found = codes(source, "donghanh/cases/views.py")
    assert "HL401" in found


def test_audited_access_helpers_and_audit_log_reads_in_a_view_pass() -> None:
    source = """
    from donghanh.audit.selectors import audit_entries_for_organisation
    from donghanh.audit import selectors as audit_selectors
    from donghanh.cases.case_services import case_access_audited

    def audit_log(request, org, case_id):
        membership, case = case_access_audited(request.user, org, case_id, request=request)
        entries = audit_entries_for_organisation(membership.organisation_id)
        types = audit_selectors.audit_target_types(membership.organisation_id)
        form = AuditLogFilterForm(request.GET)
        return render(request, "log.html", {"entries": entries, "form": form, "types": types})
    """
    assert codes(source, "donghanh/organisations/views.py") == []


def test_audit_writes_outside_views_are_not_this_rule() -> None:
    source = "def case_view_record(*, case, actor):\n    audit_record(action=1)\n"
    assert "HL401" not in codes(source, "donghanh/cases/services.py")


# Tooling


def test_findings_render_as_path_line_code_message() -> None:
    [finding] = check_source(
        "def f(request):\n    return Person.objects.get(pk=1)\n", "donghanh/cases/views.py", CONFIG
    )
    assert finding.render().startswith("donghanh/cases/views.py:2: HL101 `Person.objects.get`")
    assert finding.key == "f:Person.objects.get"


def test_a_file_that_does_not_parse_is_reported() -> None:
    assert codes("def f(:\n", "donghanh/cases/views.py") == ["HL000"]
