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

from backprop_lab.course import student_kit
from backprop_lab.assignments import ASSIGNMENTS

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
            f"{released} is stale: run `python -m backprop_lab regenerate`")


def test_the_scan_finds_the_secrets_in_source():
    text = "\n".join((ROOT / "source" / a / f"{a}.ipynb").read_text() for a in ASSIGNMENTS)
    assert set(_leaks(text)) == set(SECRETS)
    solutions = "\n".join((ROOT / "solutions" / a / f"{a}.ipynb").read_text() for a in ASSIGNMENTS)
    assert _leaks(solutions)    # a solutions copy would be caught too


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """A kit built by the command line, as an instructor would: OUT and its folder."""
    out = tmp_path_factory.mktemp("kit")
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "student-kit", str(out)],
                          capture_output=True, text=True, cwd=out, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out, out / student_kit.KIT_NAME


def test_student_kit_holds_the_released_notebooks_the_wheel_and_nothing_else(kit, tmp_path):
    out, folder = kit
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    (wheel,) = [f for f in files if f.endswith(".whl")]
    assert re.fullmatch(r"backprop_lab-[\w.]+-py3-none-any\.whl", wheel)
    assert files == sorted(["README.md", "conftest.py", "pytest.ini", wheel]
                           + [f"assignments/{a}/{a}.ipynb" for a in ASSIGNMENTS])
    with zipfile.ZipFile(out / f"{student_kit.KIT_NAME}.zip") as zf:
        names = sorted(zf.namelist())
        assert names == sorted(f"{student_kit.KIT_NAME}/{f}" for f in files)
        for name in names:
            data = zf.read(name)
            assert data == (out / name).read_bytes()
            if not name.endswith(".whl"):
                assert not _leaks(data.decode("utf-8")), (name, _leaks(data.decode("utf-8")))
    student_kit.check_wheel(folder / wheel)
    for assignment in ASSIGNMENTS:
        assert (folder / "assignments" / assignment / f"{assignment}.ipynb").read_bytes() == \
            (ROOT / "assignments" / assignment / f"{assignment}.ipynb").read_bytes()
    readme = (folder / "README.md").read_text()
    for needed in (". .venv/bin/activate", "every test fails and the score is 0",
                   "Save the notebook first", "3.10 or newer", f"./{wheel}[student]",
                   "python -m pytest --pyargs backprop_lab --submission assignments",
                   "python -m backprop_lab student-tools"):
        assert needed in readme, needed
    for never in ("pip install autograder", "PATH-OR-LINK", "student-tools.sh"):
        assert never not in readme, never
    # a second build does not mix into the first
    again = subprocess.run([sys.executable, "-m", "backprop_lab", "student-kit", str(out)],
                           capture_output=True, text=True)
    assert again.returncode == 1 and "exists" in again.stderr


def test_the_kit_can_name_a_hosted_wheel_or_take_a_built_one(kit, tmp_path):
    _, folder = kit
    (wheel,) = folder.glob("*.whl")
    url = "https://example.org/course/backprop_lab-0.1.0-py3-none-any.whl"
    hosted, _ = student_kit.build_kit(tmp_path / "hosted", package=url)
    assert not list(hosted.glob("*.whl"))
    readme = (hosted / "README.md").read_text()
    assert f'pip install "backprop-lab[student] @ {url}"' in readme
    given, _ = student_kit.build_kit(tmp_path / "given", wheel=wheel)
    assert (given / wheel.name).read_bytes() == wheel.read_bytes()
    bad = tmp_path / "other-1.0-py3-none-any.whl"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("other/__init__.py", "")
    with pytest.raises(student_kit.KitError, match="not the course package"):
        student_kit.build_kit(tmp_path / "bad", wheel=bad)
    leaky = tmp_path / "leaky-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(leaky, "w") as zf:
        for name in src.namelist():
            zf.writestr(name, src.read(name))
        zf.writestr("source/relu/relu.ipynb", (ROOT / "source/relu/relu.ipynb").read_text())
    with pytest.raises(student_kit.KitError, match="only the course package"):
        student_kit.build_kit(tmp_path / "leaky", wheel=leaky)
    assert not (tmp_path / "bad").exists() or not any((tmp_path / "bad").iterdir())


