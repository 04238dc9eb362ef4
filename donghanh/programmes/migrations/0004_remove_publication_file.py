from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_publication_files_encrypted"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="publication",
            name="file",
        ),
    ]
