"""Encryption at rest for personal data, and blind indexes to search it.

Keys come from `settings.DATA_ENCRYPTION_KEYS`: Fernet keys, newest first. The newest key
encrypts; every key decrypts, so a key is rotated without downtime: put the new key first,
run `manage.py rotate_data_key`, then remove the old key.

The model fields here store a Fernet token (AES-128-CBC with HMAC-SHA256) in a text column and
decrypt it only when a row is read from the database. A value that cannot be decrypted is an
error, never shown or saved as if it were the value. Encrypted columns cannot be filtered on
(each encryption of the same value differs); search goes through blind indexes instead:
HMAC-SHA256 of the folded value under a key derived from a data key, one purpose per index so
that equal values in different indexes do not look equal.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Cast

from donghanh.core.text import fold, nfc

# 32 hex digits = 128 bits: collisions are out of reach, and the value cannot be recovered.
BLIND_INDEX_LENGTH = 32


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted with any configured key.

    The message never holds the value: it points at the configuration.
    """


def data_keys() -> tuple[str, ...]:
    keys = tuple(settings.DATA_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("DATA_ENCRYPTION_KEYS is empty")
    return keys


@functools.lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


@functools.lru_cache(maxsize=8)
def _fernet(key: str) -> Fernet:
    return Fernet(key)


def data_fernet() -> MultiFernet:
    """Encrypts with the newest key and decrypts with any configured key."""
    return _multi_fernet(data_keys())


def encrypt_text(value: str) -> str:
    return data_fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return data_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError(
            "a stored value cannot be decrypted with any key in DATA_ENCRYPTION_KEYS; "
            "was a key removed before `manage.py rotate_data_key` ran?"
        ) from None


def token_is_current(token: str) -> bool:
    """Whether the token was made with the newest key (checks the signature only)."""
    try:
        _fernet(data_keys()[0]).extract_timestamp(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def rotate_token(token: str) -> str:
    """The same value encrypted with the newest key, keeping its original timestamp."""
    try:
        return data_fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError(
            "a stored value cannot be decrypted with any key in DATA_ENCRYPTION_KEYS"
        ) from None


# --- Model fields -------------------------------------------------------------------------


class EncryptedFieldMixin(models.Field):
    """Stores the field's value as a Fernet token in a text column.

    Python values are the underlying field's (str, date); the database sees only tokens.
    Only `isnull` lookups are allowed: an equality filter would compare against a fresh,
    different token and silently match nothing.
    """

    def get_internal_type(self) -> str:
        return "TextField"

    def value_to_text(self, value: Any) -> str:
        return str(value)

    def text_to_value(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(self.value_to_text(value))

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        # The token is the stored form: no date or string adaptation by the backend.
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return None
        return self.text_to_value(decrypt_text(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """A CharField whose `max_length` limits the plain value; the column itself is text."""


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    pass


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    def value_to_text(self, value: Any) -> str:
        return str(value.isoformat())

    def text_to_value(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)


# --- Blind indexes ------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _index_key(data_key: str, purpose: str) -> bytes:
    """A key for one purpose, derived from one data key with HKDF."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"donghanh blind index v1: " + purpose.encode("utf-8"),
    ).derive(base64.urlsafe_b64decode(data_key))


def _index_with(data_key: str, text: str, purpose: str, length: int = BLIND_INDEX_LENGTH) -> str:
    # HMAC-SHA256 (RFC 2104) by the standard library: the same digest as any other HMAC
    # implementation, without building a new object per value (exports compute one per row).
    digest = hmac.new(_index_key(data_key, purpose), text.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:length]


def _folded(value: str) -> str:
    folded = fold(value)
    if not folded:
        raise ValueError("a blind index needs a non-empty value")
    return folded


def blind_index(value: str, *, purpose: str) -> str:
    """The index to store for `value`: HMAC-SHA256 of the folded value under the newest key.

    Callers normalise further before calling when a purpose needs it (`fold_name` for names,
    digits only for phone numbers); folding again here is harmless.
    """
    return _index_with(data_keys()[0], _folded(value), purpose)


def blind_index_candidates(value: str, *, purpose: str) -> list[str]:
    """Every index `value` may be stored under: one per configured key, newest first.

    Searches match any of them, so an index written before a key rotation still matches until
    `rotate_data_key` rewrites it with the newest key.
    """
    folded = _folded(value)
    return list(dict.fromkeys(_index_with(key, folded, purpose) for key in data_keys()))


def keyed_digest(value: str, *, purpose: str, length: int = 16) -> str:
    """A short keyed digest of the exact value (no folding), for noticing that a value changed
    without putting it, or a hash that could be reversed by trying values, into a page."""
    return _index_with(data_keys()[0], value, purpose, length)


# --- Key rotation -------------------------------------------------------------------------


def encrypted_fields(model: type[models.Model]) -> list[EncryptedFieldMixin]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]


def models_with_encrypted_fields() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if not model._meta.proxy and encrypted_fields(model):
            yield model


@dataclass
class RotationCount:
    model: str
    rows: int = 0
    rows_changed: int = 0
    values_rotated: int = 0


def reencrypt_model(model: type[models.Model], *, batch_size: int = 500) -> RotationCount:
    """Re-encrypt every encrypted value of `model` that is not under the newest key yet.

    Works on the stored tokens themselves (nothing is decrypted into Python values), one
    transaction per batch with the batch's rows locked, so a concurrent edit waits instead of
    being overwritten with an older value. Running it again changes nothing.
    """
    fields = encrypted_fields(model)
    count = RotationCount(model=model._meta.label)
    raw = {f"_raw_{field.attname}": Cast(field.attname, models.TextField()) for field in fields}
    manager = model._base_manager
    last_pk: Any = None
    while True:
        with transaction.atomic():
            rows = manager.select_for_update().annotate(**raw).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.values_list("pk", *raw)[:batch_size])
            for pk, *tokens in batch:
                changes = {
                    field.attname: models.Value(rotate_token(token), models.TextField())
                    for field, token in zip(fields, tokens, strict=True)
                    if token is not None and not token_is_current(token)
                }
                if changes:
                    manager.filter(pk=pk).update(**changes)
                    count.rows_changed += 1
                    count.values_rotated += len(changes)
        count.rows += len(batch)
        if len(batch) < batch_size:
            return count
        last_pk = batch[-1][0]


def value_fingerprint(value: Any, *, purpose: str) -> str:
    """A short keyed digest of a value as stored (a foreign key by its key), to tell later
    whether it changed without keeping the value itself."""
    if value is None:
        text = ""
    elif isinstance(value, models.Model):
        text = str(value.pk)
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, str):
        text = nfc(value).strip()
    elif isinstance(value, list | dict):
        text = json.dumps(value, sort_keys=True)
    else:
        text = str(value)
    return keyed_digest(text, purpose=purpose)
