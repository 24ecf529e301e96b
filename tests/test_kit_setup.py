"""The student kit as a student gets it: built, zipped, unzipped in a fresh folder, set up
by its README's Set-up block exactly as written with only python3 on PATH, every notebook
run top to bottom, one graded with the README's grading command.

Slow (a fresh virtual environment with JupyterLab: about a minute with pip's cache)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from backprop_lab.course import student_kit
from backprop_lab.assignments import ASSIGNMENTS

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def first_block_under(readme: str, heading: str) -> str:
    """The first fenced block after the first heading that begins with `heading`."""
    lines = readme.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if re.match(r"#+\s+" + re.escape(heading), line))
    fence = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    end = next(i for i in range(fence + 1, len(lines)) if lines[i].startswith("```"))
    return "\n".join(lines[fence + 1:end])


def notebook_imports(folder: Path) -> set[str]:
    """The top-level modules the notebooks under `folder` import."""
    found = set()
    for path in folder.rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for m in re.finditer(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))",
                                 cell.source, re.M):
                for name in (m.group(1) or m.group(2)).split(","):
                    found.add(name.strip().split(" ")[0].split(".")[0])
    return found


def _python3() -> str:
    """A python3 that is not this test suite's virtual environment."""
    base = getattr(sys, "_base_executable", None) or shutil.which("python3")
    return str(Path(base).resolve())


# Run in the kit's environment: every notebook top to bottom (as Run All, errors allowed),
# then the cells that raised, as JSON.
RUN_ALL = textwrap.dedent("""
    import json, sys
    import nbformat
    from nbclient import NotebookClient
    report = {}
    for path in sys.argv[1:]:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
        code = [c for c in nb.cells if c.cell_type == "code"]
        errors = []
        for c in code:
            for out in c.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append({"grade": bool(c.metadata.get("nbgrader", {}).get("grade")),
                                   "ename": out["ename"], "evalue": out["evalue"][:300],
                                   "source": c.source[:200]})
        report[path] = {"errors": errors, "ran": sum(c.get("execution_count") is not None
                                                     for c in code), "cells": len(code)}
    print(json.dumps(report))
""")


