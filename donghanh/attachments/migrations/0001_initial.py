"""Attachments, once the `casefiles` app's.

A database made before the rename has the `casefiles_attachment` table with its rows (and
`casefiles` rows in django_migrations, which nothing reads any more): the table is renamed to
this app's and kept whole. A fresh database gets the table created.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import donghanh.core.crypto
from donghanh.core.migrations_ops import CreateModelAdoptingTable, RenameContentTypes


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0003_load_support_regime_rules"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelAdoptingTable(
            name="Attachment",
            old_table="casefiles_attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stored_name", models.CharField(editable=False, max_length=100, unique=True)),
                (
                    "original_name",
                    donghanh.core.crypto.EncryptedCharField(
                        max_length=255, verbose_name="file name"
                    ),
                ),
                (
                    "description",
                    donghanh.core.crypto.EncryptedTextField(blank=True, verbose_name="description"),
                ),
                (
                    "content_type",
                    models.CharField(
                        choices=[
                            ("application/pdf", "PDF"),
                            ("image/jpeg", "JPEG"),
                            ("image/png", "PNG"),
                            ("image/heic", "HEIC"),
                            (
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                "DOCX",
                            ),
                        ],
                        max_length=100,
                        verbose_name="file type",
                    ),
                ),
                ("size", models.PositiveIntegerField(verbose_name="size in bytes")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256 of the content")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["-uploaded_at", "-id"],
                "indexes": [
                    models.Index(fields=["case", "-uploaded_at"], name="attachment_case_recent")
                ],
            },
        ),
        RenameContentTypes(
            old_app_label="casefiles", new_app_label="attachments", models=["attachment"]
        ),
    ]
