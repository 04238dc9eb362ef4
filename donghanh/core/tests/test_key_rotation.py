"""The registry of what a data key rotation re-encrypts besides the database columns."""

from __future__ import annotations

import pytest

from donghanh.core import key_rotation


def _files(write):
    write("files")


def _backups(write):
    write("backups")


def test_steps_run_in_their_order_and_register_once(monkeypatch):
    monkeypatch.setattr(key_rotation, "_steps", {})
    key_rotation.register_key_rotation_step("backups", _backups, order=30)
    key_rotation.register_key_rotation_step("files", _files, order=10)
    key_rotation.register_key_rotation_step("files", _files, order=10)

    lines: list[str] = []
    for step in key_rotation.key_rotation_steps():
        step.run(lines.append)
    assert lines == ["files", "backups"]


def test_another_step_under_a_taken_name_is_refused(monkeypatch):
    monkeypatch.setattr(key_rotation, "_steps", {})
    key_rotation.register_key_rotation_step("files", _files)
    with pytest.raises(ValueError, match="already registered"):
        key_rotation.register_key_rotation_step("files", _backups)
