"""The student's way in holds no answers: the kit, `fetch`, the wheel; the released copies
the package carries are the current assignments/."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import student_kit
from autograder.assignments import ASSIGNMENTS

ROOT = Path(__file__).resolve().parents[1]


def _secrets() -> list[str]:
    """What must never reach a student: nbgrader's markers, the hidden tests' seeds and code,
    and every substantial line of the worked solutions, all from source/."""
    found = list(student_kit.FORBIDDEN_MARKERS)
    for assignment in ASSIGNMENTS:
        nb = json.loads((ROOT / "source" / assignment / f"{assignment}.ipynb").read_text())
        sources = ["".join(cell["source"]) for cell in nb["cells"]]
        blocks = r"### BEGIN (SOLUTION|HIDDEN TESTS).*?### END (SOLUTION|HIDDEN TESTS)"
        given = "\n".join(re.sub(blocks, "", source, flags=re.S) for source in sources)
        for source in sources:
            for block in re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", source,
                                    re.S):
                found += re.findall(r"seed\s*=\s*\d+", block)
                found += re.findall(r"0x[0-9a-fA-F]{16,}", block)   # hidden_seed's secrets
            for block in re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", source, re.S):
                # a line the notebook also shows outside the solutions (given code) is no secret
                found += [line.strip() for line in block.splitlines()
                          if len(line.strip()) >= 20 and not line.strip().startswith("#")
                          and line.strip() not in given]
    assert len(found) > 40      # the scan has something to look for
    return found


SECRETS = _secrets()


def _leaks(text: str) -> list[str]:
    """The secrets in `text`, as written or as a JSON string holds them (a notebook file
    escapes quotes and backslashes)."""
    return [s for s in SECRETS if s in text or json.dumps(s)[1:-1] in text]


def test_the_released_copies_are_the_current_assignments():
    """`regenerate` writes them; stale copies would hand out old notebooks."""
    for assignment in ASSIGNMENTS:
        released = ROOT / "autograder" / "released" / f"{assignment}.ipynb"
        current = ROOT / "assignments" / assignment / f"{assignment}.ipynb"
        assert released.read_bytes() == current.read_bytes(), (
            f"{released} is stale: run `python -m autograder regenerate`")


def test_the_scan_finds_the_secrets_in_source():
    text = "\n".join((ROOT / "source" / a / f"{a}.ipynb").read_text() for a in ASSIGNMENTS)
    assert set(_leaks(text)) == set(SECRETS)
    solutions = "\n".join((ROOT / "solutions" / a / f"{a}.ipynb").read_text() for a in ASSIGNMENTS)
    assert _leaks(solutions)    # a solutions copy would be caught too


def test_student_kit_holds_the_released_notebooks_and_nothing_else(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograder", "student-kit", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / student_kit.KIT_NAME
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert files == sorted(["README.md", "student-tools.sh"]
                           + [f"assignments/{a}/{a}.ipynb" for a in ASSIGNMENTS])
    with zipfile.ZipFile(tmp_path / f"{student_kit.KIT_NAME}.zip") as zf:
        names = sorted(zf.namelist())
        assert names == sorted(f"{student_kit.KIT_NAME}/{f}" for f in files)
        for name in names:
            text = zf.read(name).decode("utf-8")
            assert not _leaks(text), (name, _leaks(text))
            assert text == (tmp_path / name).read_text()
    for assignment in ASSIGNMENTS:
        assert (folder / "assignments" / assignment / f"{assignment}.ipynb").read_bytes() == \
            (ROOT / "assignments" / assignment / f"{assignment}.ipynb").read_bytes()
    readme = (folder / "README.md").read_text()
    for needed in (". .venv/bin/activate", "every test fails and the score is 0",
                   "Save the notebook first", "sh student-tools.sh"):
        assert needed in readme
    # a second build does not mix into the first
    again = subprocess.run([sys.executable, "-m", "autograder", "student-kit", str(tmp_path)],
                           capture_output=True, text=True)
    assert again.returncode == 1 and "exists" in again.stderr


def test_the_kit_refuses_a_notebook_with_hidden_tests(tmp_path, monkeypatch):
    fake = tmp_path / "released"
    shutil.copytree(ROOT / "autograder" / "released", fake)
    shutil.copy(ROOT / "source" / "relu" / "relu.ipynb", fake / "relu.ipynb")
    monkeypatch.setattr(student_kit, "RELEASED", fake)
    with pytest.raises(student_kit.KitError, match="not a released notebook"):
        student_kit.build_kit(tmp_path / "out")
    with pytest.raises(student_kit.KitError, match="not a released notebook"):
        student_kit.fetch("relu", tmp_path)
    assert not (tmp_path / "relu.ipynb").exists()


def test_fetch_writes_a_fresh_notebook_and_never_overwrites_without_force(tmp_path):
    def fetch(*args):
        return subprocess.run([sys.executable, "-m", "autograder", "fetch", *args],
                              capture_output=True, text=True, cwd=tmp_path)

    proc = fetch("relu")
    assert proc.returncode == 0, proc.stderr
    written = tmp_path / "relu.ipynb"
    assert written.read_bytes() == (ROOT / "assignments/relu/relu.ipynb").read_bytes()
    assert not _leaks(written.read_text())
    written.write_text("my work")
    proc = fetch("relu")
    assert proc.returncode == 1 and "--force" in proc.stderr
    assert written.read_text() == "my work"
    assert fetch("relu", "--force").returncode == 0
    assert written.read_bytes() == (ROOT / "assignments/relu/relu.ipynb").read_bytes()
    proc = fetch("solutions")
    assert proc.returncode == 1 and "unknown assignment" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["relu.ipynb"]


def test_the_wheel_holds_no_source_solutions_or_hidden_tests(tmp_path):
    build = tmp_path / "build"
    shutil.copytree(ROOT, build, ignore=shutil.ignore_patterns(
        ".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".pytest_cache"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-q", ".", "-w", str(tmp_path / "dist")],
                          cwd=build, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert sorted(n for n in names if n.startswith("autograder/released/")) == \
            sorted(f"autograder/released/{a}.ipynb" for a in ASSIGNMENTS)
        assert not [n for n in names if n.startswith(("source/", "solutions/", "assignments/"))
                    or "/source/" in n or "/solutions/" in n]
        for name in names:
            text = zf.read(name).decode("utf-8", errors="replace")
            leaks = _leaks(text)
            if name.endswith(".py"):   # the public checks: no hidden seed (they name the
                # markers they look for, and share generic numpy lines with the solutions)
                leaks = [s for s in leaks if s.startswith("seed")]
            assert not leaks, (name, leaks[:3])


def test_student_tools_turn_off_the_instructor_tools_and_keep_validate(tmp_path):
    """Run the kit's script at user level, over a copy of this environment's Jupyter config
    (where nbgrader enabled its extensions), and read what Jupyter then reports."""
    folder, _ = student_kit.build_kit(tmp_path / "kit")
    config = tmp_path / "jupyter-config"
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", config)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    proc = subprocess.run(["sh", str(folder / "student-tools.sh"), "--user"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    listing = subprocess.run(["jupyter", "server", "extension", "list"], env=env,
                             capture_output=True, text=True, timeout=300)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    user = text.split(f"Config dir: {config}")[1].split("Config dir:")[0]
    assert "nbgrader.server_extensions.formgrader disabled" in user
    assert "nbgrader.server_extensions.course_list disabled" in user
    assert "nbgrader.server_extensions.validate_assignment enabled" in user
    page = json.loads((config / "labconfig" / "page_config.json").read_text())
    assert set(page["disabledExtensions"]) == set(student_kit.INSTRUCTOR_LAB_PLUGINS)
    assert set(page.get("lockedExtensions", {})) == set(student_kit.INSTRUCTOR_LAB_PLUGINS)
    assert "@jupyter/nbgrader:validate-assignment" not in json.dumps(page)


def test_the_score_table_shows_when_each_notebook_was_saved(tmp_path):
    """Grading reads the saved file: the table says when it was saved, so unsaved work shows."""
    import time

    from autograder import report
    from autograder.grading import SubmissionResult
    notebook = tmp_path / "relu.ipynb"
    notebook.write_text("{}")
    stamp = time.mktime((2026, 3, 4, 15, 16, 17, 0, 0, -1))
    os.utime(notebook, (stamp, stamp))
    table = report.score_table([SubmissionResult(None, "relu", str(notebook)),
                                SubmissionResult(None, "rnn", str(tmp_path / "gone.ipynb"))])
    assert f"relu  ({notebook}, saved 2026-03-04 15:16:17)" in table
    assert f"rnn  ({tmp_path / 'gone.ipynb'})" in table
