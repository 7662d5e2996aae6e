"""The repository's copies of the specifications (docs/) are the team's shared ones."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "docs"
NAMES = ("MODEL.md", "API.md", "DESIGN.md")


@pytest.mark.parametrize("name", NAMES)
def test_the_copy_is_in_the_repository(name: str) -> None:
    assert (ROOT / "docs" / name).read_text(encoding="utf-8").startswith("#")


@pytest.mark.parametrize("name", NAMES)
def test_the_copy_is_the_shared_one_where_the_shared_one_is_at_hand(name: str) -> None:
    shared = SHARED / name
    if not shared.exists():
        pytest.skip("no ../shared/docs beside this clone (a clean clone in CI)")
    assert (ROOT / "docs" / name).read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")


def test_the_readme_links_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert "docs/MODEL.md" in readme
