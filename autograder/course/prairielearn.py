"""`python -m backprop_lab prairielearn-export OUT`: the assignments as PrairieLearn questions.

PrairieLearn (https://prairielearn.readthedocs.io) runs a course from a folder of questions;
an externally graded question sends each submission to a grading container built from a
Docker image, with the job laid out under /grade: the submitted files in /grade/student, the
course files the question lists from serverFilesCourse/ in /grade/serverFilesCourse, the
question's data object in /grade/data/data.json; the question's entrypoint must write
/grade/results/results.json (docs/externalGrading.md). A workspace question gives each
student a container with an editor, here JupyterLab, and submits the files it names
(`gradedFiles`, docs/workspaces/index.md).

OUT is a course folder (an existing PrairieLearn course, or a new folder to copy from):

    questions/backprop-<ID>/info.json       a JupyterLab workspace question, graded externally
    questions/backprop-<ID>/question.html   the workspace button and the grader's results
    questions/backprop-<ID>/workspace/      the released notebook <ID>.ipynb and the package's
                                            public checks, which its test cells import
    serverFilesCourse/backprop-lab/         the grader: run.sh (the entrypoint), the package
                                            and the instructor notebooks (solutions and hidden
                                            tests: course-private, never shown to students)

Grading a submission (`run.sh ID`, then `python -m backprop_lab.course.prairielearn ID`, this
module's `grade_job`): the notebook /grade/student/<ID>.ipynb is graded with the hidden tests
by `python -m backprop_lab grade` in a child process stopped a margin before the question's
timeout, and its plain-data JSON becomes PrairieLearn's results.json (`prairielearn_results`).
A missing or unreadable notebook, or a grading that could not finish, is "not gradable" with a
message: no score, no attempt used. Hidden tests draw their cases from the variant's seed in
data.json (each student has one variant of a workspace question), or, without one, from a
hash of the submitted notebook.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from ..assignments import ASSIGNMENTS
from ..grading import ERROR, FAILED, PASSED, TIMEOUT, SubmissionResult, TestResult
from ..notebooks import NotebookError, read_notebook, safe_name, tests_of, trusted_path
from ..options import UsageError
from ..reports.report import _hidden_test_line, _points
from ..text import dumps, multi_line, one_line

QUESTION_PREFIX = "backprop-"              # questions/backprop-<ID>/
SERVER_FOLDER = "backprop-lab"             # serverFilesCourse/backprop-lab/
MARKER = "prairielearn-export.json"        # in SERVER_FOLDER: what wrote it, for which questions
GRADER_IMAGE = "prairielearn/grader-python"
WORKSPACE_IMAGE = "prairielearn/workspace-jupyterlab-python"
WORKSPACE_PORT = 8080
WORKSPACE_HOME = "/home/jovyan"
TOPIC = "Backpropagation"
TAG = "backprop-lab"
DEFAULT_TIMEOUT = 180      # seconds for a grading job (PrairieLearn's own default is 30)
MAX_TIMEOUT = 600          # PrairieLearn's limit
RESULTS_LIMIT = 1_000_000  # bytes: PrairieLearn's limit for results.json
MESSAGE_CAP = 20_000       # characters of one test's message before it is cut
KILL_AFTER = 5             # seconds between the stop signal and the kill
# Question uuids: the same id gets the same uuid in every export, so that PrairieLearn keeps
# the question (and its students' submissions) when the export is made again.
UUID_NAMESPACE = uuid.UUID("518f9434-8f16-4499-9962-79d89364c39d")


class ExportError(Exception):
    """An export that cannot be made: unknown assignment, missing notebook, a folder in the
    way that this export did not write."""


def question_id(assignment: str) -> str:
    return QUESTION_PREFIX + assignment


def question_uuid(assignment: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, f"backprop-lab/{assignment}"))


def time_limit_for(timeout: int) -> int:
    """The grader's time limit inside a job of `timeout` seconds: a tenth (at least 20 s)
    is kept for writing the results; the Gradescope bundle's run_autograder keeps the same."""
    margin = max(timeout // 10, 20)
    return timeout - margin if timeout > 2 * margin else (timeout + 1) // 2


# ------------------------------------------------------------------ the export

def info_json(assignment: str, title: str, image: str = GRADER_IMAGE,
              timeout: int = DEFAULT_TIMEOUT, workspace_image: str = WORKSPACE_IMAGE) -> dict:
    """The question's info.json (docs/workspaces/index.md, docs/externalGrading.md)."""
    notebook = f"{assignment}.ipynb"
    return {
        "uuid": question_uuid(assignment),
        "title": title,
        "topic": TOPIC,
        "tags": [TAG],
        "type": "v3",
        "singleVariant": True,
        "gradingMethod": "External",
        "workspaceOptions": {
            "image": workspace_image,
            "port": WORKSPACE_PORT,
            "home": WORKSPACE_HOME,
            # JupyterLab serves under the workspace's own URL (as PrairieLearn's example
            # JupyterLab questions set it)
            "rewriteUrl": False,
            "gradedFiles": [notebook],
            # the notebook opens at launch; the checks imported from the home folder leave
            # no bytecode caches there to sync
            "environment": {"LAUNCH_FILE_NAME": notebook, "PYTHONDONTWRITEBYTECODE": "1"},
        },
        "externalGradingOptions": {
            "enabled": True,
            "image": image,
            "serverFilesCourse": [f"{SERVER_FOLDER}/"],
            "entrypoint": f"/grade/serverFilesCourse/{SERVER_FOLDER}/run.sh {assignment}",
            "timeout": timeout,
            "enableNetworking": False,
        },
    }


QUESTION_HTML = """\
<pl-question-panel>
  <p><strong>@TITLE@</strong> (backprop-lab assignment <code>@ID@</code>)</p>
  <p>Open the workspace: JupyterLab opens the notebook <code>@ID@.ipynb</code>. Read each
  explanation, fill in the function below it and run the test cell under it.</p>
  <p><strong>Save the notebook</strong> (Ctrl+S) before you submit: grading reads the saved
  file <code>@ID@.ipynb</code> in the workspace's home folder, so keep its name and place.</p>
  <p>Grading runs the tests you see and hidden tests. A hidden test shows only whether it
  passed and its points, never its inputs or expected values.</p>
  <pl-workspace></pl-workspace>
</pl-question-panel>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
"""


def question_html(assignment: str, title: str) -> str:
    return QUESTION_HTML.replace("@TITLE@", html.escape(title)).replace("@ID@", assignment)


RUN_SH = r"""#!/usr/bin/env bash
# PrairieLearn runs this for each submission to a backprop-lab question: the question's
# externalGradingOptions.entrypoint, with the assignment id as argument. It finds a Python
# with numpy and hands over to the grader (python -m backprop_lab.course.prairielearn), which grades
# /grade/student/<ID>.ipynb with the hidden tests and always writes
# /grade/results/results.json. Written by `python -m backprop_lab prairielearn-export`:
# export again rather than editing it.
set -u

ROOT="${AUTOGRADER_ROOT:-/grade}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
# Student code runs sandboxed or, where the container forbids that, as `nobody`: either way
# the instructor notebooks (hidden tests) are out of its reach once only root may read them.
chmod 700 "$HERE/source" 2>/dev/null || true
chmod 700 "$ROOT/data" 2>/dev/null || true    # the question's data: the grader's alone

not_graded() {   # results.json that says the grading could not happen ($1: a JSON object)
    printf '%s\n' "$1" > "$RESULTS"
    exit 0
}

# A Python that can grade: 3.11 or newer (3.10 with tomli) with numpy 1.26 or newer.
usable() {
    "$1" - >/dev/null 2>&1 <<'PY'
import re, sys
if sys.version_info < (3, 10):
    sys.exit(1)
if sys.version_info < (3, 11):
    import tomli
import numpy
version = [int(re.match(r"\d*", p).group() or 0) for p in numpy.__version__.split(".")[:2]]
sys.exit(version < [1, 26])
PY
}
PYTHON=""
for py in ${AUTOGRADER_PYTHON:-} python3 /venv/bin/python3 /usr/local/bin/python3 \
          /usr/bin/python3 python3.13 python3.12 python3.11 python3.10 python; do
    if command -v "$py" >/dev/null 2>&1 && usable "$py"; then
        PYTHON=$(command -v "$py")
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "error: no Python 3.11+ (or 3.10 with tomli) with numpy 1.26+ in this image;" \
         "use @GRADER_IMAGE@ or an image built from it (see the README)" >&2
    not_graded @NO_PYTHON@
fi
echo "grading with $PYTHON ($("$PYTHON" --version 2>&1))"

# The exported package, whatever else is installed.
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"
"$PYTHON" -m backprop_lab.course.prairielearn "$@" --root "$ROOT" --course "$HERE" --timeout @TIMEOUT@
status=$?
if [ -s "$RESULTS" ] && "$PYTHON" -c '
import json, sys
results = json.load(open(sys.argv[1]))
sys.exit(not isinstance(results, dict) or not isinstance(results.get("gradable", True), bool))
' "$RESULTS" 2>/dev/null; then
    exit 0
fi
echo "the grader ended with status $status and no results" >&2
not_graded @FAILED@
"""


def _not_gradable(*errors: str) -> dict:
    """Results for a submission that was not graded: no score, no attempt used."""
    return {"gradable": False, "score": 0.0, "format_errors": list(errors),
            "message": "", "output": "", "tests": []}   # the results panel shows the errors


NOT_A_VERDICT = ("This is not a verdict on your work and uses no attempt. Submit again; if it "
                 "happens again, tell your instructor.")
SETUP_PROBLEM = ("The autograder of this question is not set up right, so your notebook was "
                 "not graded. " + NOT_A_VERDICT)
GRADER_FAILED = ("The autograder failed while grading your notebook, so it has no score. "
                 + NOT_A_VERDICT)


def time_limit_message(limit: int) -> str:
    return (f"The autograder stopped grading your notebook at its time limit ({limit} s), so "
            "no test has a score. Each test already stops slow code after a few seconds, so "
            "this is rare: check your code for endless loops, or very slow loops where a "
            "vectorized numpy expression would do. " + NOT_A_VERDICT)


def run_sh(image: str = GRADER_IMAGE, timeout: int = DEFAULT_TIMEOUT) -> str:
    quoted = {"@NO_PYTHON@": shlex.quote(json.dumps(_not_gradable(SETUP_PROBLEM))),
              "@FAILED@": shlex.quote(json.dumps(_not_gradable(GRADER_FAILED))),
              "@GRADER_IMAGE@": image, "@TIMEOUT@": str(int(timeout))}
    text = RUN_SH
    for key, value in quoted.items():
        text = text.replace(key, value)
    return text


def notebook_title(path: Path, default: str) -> str:
    """The first `# ` heading of the notebook's markdown cells, else `default`."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return default
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            for line in source.splitlines():
                if line.startswith("# "):
                    return one_line(line[2:].strip()) or default
    return default


def _ours(question: Path, assignment: str) -> bool:
    """Whether questions/backprop-<ID>/ is one this export wrote (its uuid is ours)."""
    try:
        return json.loads((question / "info.json").read_text())["uuid"] == \
            question_uuid(assignment)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write(files: dict[str, Path | str | bytes], folder: Path) -> None:
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            target.write_bytes(content.read_bytes())
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def _replace_folder(folder: Path, files: dict[str, Path | str | bytes],
                    executable: tuple[str, ...] = ()) -> None:
    """Make `folder` hold exactly `files`: written beside it, then swapped in."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        _write(files, new)
        for name in executable:
            (new / name).chmod(0o755)
        new.chmod(0o755)
        if folder.exists():
            old = folder.with_name(f".{folder.name}-old-{os.getpid()}")
            folder.rename(old)
            new.rename(folder)
            shutil.rmtree(old)
        else:
            new.rename(folder)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def export(out: Path, course: Path, assignments: list[str] | None = None,
           image: str = GRADER_IMAGE, timeout: int = DEFAULT_TIMEOUT,
           workspace_image: str = WORKSPACE_IMAGE) -> list[str]:
    """Write the questions of `assignments` (default: all) into the course folder `out`;
    the question ids written. serverFilesCourse/backprop-lab is made again with the
    instructor notebooks of these and of every backprop-lab question already in `out`."""
    from . import gradescope_bundle   # the package files, as the Gradescope bundle carries them
    from .student_kit import KitError, check_clean

    out, course = Path(out), Path(course)
    chosen = list(dict.fromkeys(assignments or ASSIGNMENTS))
    unknown = [a for a in chosen if a not in ASSIGNMENTS]
    if unknown:
        raise ExportError(f"unknown assignment {', '.join(unknown)} "
                          f"(one of {', '.join(ASSIGNMENTS)})")
    if int(timeout) != timeout or not 1 <= timeout <= MAX_TIMEOUT:
        raise ExportError(f"the grading timeout must be a whole number of seconds from 1 to "
                          f"{MAX_TIMEOUT} (PrairieLearn's limit), not {timeout}")
    for what, name in (("--image", image), ("--workspace-image", workspace_image)):
        if not name or any(c.isspace() for c in name):
            raise ExportError(f"{what} must be a Docker image name, not {name!r}")
    for assignment in chosen:
        question = out / "questions" / question_id(assignment)
        if question.exists() and not _ours(question, assignment):
            raise ExportError(f"{question} exists and was not written by this export "
                              "(its info.json has another uuid): move it away first")
    server = out / "serverFilesCourse" / SERVER_FOLDER
    if server.exists() and not (server / MARKER).is_file():
        raise ExportError(f"{server} exists and was not written by this export: move it "
                          "away first")
    earlier = [a for a in ASSIGNMENTS if a not in chosen
               and _ours(out / "questions" / question_id(a), a)]
    graded = [a for a in ASSIGNMENTS if a in chosen or a in earlier]

    try:
        grader: dict[str, Path | str | bytes] = {}
        for assignment in graded:   # the package files, and each instructor notebook
            grader.update(gradescope_bundle.bundle_members(assignment, course))
    except gradescope_bundle.BundleError as exc:
        raise ExportError(str(exc)) from None
    grader["run.sh"] = run_sh(image, timeout)
    grader[MARKER] = json.dumps({"written_by": "python -m backprop_lab prairielearn-export",
                                 "questions": [question_id(a) for a in graded],
                                 "image": image, "timeout": timeout}, indent=2) + "\n"
    checks = {name: path for name, path in gradescope_bundle._package_tree()}

    questions = {}
    for assignment in chosen:
        released = trusted_path(course, assignment, hidden=False)
        if not released.is_file():
            raise ExportError(f"no released notebook at {released} (run `python -m "
                              f"backprop_lab regenerate {assignment}` in the course)")
        data = released.read_bytes()
        try:
            check_clean(data.decode("utf-8"), str(released))
        except (KitError, UnicodeDecodeError) as exc:
            raise ExportError(str(exc)) from None
        title = notebook_title(released, assignment)
        files: dict[str, Path | str | bytes] = {
            "info.json": json.dumps(info_json(assignment, title, image, timeout,
                                              workspace_image), indent=2) + "\n",
            "question.html": question_html(assignment, title),
            f"workspace/{assignment}.ipynb": data}
        files.update({f"workspace/{name}": path for name, path in checks.items()})
        questions[assignment] = files

    _replace_folder(server, grader, executable=("run.sh",))
    for assignment, files in questions.items():
        _replace_folder(out / "questions" / question_id(assignment), files)
    return [question_id(a) for a in chosen]


def add_parser(sub) -> None:
    parser = sub.add_parser(
        "prairielearn-export",
        help="write PrairieLearn questions (JupyterLab workspace, graded by this grader) "
             "into a course folder")
    parser.add_argument("out", type=Path, metavar="OUT",
                        help="the PrairieLearn course folder to write into (made if missing)")
    parser.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                        help="course root holding source/ and assignments/ (default: .)")
    parser.add_argument("--assignment", action="append", metavar="ID", dest="assignments",
                        help="export this assignment (repeat for more; default: all of "
                             + ", ".join(ASSIGNMENTS) + ")")
    parser.add_argument("--image", default=GRADER_IMAGE,
                        help=f"the grading image (default {GRADER_IMAGE}): it needs Python "
                             "3.11+ (or 3.10 with tomli) and numpy 1.26+; grading has no "
                             "network")
    parser.add_argument("--workspace-image", default=WORKSPACE_IMAGE,
                        help=f"the students' JupyterLab image (default {WORKSPACE_IMAGE})")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"each grading job's timeout (default {DEFAULT_TIMEOUT}, at most "
                             f"{MAX_TIMEOUT}); grading stops a margin before it")
    parser.add_argument("--check", action="store_true",
                        help="then grade each exported question's worked solution as "
                             "PrairieLearn would (an emulated /grade, this machine's Python): "
                             "exit 1 unless each scores 1")
    parser.set_defaults(run=run)


