from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    """A case's documents and photos, encrypted at rest (the app was once called "casefiles")."""

    name = "donghanh.attachments"
    label = "attachments"

    def ready(self) -> None:
        from donghanh.attachments.exporters import register_attachments_exporter
        from donghanh.attachments.key_rotation import attachment_files_rotation_step
        from donghanh.attachments.selectors import CASE_PAGE_READS, case_section
        from donghanh.cases.registry import CASE_PAGE
        from donghanh.core.key_rotation import register_key_rotation_step

        register_attachments_exporter()
        CASE_PAGE.register(
            "attachments",
            template="attachments/case_section.html",
            order=40,
            data=case_section,
            reads=CASE_PAGE_READS,
        )
        register_key_rotation_step("attachment files", attachment_files_rotation_step, order=20)
