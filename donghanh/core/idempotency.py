"""A form or API write sent twice creates one record.

Every form that creates something carries a random key made when the form was drawn
(`IdempotencyField`); API clients send the `Idempotency-Key` header. The service runs its
creation through `once(...)`: the first submission with a key creates the record and notes
it; a repeat (a double click, a retry after a lost answer, two identical requests at the same
moment) finds the note and gets the record the first one made, with nothing written again.

Two submissions at the same moment are ordered by the database: the unique constraint on
(user, scope, key) makes the second wait for the first's transaction and then read its note.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar, cast

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.actor import Actor
from donghanh.core.models import IdempotencyKey

M = TypeVar("M", bound=models.Model)

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
HEADER = "HTTP_IDEMPOTENCY_KEY"
# How long a key is remembered: long enough for any retry, short enough to stay small.
KEPT_FOR = timedelta(days=2)


def new_key() -> str:
    return secrets.token_urlsafe(24)


def valid_key(value: str | None) -> str:
    """The key if it is well formed, else "" (the write then simply happens)."""
    value = (value or "").strip()
    return value if KEY_PATTERN.match(value) else ""


class IdempotencyField(forms.CharField):
    """The hidden key of a form that creates something; drawn fresh with every new form."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("initial", new_key)
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def clean(self, value: object) -> str:
        text = str(super().clean(value) or "")
        if text and not KEY_PATTERN.match(text):
            raise ValidationError(
                _("This form is damaged. Open the page again and redo your changes."),
                code="bad_idempotency_key",
            )
        return text


def once(*, actor: Actor, scope: str, key: str, create: Callable[[], M]) -> tuple[M, bool]:
    """Run `create` once per (user, scope, key): the new record and True, or the record a
    previous submission with the same key created and False. Without a key or a signed-in
    user, `create` simply runs. Call it inside the service's transaction."""
    key = valid_key(key)
    if not key or actor.user_id is None:
        return create(), True
    with transaction.atomic():
        try:
            with transaction.atomic():
                note = IdempotencyKey.objects.create(user_id=actor.user_id, scope=scope, key=key)
        except IntegrityError:
            earlier = IdempotencyKey.objects.get(user_id=actor.user_id, scope=scope, key=key)
            return cast(M, _created_by(earlier)), False
        record = create()
        note.target_type = record._meta.label_lower
        note.target_id = str(record.pk)
        note.save(update_fields=["target_type", "target_id"])
        return record, True


def _created_by(note: IdempotencyKey) -> models.Model:
    try:
        model = apps.get_model(note.target_type)
        return model._default_manager.get(pk=note.target_id)
    except (LookupError, ValueError, models.ObjectDoesNotExist):
        # What the first submission made is gone since: this one must not make it again.
        raise ValidationError(
            _("This form was already sent once. Open the page again to start a new one."),
            code="already_sent",
        ) from None


def forget_old_keys(*, now: datetime | None = None) -> int:
    """Delete the keys older than `KEPT_FOR`; how many went."""
    limit = (now or timezone.now()) - KEPT_FOR
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=limit).delete()
    return deleted