def check_export(out: Path, course: Path, assignment: str) -> dict:
    """The results of the exported entrypoint grading the instructor's worked notebook of
    `assignment`, in a /grade laid out as PrairieLearn lays it out, on this interpreter."""
    with tempfile.TemporaryDirectory(prefix="backprop-lab-check-") as tmp:
        root = Path(tmp) / "grade"
        shutil.copytree(Path(out) / "serverFilesCourse" / SERVER_FOLDER,
                        root / "serverFilesCourse" / SERVER_FOLDER)
        (root / "student").mkdir()
        shutil.copyfile(trusted_path(course, assignment, hidden=True),
                        root / "student" / f"{assignment}.ipynb")
        env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
        env.pop("PYTHONPATH", None)
        proc = subprocess.run([str(root / "serverFilesCourse" / SERVER_FOLDER / "run.sh"),
                               assignment], env=env, capture_output=True, text=True,
                              timeout=MAX_TIMEOUT + 60)
        try:
            return json.loads((root / "results" / "results.json").read_text())
        except (OSError, ValueError):
            return _not_gradable(f"no results: {proc.stdout}{proc.stderr}")


def run(opts: argparse.Namespace) -> int:
    try:
        written = export(opts.out, opts.course, opts.assignments, opts.image, opts.timeout,
                         opts.workspace_image)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {len(written)} question{'s' * (len(written) != 1)} to "
          f"{opts.out / 'questions'}: {', '.join(written)}; the grader to "
          f"{opts.out / 'serverFilesCourse' / SERVER_FOLDER}. That folder holds the solutions "
          "and hidden tests of the instructor notebooks: PrairieLearn never shows "
          "serverFilesCourse to students, but keep the course repository private. Grading "
          f"image: {opts.image}; timeout {opts.timeout} s.")
    failed = 0
    for assignment in dict.fromkeys(opts.assignments or ASSIGNMENTS) if opts.check else ():
        results = check_export(opts.out, opts.course, assignment)
        if results.get("gradable") and results.get("score") == 1:
            print(f"check: {question_id(assignment)}: the worked solution scores 1")
        else:
            failed += 1
            print(f"check failed: {question_id(assignment)}: the worked solution scores "
                  f"{results.get('score')} ({results.get('message') or ''}"
                  f"{' '.join(results.get('format_errors') or [])})", file=sys.stderr)
    return 1 if failed else 0


