"""A form or API write sent twice creates one record, even when both arrive at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.core.actor import Actor
from donghanh.core.idempotency import IdempotencyField, forget_old_keys, new_key, once
from donghanh.core.models import IdempotencyKey
from donghanh.organisations.models import Organisation
from donghanh.testing.factories import OrganisationFactory, UserFactory


def _make() -> Organisation:
    return cast(Organisation, OrganisationFactory())


@pytest.mark.django_db
def test_the_same_key_twice_gives_the_first_record_and_writes_nothing_more():
    actor = Actor.for_user(UserFactory())
    key = new_key()
    first, created = once(actor=actor, scope="test.organisation", key=key, create=_make)
    assert created
    before = Organisation.objects.count()
    again, created_again = once(actor=actor, scope="test.organisation", key=key, create=_make)
    assert not created_again and again == first
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_keys_are_per_user_and_per_scope_and_no_key_means_a_plain_write():
    key = new_key()
    one, two = Actor.for_user(UserFactory()), Actor.for_user(UserFactory())
    a, _ = once(actor=one, scope="test.organisation", key=key, create=_make)
    b, _ = once(actor=two, scope="test.organisation", key=key, create=_make)
    c, _ = once(actor=one, scope="test.other", key=key, create=_make)
    assert len({a.pk, b.pk, c.pk}) == 3
    d, _ = once(actor=one, scope="test.organisation", key="", create=_make)
    e, _ = once(actor=one, scope="test.organisation", key="", create=_make)
    assert d.pk != e.pk
    # A malformed key is no key: the write happens, nothing is remembered.
    once(actor=one, scope="test.organisation", key="short", create=_make)
    assert not IdempotencyKey.objects.filter(key="short").exists()


@pytest.mark.django_db
def test_a_failed_write_leaves_the_key_free_for_the_corrected_form():
    actor = Actor.for_user(UserFactory())
    key = new_key()

    def refuse() -> Organisation:
        raise ValidationError("bad value")

    with pytest.raises(ValidationError):
        once(actor=actor, scope="test.organisation", key=key, create=refuse)
    record, created = once(actor=actor, scope="test.organisation", key=key, create=_make)
    assert created and record.pk


@pytest.mark.django_db
def test_a_repeat_after_the_record_is_gone_is_refused_not_written_again():
    actor = Actor.for_user(UserFactory())
    key = new_key()
    record, _ = once(actor=actor, scope="test.organisation", key=key, create=_make)
    record.delete()
    with pytest.raises(ValidationError) as refused:
        once(actor=actor, scope="test.organisation", key=key, create=_make)
    assert refused.value.code == "already_sent"


@pytest.mark.django_db
def test_old_keys_are_forgotten():
    actor = Actor.for_user(UserFactory())
    once(actor=actor, scope="test.organisation", key=new_key(), create=_make)
    assert forget_old_keys(now=timezone.now()) == 0
    assert forget_old_keys(now=timezone.now() + timedelta(days=3)) == 1


def test_the_form_field_is_hidden_fresh_and_refuses_a_forged_key():
    field = IdempotencyField()
    assert field.widget.is_hidden
    first, second = field.initial(), field.initial()
    assert first != second and len(first) >= 16
    assert field.clean(first) == first
    assert field.clean("") == ""
    with pytest.raises(ValidationError):
        field.clean("<script>")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time by design"
)
def test_two_identical_submissions_at_the_same_moment_create_one_record():
    user = cast(User, UserFactory())
    key = new_key()
    start = threading.Barrier(2)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait()
            with transaction.atomic():
                record, created = once(
                    actor=Actor.for_user(user), scope="test.organisation", key=key, create=_make
                )
            results.append((record.pk, created))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    before = Organisation.objects.count()
    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False, True]
    assert Organisation.objects.count() == before + 1
