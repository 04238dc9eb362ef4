"""People, their name tokens, guardians and consents, taken over from the cases app.

Their tables already carry this app's names (`cases.0009_people_tables`), so this migration
only records the models in this app's state; no table is created or changed. Databases made
after the move go through the same steps and end the same way.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import donghanh.core.crypto
from donghanh.core.migrations_ops import RenameContentTypes


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0009_people_tables"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0002_teams"),
        ("places", "0003_load_places"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Person",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "full_name",
                            donghanh.core.crypto.EncryptedCharField(
                                max_length=200, verbose_name="full name"
                            ),
                        ),
                        (
                            "other_names",
                            donghanh.core.crypto.EncryptedCharField(
                                blank=True, max_length=300, verbose_name="other names"
                            ),
                        ),
                        (
                            "sex",
                            models.CharField(
                                choices=[
                                    ("female", "Female"),
                                    ("male", "Male"),
                                    ("other", "Other or not known"),
                                ],
                                max_length=16,
                                verbose_name="sex",
                            ),
                        ),
                        (
                            "date_of_birth",
                            donghanh.core.crypto.EncryptedDateField(
                                blank=True, null=True, verbose_name="date of birth"
                            ),
                        ),
                        (
                            "estimated_age",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                null=True,
                                validators=[django.core.validators.MaxValueValidator(120)],
                                verbose_name="estimated age",
                            ),
                        ),
                        (
                            "age_estimated_on",
                            models.DateField(blank=True, editable=False, null=True),
                        ),
                        (
                            "ethnicity",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("kinh", "Kinh"),
                                    ("tay", "Tay"),
                                    ("thai", "Thai"),
                                    ("muong", "Muong"),
                                    ("khmer", "Khmer"),
                                    ("hoa", "Hoa (ethnic Chinese)"),
                                    ("nung", "Nung"),
                                    ("hmong", "Hmong"),
                                    ("dao", "Dao"),
                                    ("jarai", "Jarai"),
                                    ("ede", "Ede"),
                                    ("bahnar", "Bahnar"),
                                    ("san_chay", "San Chay"),
                                    ("cham", "Cham"),
                                    ("other", "Another ethnic group"),
                                ],
                                max_length=16,
                                verbose_name="ethnicity",
                            ),
                        ),
                        (
                            "nationality",
                            models.CharField(
                                default="VN",
                                help_text="Two-letter ISO 3166 country code.",
                                max_length=2,
                                validators=[django.core.validators.RegexValidator("^[A-Z]{2}$")],
                                verbose_name="nationality",
                            ),
                        ),
                        (
                            "id_number",
                            donghanh.core.crypto.EncryptedCharField(
                                blank=True, max_length=30, verbose_name="personal ID number"
                            ),
                        ),
                        (
                            "phone",
                            donghanh.core.crypto.EncryptedCharField(
                                blank=True, max_length=30, verbose_name="phone"
                            ),
                        ),
                        (
                            "current_address",
                            donghanh.core.crypto.EncryptedTextField(
                                blank=True, verbose_name="current address"
                            ),
                        ),
                        (
                            "area_type",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("urban", "Urban"),
                                    ("peri_urban", "Peri-urban"),
                                    ("rural", "Rural"),
                                ],
                                max_length=16,
                                verbose_name="area type",
                            ),
                        ),
                        (
                            "pre_2025_address",
                            donghanh.core.crypto.EncryptedTextField(
                                blank=True, verbose_name="address before 1 July 2025"
                            ),
                        ),
                        (
                            "name_dob_index",
                            models.CharField(blank=True, editable=False, max_length=32),
                        ),
                        (
                            "id_number_index",
                            models.CharField(blank=True, editable=False, max_length=32),
                        ),
                        (
                            "phone_index",
                            models.CharField(blank=True, editable=False, max_length=32),
                        ),
                        (
                            "version",
                            models.PositiveIntegerField(
                                default=1, editable=False, verbose_name="version"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="registered"),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="last changed"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="registered by",
                            ),
                        ),
                        (
                            "current_commune",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="places.commune",
                                verbose_name="current commune",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="persons",
                                to="organisations.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "person",
                        "verbose_name_plural": "people",
                        "ordering": ["-updated_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Guardian",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "full_name",
                            donghanh.core.crypto.EncryptedCharField(
                                max_length=200, verbose_name="full name"
                            ),
                        ),
                        (
                            "phone",
                            donghanh.core.crypto.EncryptedCharField(
                                blank=True, max_length=30, verbose_name="phone"
                            ),
                        ),
                        (
                            "relation",
                            models.CharField(
                                choices=[
                                    ("mother", "Mother"),
                                    ("father", "Father"),
                                    ("grandparent", "Grandparent"),
                                    ("sibling", "Adult brother or sister"),
                                    ("other_relative", "Other relative"),
                                    ("legal_guardian", "Appointed legal guardian"),
                                    ("other", "Other legal representative"),
                                ],
                                max_length=20,
                                verbose_name="relation",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="added"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="added by",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="guardians",
                                to="people.person",
                                verbose_name="person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "guardian",
                        "verbose_name_plural": "guardians",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "purpose",
                            models.CharField(
                                choices=[
                                    ("case_management", "Case management"),
                                    ("sharing", "Sharing with a named organisation"),
                                    ("statistics", "Use in statistics"),
                                ],
                                max_length=20,
                                verbose_name="purpose",
                            ),
                        ),
                        (
                            "method",
                            models.CharField(
                                choices=[
                                    ("written", "Written and signed"),
                                    ("verbal_witnessed", "Verbal, with a witness"),
                                    ("thumbprint", "Thumbprint"),
                                    ("electronic", "Electronic"),
                                ],
                                max_length=20,
                                verbose_name="method",
                            ),
                        ),
                        (
                            "evidence_note",
                            donghanh.core.crypto.EncryptedTextField(
                                blank=True, verbose_name="evidence"
                            ),
                        ),
                        (
                            "given_by",
                            models.CharField(
                                choices=[
                                    ("person", "The person"),
                                    ("guardian", "A guardian or legal representative"),
                                ],
                                max_length=10,
                                verbose_name="given by",
                            ),
                        ),
                        ("given_on", models.DateField(verbose_name="date given")),
                        (
                            "expires_on",
                            models.DateField(blank=True, null=True, verbose_name="expiry date"),
                        ),
                        (
                            "recorded_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="recorded"),
                        ),
                        (
                            "withdrawn_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
                        ),
                        (
                            "withdrawal_note",
                            donghanh.core.crypto.EncryptedTextField(
                                blank=True, verbose_name="withdrawal note"
                            ),
                        ),
                        (
                            "recipient_organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organisations.organisation",
                                verbose_name="shared with",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recorded by",
                            ),
                        ),
                        (
                            "withdrawn_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="withdrawal recorded by",
                            ),
                        ),
                        (
                            "guardian",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="consents",
                                to="people.guardian",
                                verbose_name="guardian",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="consents",
                                to="people.person",
                                verbose_name="person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "consent",
                        "verbose_name_plural": "consents",
                        "ordering": ["-given_on", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="PersonNameToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("token_index", models.CharField(max_length=32)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="name_tokens",
                                to="people.person",
                            ),
                        ),
                    ],
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(
                        fields=["organisation", "-updated_at"], name="person_org_recent"
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(
                        condition=models.Q(("name_dob_index", ""), _negated=True),
                        fields=["name_dob_index"],
                        name="person_name_dob",
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(
                        condition=models.Q(("id_number_index", ""), _negated=True),
                        fields=["id_number_index"],
                        name="person_id_number",
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(
                        condition=models.Q(("phone_index", ""), _negated=True),
                        fields=["phone_index"],
                        name="person_phone",
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(
                        fields=["organisation", "current_commune"],
                        include=("id",),
                        name="person_org_commune",
                    ),
                ),
                migrations.AddIndex(
                    model_name="consent",
                    index=models.Index(fields=["person", "purpose"], name="consent_person_purpose"),
                ),
                migrations.AddConstraint(
                    model_name="consent",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("purpose", "sharing"), ("recipient_organisation__isnull", False)
                            ),
                            models.Q(
                                models.Q(("purpose", "sharing"), _negated=True),
                                ("recipient_organisation__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="consent_recipient_only_for_sharing",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="consent",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("given_by", "guardian"), ("guardian__isnull", False)),
                            models.Q(("given_by", "person"), ("guardian__isnull", True)),
                            _connector="OR",
                        ),
                        name="consent_guardian_matches_given_by",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="consent",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("expires_on__isnull", True),
                            ("expires_on__gte", models.F("given_on")),
                            _connector="OR",
                        ),
                        name="consent_expires_after_given",
                    ),
                ),
                migrations.AddIndex(
                    model_name="personnametoken",
                    index=models.Index(
                        fields=["organisation", "token_index", "person"],
                        name="person_token_org_lookup",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="personnametoken",
                    constraint=models.UniqueConstraint(
                        fields=("person", "token_index"), name="person_token_once"
                    ),
                ),
            ],
            database_operations=[],
        ),
        RenameContentTypes(
            old_app_label="cases",
            new_app_label="people",
            models=["person", "personnametoken", "guardian", "consent"],
        ),
    ]
