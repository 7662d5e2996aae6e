"""Where the sample exports are (tests/data/), how a test reads one, and how it sees a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from team.importers import ExportFormatError, read_export

DATA = Path(__file__).resolve().parents[2] / "data"

SAMPLES = {
    "jira": "jira_export.csv",
    "linear": "linear_export.csv",
    "github": "github_project_export.csv",
}


def export_text(name: str) -> str:
    """A sample export's text exactly as stored: BOM and line ends kept (no newline translation),
    as decoding an upload would give it to the reader."""
    return (DATA / name).read_bytes().decode("utf-8")


def format_error(text: str, *args, **kwargs) -> str:
    """The message of the ExportFormatError that reading `text` raises."""
    with pytest.raises(ExportFormatError) as caught:
        read_export(text, *args, **kwargs)
    return str(caught.value)
