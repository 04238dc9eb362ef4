"""Migration operations for moving models between apps without losing a row.

- `CreateModelAdoptingTable`: create a model, or take over the table an app that no longer
  exists left behind (renamed to the model's table). Databases made before the move have the
  old table and its rows; fresh ones get the table created.
- `RenameContentTypes`: the content types of moved models follow them to their new app, so
  that permissions and admin log entries keep pointing at them.

Both import nothing from the project's apps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState


class CreateModelAdoptingTable(migrations.CreateModel):
    """`CreateModel`, except that an existing `old_table` is renamed to the model's table.

    Going back renames the table to `old_table` instead of dropping it: undoing the migration
    never deletes rows.
    """

    def __init__(self, *args: Any, old_table: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.old_table = old_table

    def deconstruct(self) -> tuple[str, Sequence[Any], dict[str, Any]]:
        name, args, kwargs = super().deconstruct()
        kwargs["old_table"] = self.old_table
        return name, args, kwargs

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if self.old_table in schema_editor.connection.introspection.table_names():
            schema_editor.alter_db_table(model, self.old_table, model._meta.db_table)
        else:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = from_state.apps.get_model(app_label, self.name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        schema_editor.alter_db_table(model, model._meta.db_table, self.old_table)

    def describe(self) -> str:
        return f"Create model {self.name}, or adopt the table {self.old_table}"


class RenameContentTypes(Operation):
    """Move the content types of `models` (lower-case model names) from one app label to
    another. A model whose new content type exists already is left alone."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, old_app_label: str, new_app_label: str, models: list[str]) -> None:
        self.old_app_label = old_app_label
        self.new_app_label = new_app_label
        self.models = list(models)

    def deconstruct(self) -> tuple[str, Sequence[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {
                "old_app_label": self.old_app_label,
                "new_app_label": self.new_app_label,
                "models": self.models,
            },
        )

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def _rename(
        self, schema_editor: BaseDatabaseSchemaEditor, state: ProjectState, old: str, new: str
    ) -> None:
        if ("contenttypes", "contenttype") not in state.models:
            return
        content_type = state.apps.get_model("contenttypes", "ContentType")
        alias = schema_editor.connection.alias
        if not self.allow_migrate_model(alias, content_type):
            return
        types = content_type._default_manager.using(alias)
        for model in self.models:
            if not types.filter(app_label=new, model=model).exists():
                types.filter(app_label=old, model=model).update(app_label=new)

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._rename(schema_editor, from_state, self.old_app_label, self.new_app_label)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._rename(schema_editor, from_state, self.new_app_label, self.old_app_label)

    def describe(self) -> str:
        return (
            f"Move the content types of {', '.join(self.models)} "
            f"from {self.old_app_label} to {self.new_app_label}"
        )
