"""Each two words of a person's names as tokens beside the words (`indexes.NAME_PAIR`).

A name search over a whole organisation starts from the people holding its rarest word with
each other word together (`people.selectors.name_pair_search`): every person's pairs must be
there before it runs, so they are written here, a thousand people per statement. A record
merged into another keeps no token. About six minutes a million people.
"""

from django.db import migrations

from donghanh.people import indexes

BATCH = 1000


def _pairs_of(apps):
    """Each current person's pairs, a batch at a time: (person, organisation, pair tokens)."""
    Person = apps.get_model("people", "Person")
    last = 0
    while True:
        batch = list(
            Person.objects.filter(pk__gt=last, merged_into__isnull=True)
            .order_by("pk")
            .only("organisation_id", "full_name", "other_names")[:BATCH]
        )
        if not batch:
            return
        last = batch[-1].pk
        yield [
            (
                person.pk,
                person.organisation_id,
                indexes.name_pair_indexes(indexes.name_words(person.full_name, person.other_names)),
            )
            for person in batch
        ]


def add_pairs(apps, schema_editor):
    PersonNameToken = apps.get_model("people", "PersonNameToken")
    for batch in _pairs_of(apps):
        PersonNameToken.objects.bulk_create(
            [
                PersonNameToken(person_id=person, organisation_id=organisation, token_index=token)
                for person, organisation, tokens in batch
                for token in sorted(tokens)
            ],
            ignore_conflicts=True,  # a person saved since the upgrade has them already
        )


def remove_pairs(apps, schema_editor):
    PersonNameToken = apps.get_model("people", "PersonNameToken")
    for batch in _pairs_of(apps):
        for person, _organisation, tokens in batch:
            if tokens:
                PersonNameToken.objects.filter(person_id=person, token_index__in=tokens).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0005_person_token_org_person_index")]

    operations = [migrations.RunPython(add_pairs, remove_pairs, elidable=True)]
