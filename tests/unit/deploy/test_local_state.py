"""The local state folder is shared by every launcher process that starts at the same moment."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.local import state


def test_state_folder_created_by_a_racing_process_is_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "state"
    monkeypatch.setenv("GREENLINK_STATE_DIR", str(root))
    root.mkdir()  # the other launcher created it after this one looked
    monkeypatch.setattr(Path, "exists", lambda self: False)

    assert state.state_dir() == root.resolve()
    assert (root / ".gitignore").read_text() == "*\n"


def test_state_folder_is_created_with_an_ignore_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "nested" / "state"
    monkeypatch.setenv("GREENLINK_STATE_DIR", str(root))

    assert state.state_dir() == root.resolve()
    assert (root / ".gitignore").read_text() == "*\n"
