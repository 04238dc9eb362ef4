from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Encrypted backup archives of the database, the private files and their keys' names.

    Sits above `audit` (it records backups and restores) and imports no other app: the
    encrypted columns are found through the app registry, the files through PRIVATE_MEDIA_ROOT.
    """

    name = "donghanh.backups"
    label = "backups"