def test_the_student_extra_installs_every_import_the_notebooks_make():
    """What the released notebooks import is the standard library, the course package, its
    base dependencies, or a distribution of the `student` extra."""
    import importlib.metadata
    try:
        import tomllib
    except ModuleNotFoundError:   # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extra = project["optional-dependencies"]["student"]

    def name(requirement: str) -> str:
        return re.split(r"[\s\[<>=!~;@]", requirement, 1)[0].lower().replace("_", "-")

    provided = {name(r) for r in project["dependencies"] + extra}
    assert {"jupyterlab", "pytest", "nbgrader"} <= provided
    distributions = importlib.metadata.packages_distributions()
    imports = set()
    for assignment in ASSIGNMENTS:
        nb = json.loads((ROOT / "assignments" / assignment / f"{assignment}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            for m in re.finditer(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))",
                                 source, re.M):
                for module in (m.group(1) or m.group(2)).split(","):
                    imports.add(module.strip().split(" ")[0].split(".")[0])
    assert {"numpy", "matplotlib", "sklearn"} <= imports
    for module in sorted(imports - set(sys.stdlib_module_names) - {"backprop_lab"}):
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        assert dists & provided, f"`import {module}` ({dists}) is not in the student extra"


def test_plain_pytest_in_the_kit_says_how_to_grade(kit):
    """`pytest` and `pytest assignments` find no tests (pytest does not read notebooks): in
    the kit they say what to run instead."""
    _, folder = kit
    for args in ([], ["assignments"], ["assignments/relu/relu.ipynb"]):
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                              cwd=folder, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "VIRTUAL_ENV": sys.prefix})
        assert proc.returncode in (4, 5), proc.stdout   # 4: a named notebook "not found"
        assert "No tests ran: pytest does not read notebooks by itself" in proc.stdout
        assert "python -m pytest --pyargs backprop_lab --submission assignments" in proc.stdout
    # a Python without the course package (here: its plugin blocked) is told so
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "-p", "no:backprop_lab", "--pyargs", "backprop_lab", "--submission",
                           "assignments"], cwd=folder, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode != 0
    assert "unrecognized arguments" not in proc.stdout + proc.stderr
    assert "The course package is not installed in this Python" in proc.stdout, proc.stdout
    assert ". .venv/bin/activate" in proc.stdout
    # the grading command itself is untouched by it
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "--pyargs", "backprop_lab", "--submission",
                           "assignments/relu/relu.ipynb"], cwd=folder, capture_output=True,
                          text=True, timeout=300)
    assert "backprop-lab scores" in proc.stdout and "No tests ran" not in proc.stdout


def test_the_kit_conftest_compiles_without_warnings_and_names_the_windows_path():
    """The kit's conftest.py is compiled in front of the student on every `pytest`: an
    invalid escape in it printed a DeprecationWarning with our source line in the kit."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(student_kit.KIT_CONFTEST, "conftest.py", "exec")
    namespace: dict = {}
    exec(compile(student_kit.KIT_CONFTEST, "conftest.py", "exec"), namespace)
    lines: list[str] = []

    class Reporter:
        def write_line(self, line, **_):
            lines.append(line)

    class Plugins:
        def has_plugin(self, name):
            return False

    class Config:
        pluginmanager = Plugins()
        args: list = []

    namespace["pytest_terminal_summary"](Reporter(), 4, Config())
    assert any(".venv\\Scripts\\activate)" in line for line in lines), lines


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
        return subprocess.run([sys.executable, "-m", "backprop_lab", "fetch", *args],
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
        # the import name, not the course's folder name (`autograder` is another project's)
        assert not [n for n in names if n.startswith("autograder/")]
        assert sorted(n for n in names if n.startswith("backprop_lab/released/")) == \
            sorted(f"backprop_lab/released/{a}.ipynb" for a in ASSIGNMENTS)
        assert "backprop_lab/checks/core.py" in names
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
    """Over a copy of this environment's Jupyter config (where nbgrader enabled its
    extensions): what Jupyter reads from it afterwards, merged as the server merges it."""
    from jupyter_server.config_manager import BaseJSONConfigManager
    config = tmp_path / "jupyter-config"
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", config)
    before = BaseJSONConfigManager(config_dir=str(config)).get("jupyter_server_config")
    assert before["ServerApp"]["jpserver_extensions"][
        "nbgrader.server_extensions.assignment_list"] is True
    student_kit.hide_instructor_tools(config)
    student_kit.hide_instructor_tools(config)   # twice is the same as once
    merged = BaseJSONConfigManager(config_dir=str(config)).get("jupyter_server_config")
    extensions = merged["ServerApp"]["jpserver_extensions"]
    for ext in ("formgrader", "course_list", "assignment_list"):
        assert extensions[f"nbgrader.server_extensions.{ext}"] is False, ext
    assert extensions["nbgrader.server_extensions.validate_assignment"] is True
    assert extensions["jupyterlab"] is True
    page = json.loads((config / "labconfig" / "page_config.json").read_text())
    hidden = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
              "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list",
              "@jupyter/nbgrader:menu"}
    assert {k for k, v in page["disabledExtensions"].items() if v} == hidden
    assert {k for k, v in page["lockedExtensions"].items() if v} == hidden
    assert "@jupyter/nbgrader:validate-assignment" not in json.dumps(page)


def test_student_tools_keep_what_was_there_and_refuse_broken_json(tmp_path):
    config = tmp_path / "jupyter-config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": ["@my/plugin"], "other": 1}))
    student_kit.hide_instructor_tools(config)
    page = json.loads((config / "labconfig" / "page_config.json").read_text())
    assert page["other"] == 1 and page["disabledExtensions"]["@my/plugin"] is True
    (config / "jupyter_server_config.json").write_text("{not json")
    with pytest.raises(student_kit.KitError, match="not valid JSON"):
        student_kit.hide_instructor_tools(config)


def test_the_score_table_shows_when_each_notebook_was_saved(tmp_path):
    """Grading reads the saved file: the table says when it was saved, so unsaved work shows."""
    import time

    from backprop_lab.reports import report
    from backprop_lab.grading import SubmissionResult
    notebook = tmp_path / "relu.ipynb"
    notebook.write_text("{}")
    stamp = time.mktime((2026, 3, 4, 15, 16, 17, 0, 0, -1))
    os.utime(notebook, (stamp, stamp))
    table = report.score_table([SubmissionResult(None, "relu", str(notebook)),
                                SubmissionResult(None, "rnn", str(tmp_path / "gone.ipynb"))])
    assert f"relu  ({notebook}, saved 2026-03-04 15:16:17)" in table
    assert f"rnn  ({tmp_path / 'gone.ipynb'})" in table
