"""`people.0006` writes each current person's pairs of name words, and going back removes them.

It changes the migration state of the test database, so it needs a transactional test; it
leaves the database migrated to the end again, whatever happens."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from donghanh.core.crypto import blind_index
from donghanh.people import indexes

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("people", "0005_person_token_org_person_index")]
AFTER = [("people", "0006_name_pair_tokens")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _tokens(apps, person):
    token = apps.get_model("people", "PersonNameToken")
    return set(token.objects.filter(person_id=person.pk).values_list("token_index", flat=True))


def test_the_pairs_are_written_for_each_current_person_and_removed_going_back():
    try:
        apps = _migrate(BEFORE)
        organisation = apps.get_model("organisations", "Organisation").objects.create(
            name="Tổ chức A", slug="to-chuc-a", kind="ngo"
        )
        person = apps.get_model("people", "Person")
        token = apps.get_model("people", "PersonNameToken")
        hoa = person.objects.create(
            organisation=organisation, full_name="Nguyễn Thị Hoà", other_names="Bé", sex="female"
        )
        merged = person.objects.create(
            organisation=organisation, full_name="Trần Văn An", sex="male", merged_into=hoa
        )
        one_word = person.objects.create(organisation=organisation, full_name="Páo", sex="male")
        words = {
            hoa.pk: {
                blind_index(word, purpose=indexes.NAME_WORD)
                for word in ("nguyen", "thi", "hoa", "be")
            },
            one_word.pk: {blind_index("pao", purpose=indexes.NAME_WORD)},
        }
        token.objects.bulk_create(
            token(person_id=pk, organisation=organisation, token_index=value)
            for pk, values in words.items()
            for value in values
        )

        apps = _migrate(AFTER)
        pairs = indexes.name_pair_indexes(["nguyen", "thi", "hoa", "be"])
        assert len(pairs) == 6 and not pairs & words[hoa.pk]
        assert _tokens(apps, hoa) == words[hoa.pk] | pairs
        # What the platform writes for the same names today, words and pairs alike.
        assert _tokens(apps, hoa) == indexes.name_token_indexes("Nguyễn Thị Hoà", "Bé")
        assert _tokens(apps, one_word) == words[one_word.pk]
        assert _tokens(apps, merged) == set()  # a record merged away keeps no token

        apps = _migrate(BEFORE)
        assert _tokens(apps, hoa) == words[hoa.pk]
        assert _tokens(apps, one_word) == words[one_word.pk]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
