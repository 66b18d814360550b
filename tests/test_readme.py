"""The README is for users: a two-command Quick start that says what the first launch
shows and how to keep a trial away from your profile; development material in docs/;
every link and picture it points to exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_quick_start_is_two_commands_and_says_what_the_first_launch_shows() -> None:
    quick = _section(README.read_text(encoding="utf-8"), "Quick start")
    [block] = re.findall(r"```\n(.*?)```", quick, re.S)
    assert len(block.strip().splitlines()) == 2
    assert "first launch shows the built-in" in quick and "sandbox site" in quick
    assert "CCRGUI_CONFIG_DIR=$(mktemp -d) ccrgui" in quick  # a trial away from the profile


def test_development_material_lives_in_docs() -> None:
    text = README.read_text(encoding="utf-8")
    for internal in ("floor:", "garbage collect", "PySide6 6.12.0 on Python", "| target |"):
        assert internal not in text, internal
    assert "floor" in (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert "pyside_fixes" in (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    # user material first: the development pointer is the last section
    assert text.rindex("\n## ") == text.index("\n## Development\n")


def test_every_relative_link_and_picture_exists() -> None:
    for doc in (README, *sorted((ROOT / "docs").glob("*.md"))):
        for target in re.findall(r"\]\(([^)#]+)\)", doc.read_text(encoding="utf-8")):
            if "://" not in target:
                assert (doc.parent / target).exists(), f"{doc.name}: {target}"