# ------------------------------------------------------------------ one grading job

def student_id(data_file: Path, notebook: bytes) -> str:
    """Whose hidden cases to draw: the variant's seed from PrairieLearn's data.json (each
    student has one variant of a workspace question: singleVariant), else a hash of the
    submitted notebook."""
    try:
        data = json.loads(data_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        data = None
    seed = data.get("variant_seed") if isinstance(data, dict) else None
    if isinstance(seed, (int, str)) and not isinstance(seed, bool) and str(seed).strip():
        return "variant-" + safe_name(str(seed).strip())[:64]
    return "submission-" + hashlib.sha256(notebook).hexdigest()[:16]


_VERDICTS = {PASSED: "Passed.", FAILED: "Failed.", ERROR: "Failed: an error.",
             TIMEOUT: "Failed: out of time."}


def _cut(text: str, cap: int) -> str:
    if len(text) <= cap:
        return text
    return text[:cap] + f"\n... ({len(text) - cap} more characters not shown)"


def prairielearn_results(result: SubmissionResult, notebook: str) -> dict:
    """PrairieLearn's results.json for one graded submission (docs/externalGrading.md).

    PrairieLearn shows every test at once and has no later release of a test's details,
    so a hidden test shows its verdict and points and one generic line, never its message
    (the hidden inputs and expected values). A submission the grader could not grade is
    not gradable, with the reason. At most RESULTS_LIMIT bytes: long messages are cut.
    """
    if result.error:
        return _not_gradable(f"Your notebook {notebook} could not be graded: "
                             f"{multi_line(result.error)}")
    tests, hidden = [], []
    for t in result.tests:
        if t.hidden:
            hidden.append(t)
            message = _hidden_test_line(t.status)
        else:
            message = multi_line(t.output) if t.output else _VERDICTS.get(t.status, "")
        tests.append({"name": one_line(t.name),
                      "description": "hidden test" if t.hidden else "",
                      "points": t.score, "max_points": t.max_score,
                      "message": message, "output": ""})
    score = result.score / result.max_score if result.max_score > 0 else 0.0
    passed = sum(t.status == PASSED for t in result.tests)
    message = (f"{one_line(result.assignment)}: {_points(result.score)}/"
               f"{_points(result.max_score)} points; {passed} of {len(result.tests)} tests "
               "passed.")
    if hidden:
        message += (f" {len(hidden)} of the tests are hidden: each shows whether it passed "
                    "and its points, not its inputs or expected values.")
    results = {"gradable": True, "score": min(max(score, 0.0), 1.0), "message": message,
               "output": multi_line("\n".join(result.warnings)), "tests": tests}
    return _fit(results)


def _fit(results: dict, limit: int = RESULTS_LIMIT) -> dict:
    """`results` with messages cut until its JSON is under `limit` bytes."""
    full = [(t["message"], t["output"]) for t in results["tests"]]
    output = results["output"]
    cap = MESSAGE_CAP
    while True:
        for t, (message, out) in zip(results["tests"], full):
            t["message"], t["output"] = _cut(message, cap), _cut(out, cap)
        results["output"] = _cut(output, cap)
        if len(dumps(results).encode()) < limit or cap <= 50:
            return results
        cap //= 2


def _read_grades(path: Path, hidden: set[str]) -> SubmissionResult:
    """The one submission in `grade --json`'s file, checked field by field (plain data)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data["submissions"][0]
    if len(data["submissions"]) != 1:
        raise ValueError("more than one submission")
    result = SubmissionResult(student=None, assignment=str(entry["assignment"]),
                              path=str(entry["path"]), score=float(entry["score"]),
                              max_score=float(entry["max_score"]),
                              error=None if entry["error"] is None else str(entry["error"]),
                              warnings=[str(w) for w in entry.get("warnings") or []])
    for t in entry["tests"]:
        if not isinstance(t["name"], str) or not isinstance(t["output"], str):
            raise ValueError("a test without name or output")
        result.tests.append(TestResult(t["name"], float(t["score"]), float(t["max_score"]),
                                       str(t["status"]), t["output"],
                                       hidden=t["name"] in hidden))
    return result


def _stop(proc: subprocess.Popen) -> None:
    """Stop the grader and everything it started (its own session)."""
    for sig, wait in ((signal.SIGTERM, KILL_AFTER), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def grade_job(assignment: str, root: Path, course: Path, timeout: int = DEFAULT_TIMEOUT,
              time_limit: int | None = None, isolation: str = "auto") -> dict:
    """Grade /grade/student/<ID>.ipynb (`root` for /grade) with the hidden tests of
    `course`'s instructor notebook; the results for PrairieLearn (not yet written)."""
    if assignment not in ASSIGNMENTS:
        print(f"error: unknown assignment {assignment!r} in the entrypoint", file=sys.stderr)
        return _not_gradable(SETUP_PROBLEM)
    trusted = trusted_path(course, assignment, hidden=True)
    try:
        hidden = {t.grade_id for t in tests_of(read_notebook(trusted)) if t.hidden}
    except NotebookError as exc:
        print(f"error: the instructor notebook: {exc}", file=sys.stderr)
        return _not_gradable(SETUP_PROBLEM)
    try:   # run.sh did it already; student code runs sandboxed or as `nobody`
        os.chmod(course / "source", 0o700)
    except OSError:
        pass
    name = f"{assignment}.ipynb"
    submitted = root / "student" / name
    try:
        if not submitted.is_file() or submitted.is_symlink():
            raise FileNotFoundError
        notebook = submitted.read_bytes()
    except OSError:
        return _not_gradable(f"No notebook {name} was submitted. Save your work in {name} in "
                             "the workspace's home folder (keep that name) and submit again.")
    student = student_id(root / "data" / "data.json", notebook)
    limit = time_limit or time_limit_for(timeout)
    work = Path(tempfile.mkdtemp(prefix="backprop-lab-"))
    try:
        relative = Path("submitted", student, assignment, name)
        (work / relative).parent.mkdir(parents=True)
        (work / relative).write_bytes(notebook)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(course)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
        print(f"grading {name} (hidden cases of {student}); time limit {limit} s of the "
              f"job's {timeout} s", flush=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", "backprop_lab", "grade", str(relative), "--hidden",
             "--course", str(course), "--isolation", isolation, "--jobs", "1",
             "--json", "grades.json", "--replace", "--quiet"],
            cwd=work, env=env, start_new_session=True)
        try:
            status = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            _stop(proc)
            return _not_gradable(time_limit_message(limit))
        print(f"grader exit status: {status}", flush=True)
        try:
            result = _read_grades(work / "grades.json", hidden)
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            print(f"error: no usable results from the grader: {exc!r}", file=sys.stderr)
            return _not_gradable(GRADER_FAILED)
        if result.error:   # it names the path graded: the student knows it as <ID>.ipynb
            result.error = result.error.replace(str(relative), name)
        return prairielearn_results(result, name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """The grading container's entry (run.sh): `python -m backprop_lab.course.prairielearn ID`."""
    parser = argparse.ArgumentParser(prog="python -m backprop_lab.course.prairielearn")
    parser.add_argument("assignment")
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT",
                                                                         "/grade")))
    parser.add_argument("--course", type=Path, default=Path(__file__).resolve().parent.parent.parent)
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help="the question's grading timeout (the export's)")
    opts = parser.parse_args(argv)
    # $AUTOGRADER_TIMEOUT: the job's timeout, if not the export's; $AUTOGRADER_TIME_LIMIT:
    # the grader's own limit, directly
    timeout, wanted = opts.timeout, os.environ.get("AUTOGRADER_TIMEOUT", "")
    if wanted:
        if wanted.isdigit() and int(wanted) > 0:
            timeout = int(wanted)
        else:
            print(f"note: AUTOGRADER_TIMEOUT={wanted} is not a number of seconds; using "
                  f"{timeout}", flush=True)
    limit = os.environ.get("AUTOGRADER_TIME_LIMIT", "")
    results_file = opts.root / "results" / "results.json"
    try:
        results = grade_job(opts.assignment, opts.root, opts.course.resolve(), timeout,
                            int(limit) if limit.isdigit() and int(limit) > 0 else None,
                            os.environ.get("AUTOGRADER_ISOLATION", "auto"))
    except Exception:   # the grader's own failure: the student still gets results
        import traceback
        traceback.print_exc()
        results = _not_gradable(GRADER_FAILED)
    results_file.parent.mkdir(parents=True, exist_ok=True)
    results_file.write_text(dumps(results), encoding="ascii")
    print(("graded: score %.4g" % results["score"]) if results["gradable"]
          else "not gradable", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
