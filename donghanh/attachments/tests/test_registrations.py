"""What the attachments app registers at start-up with the apps below it."""

from __future__ import annotations

from donghanh.attachments.key_rotation import attachment_files_rotation_step
from donghanh.attachments.models import Attachment
from donghanh.cases.registry import CASE_PAGE
from donghanh.core.key_rotation import key_rotation_steps
from donghanh.core.person_export import registered_exporters


def test_the_case_page_lists_the_cases_documents_last():
    assert CASE_PAGE.keys()[-1] == "attachments"


def test_a_data_key_rotation_re_encrypts_the_files():
    steps = {step.name: step for step in key_rotation_steps()}
    assert steps["attachment files"].run is attachment_files_rotation_step


def test_the_persons_data_export_covers_attachments_under_its_old_section_key():
    sections = {exporter.key: exporter for exporter in registered_exporters()}
    assert sections["casefiles"].covers == {Attachment._meta.label_lower}
    assert Attachment._meta.label_lower == "attachments.attachment"