@pytest.fixture
def tmp_path(tmp_path_factory):
    """A fresh folder others can read: the grader runs student code as `nobody` when it runs
    as root, and pytest's own temporary folders are root's alone."""
    folder = Path(tempfile.mkdtemp(prefix="backprop-kit-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_kit_sets_up_from_its_readme_and_runs_and_grades(tmp_path):
    started = time.monotonic()
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "student-kit", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    fresh = tmp_path / "fresh"
    with zipfile.ZipFile(out / f"{student_kit.KIT_NAME}.zip") as zf:
        zf.extractall(fresh)
    kit = fresh / student_kit.KIT_NAME
    assert not (kit / ".venv").exists()
    readme = (kit / "README.md").read_text()
    assert "3.10 or newer" in readme

    # The Set-up block, as written, with nothing but python3 on PATH
    setup = first_block_under(readme, "Set up")
    assert "PATH" not in setup and "LINK" not in setup and "<" not in setup
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(_python3())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER", "CONDA"))}
    env["PATH"] = str(bin_dir)
    env["PIP_NO_COMPILE"] = "1"   # pip's cache serves the wheels; no byte-compiling of them
    proc = subprocess.run(["/bin/sh", "-e", "-c", setup], cwd=kit, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    python = kit / ".venv" / "bin" / "python"
    assert python.is_file()
    print(f"set up after {time.monotonic() - started:.0f} s")
    # quiet: one line from the tools, no JupyterLab notice, no warning
    assert "Starting with JupyterLab" not in proc.stdout + proc.stderr
    assert proc.stdout.count("nbgrader's instructor tools") == 1, proc.stdout

    # Everything the notebooks import, JupyterLab and pytest are in .venv
    modules = notebook_imports(kit / "assignments") | {"jupyterlab", "pytest", "nbgrader"}
    assert {"numpy", "matplotlib", "sklearn", "backprop_lab"} <= modules
    check = subprocess.run([str(python), "-c", "import " + ", ".join(sorted(modules))],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stderr
    assert (kit / ".venv" / "bin" / "jupyter-lab").is_file()

    # nbgrader's instructor tools, its assignment list and menu are off; Validate is on
    probe = subprocess.run([str(python), "-c", textwrap.dedent("""
        import json
        from jupyter_core.paths import jupyter_config_path
        from jupyter_server.extension.config import ExtensionConfigManager
        from jupyterlab_server.config import get_page_config
        from jupyterlab.labapp import LabApp
        server = ExtensionConfigManager(read_config_path=jupyter_config_path())
        page = get_page_config([], LabApp().app_settings_dir)
        print(json.dumps({"server": server.get_jpserver_extensions(), "page": page}))
    """)], capture_output=True, text=True, timeout=300, env=env)
    assert probe.returncode == 0, probe.stderr
    state = json.loads(probe.stdout.splitlines()[-1])
    for ext in student_kit.INSTRUCTOR_SERVER_EXTENSIONS:
        assert state["server"][ext] is False, ext
    assert state["server"]["nbgrader.server_extensions.validate_assignment"] is True
    disabled = state["page"].get("disabledExtensions", {})
    disabled = set(disabled) if isinstance(disabled, list) else \
        {k for k, v in disabled.items() if v}
    assert {"@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu"} <= disabled
    assert set(student_kit.INSTRUCTOR_LAB_PLUGINS) <= disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled

    # Every notebook top to bottom: only the test cells of unanswered stubs raise
    paths = [str(kit / "assignments" / a / f"{a}.ipynb") for a in ASSIGNMENTS]
    run = subprocess.run([str(python), "-c", RUN_ALL, *paths], capture_output=True, text=True,
                         timeout=900, cwd=kit)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.splitlines()[-1])
    for path, found in report.items():
        assert found["ran"] == found["cells"], (path, found)
        for error in found["errors"]:
            assert error["grade"] and "not implemented yet" in error["evalue"], (path, error)
        assert found["errors"], path   # the stubs' tests do fail

    print(f"notebooks run after {time.monotonic() - started:.0f} s")
    # Grade one notebook with the README's command, in the activated environment
    grade = first_block_under(readme, "Check your score")
    one = re.search(r"One notebook: `([^`]+)`", readme).group(1)
    assert one.startswith(grade)
    # fill in the first function of the notebook it names with the worked solution
    target = Path(one.split("--submission", 1)[1].strip())
    assignment = target.stem
    nb = nbformat.read(kit / target, as_version=4)
    solved = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb",
                           as_version=4)
    answers = [(c.metadata["nbgrader"]["grade_id"], c.source) for c in solved.cells
               if c.metadata.get("nbgrader", {}).get("solution")]
    function, source = answers[0]
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == function:
            cell.source = source
    nbformat.write(nb, kit / target)
    active = dict(env, VIRTUAL_ENV=str(kit / ".venv"),
                  PATH=os.pathsep.join([str(kit / ".venv" / "bin"), "/usr/bin", "/bin"]))
    graded = subprocess.run(["/bin/sh", "-c", one], cwd=kit, env=active, capture_output=True,
                            text=True, timeout=600)
    text = graded.stdout + graded.stderr
    assert "backprop-lab scores" in text, text[-3000:]
    assert re.search(r"plugins:.*backprop-lab", text), text[:2000]
    assert re.search(rf"PASS\s+\S+\s+test_{function}\b", text), text[-3000:]
    assert "not implemented yet" in text   # the other functions are still stubs
    # plain pytest in the kit says what to run
    for args in ([], ["assignments"]):
        plain = subprocess.run(["python", "-m", "pytest", *args], cwd=kit, env=active,
                               capture_output=True, text=True, timeout=300)
        assert plain.returncode == 5
        assert "python -m pytest --pyargs backprop_lab --submission assignments" in plain.stdout
