"""Publication files are kept encrypted (`outreach.files`), with the type their content is.

Each file stored so far (in the clear, under MEDIA_ROOT/programmes) is read, recognised from its
content, written again encrypted under MEDIA_ROOT/publications, and its clear copy removed once
the migration is committed. A file of a type no longer accepted is kept, to be served as plain
bytes. Going back writes the files in the clear again. The next migration removes the old
column (apart, so that no table is altered in the transaction that changed its rows).
"""

from django.core.files.base import ContentFile
from django.db import migrations, models, transaction

from donghanh.core import filetypes
from donghanh.programmes.outreach import files as publication_files


def _clear_copies_removed_after_commit(storage, names):
    def remove():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)


def encrypt_publication_files(apps, schema_editor):
    Publication = apps.get_model("programmes", "Publication")
    removed = []
    storage = None
    for publication in Publication.objects.exclude(file="").order_by("pk").iterator():
        storage = publication.file.storage
        name = publication.file.name
        try:
            with publication.file.open("rb") as clear:
                content = clear.read()
        except FileNotFoundError:
            # Already lost before this migration: the publication keeps its other details.
            publication.file = ""
            publication.save(update_fields=["file"])
            continue
        kind = filetypes.sniff(content)
        publication.stored_name = publication_files.save(content)
        publication.file_name = name.rsplit("/", 1)[-1]
        publication.file_type = (
            kind
            if kind in publication_files.ACCEPTED_TYPES
            else publication_files.FALLBACK_CONTENT_TYPE
        )
        publication.file_size = len(content)
        publication.file = ""
        publication.save(
            update_fields=["stored_name", "file_name", "file_type", "file_size", "file"]
        )
        removed.append(name)
    if removed:
        _clear_copies_removed_after_commit(storage, removed)


def decrypt_publication_files(apps, schema_editor):
    Publication = apps.get_model("programmes", "Publication")
    encrypted = []
    for publication in Publication.objects.exclude(stored_name="").order_by("pk").iterator():
        content = publication_files.read(publication.stored_name)
        publication.file.save(publication.file_name or "publication.bin", ContentFile(content))
        encrypted.append(publication.stored_name)
        publication.stored_name = ""
        publication.save(update_fields=["file", "stored_name"])

    def remove():
        for stored_name in encrypted:
            publication_files.remove(stored_name)

    transaction.on_commit(remove)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_person_in_people"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="file_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="file name"),
        ),
        migrations.AddField(
            model_name="publication",
            name="file_size",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="size in bytes"),
        ),
        migrations.AddField(
            model_name="publication",
            name="file_type",
            field=models.CharField(blank=True, max_length=100, verbose_name="file type"),
        ),
        migrations.AddField(
            model_name="publication",
            name="stored_name",
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.RunPython(encrypt_publication_files, decrypt_publication_files),
    ]
