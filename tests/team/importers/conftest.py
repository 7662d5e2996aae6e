"""The sample exports in tests/data/, read from the real files for each test."""

from __future__ import annotations

import pytest

from team.importers import ExportFile, read_export
from tests.team.importers.samples import SAMPLES, export_text


@pytest.fixture
def jira() -> ExportFile:
    """The Jira sample, read with its source detected."""
    return read_export(export_text(SAMPLES["jira"]))


@pytest.fixture
def linear() -> ExportFile:
    """The Linear sample, read with its source detected."""
    return read_export(export_text(SAMPLES["linear"]))


@pytest.fixture
def github() -> ExportFile:
    """The GitHub project sample, read with its source detected."""
    return read_export(export_text(SAMPLES["github"]))
