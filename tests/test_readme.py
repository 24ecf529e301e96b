"""The README is a front door (issue #26): short, every documentation page reachable from it,
every link and anchor resolving, and every command it shows accepted as written."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_lab import cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text())
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.*)$", text, re.MULTILINE)}


def _commands(page: Path) -> list[str]:
    """Every command line in the page's code blocks (comments cut, `&&` chains split)."""
    lines = []
    for block in FENCE.findall(page.read_text()):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            lines.extend(part.strip() for part in line.split("&&") if part.strip())
    return lines


def test_the_readme_is_a_front_door_of_at_most_150_lines():
    assert len(README.read_text().splitlines()) <= 150


def test_every_documentation_page_is_linked_from_the_readme():
    linked = {target.split("#")[0] for target in LINK.findall(README.read_text())}
    missing = [f"docs/{page.name}" for page in sorted(DOCS.glob("*.md"))
               if f"docs/{page.name}" not in linked]
    assert not missing, f"docs pages the README does not link: {missing}"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_every_local_link_and_anchor_resolves(page):
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(target)
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
            broken.append(target)
    assert not broken, f"{page.name}: links that lead nowhere: {broken}"


def _cli_lines() -> list[str]:
    return [line for page in _pages() for line in _commands(page)
            if line.startswith("python -m backprop_lab ")]


def test_the_pages_show_commands_of_the_cli():
    assert len(_cli_lines()) >= 10


@pytest.mark.parametrize("line", sorted(set(_cli_lines())))
def test_every_cli_command_shown_is_accepted_as_written(line):
    """Parsed by the CLI's own parser: a renamed subcommand or option fails here."""
    line = re.sub(r"\[([^\]|]*)\]", r"\1", line)  # usage syntax: [--option VALUE]
    argv = [word for word in shlex.split(line)[3:] if word != "\\"]
    argv = [re.sub(r"<(\w+)>", r"\1", word) for word in argv]  # placeholders such as <id>
    try:
        cli.build_parser().parse_args(argv)
    except SystemExit as exit_:
        pytest.fail(f"the CLI refuses a documented command ({exit_.code}): {line}")


def test_the_students_grading_command_runs_as_written(tmp_path):
    """The README's third student command grades the released notebooks, here from a folder
    that is not the repository (as in the kit), and prints the score table."""
    line = next(line for line in _commands(README)
                if line.startswith("python -m pytest --pyargs backprop_lab --submission"))
    kit = tmp_path / "kit"
    fetched = subprocess.run([sys.executable, "-m", "backprop_lab", "fetch", "staged"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert fetched.returncode == 0, fetched.stderr
    (kit / "assignments" / "staged").mkdir(parents=True)
    (tmp_path / "staged.ipynb").rename(kit / "assignments" / "staged" / "staged.ipynb")
    argv = [sys.executable, *shlex.split(line)[1:], "-p", "no:cacheprovider"]
    result = subprocess.run(argv, cwd=kit, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert "staged" in out and re.search(r"\b0\s*/\s*\d+", out), out[-3000:]
    assert "test_staged_backward" in out, out[-3000:]
