"""`python -m backprop_lab gradescope-bundle ID`: a Gradescope autograder for one assignment.

Gradescope grades each submission in a fresh container built from a zip the instructor
uploads (https://gradescope-autograders.readthedocs.io/en/latest/specs/). The zip holds at
its top level `setup.sh`, run once as root when the image is built, and `run_autograder`,
run for each submission with the working directory /autograder; the zip is unpacked into
/autograder/source, the submission into /autograder/submission, and `run_autograder` must
write /autograder/results/results.json.

The bundle is a small copy of the course, laid out like this repository: the package
(pyproject.toml, its readme, autograder/) and the one instructor notebook the grader needs,
source/<ID>/<ID>.ipynb. That notebook holds the solutions and the hidden tests: the bundle is
for the instructor to upload to Gradescope, never for students.

Both scripts take the root /autograder from $AUTOGRADER_ROOT (for tests) and the Python
from $AUTOGRADER_PYTHON. `run_autograder` stops the grader a margin before the assignment's
autograder timeout on Gradescope (`--timeout` here, default 600 s; $AUTOGRADER_TIMEOUT at run
time), so that it still writes results.json when the grader is stopped; $AUTOGRADER_TIME_LIMIT
sets the grader's own limit directly. Hidden tests get the visibility `--hidden-visibility`
(default after_due_date; $AUTOGRADER_HIDDEN_VISIBILITY at run time): see
`report.gradescope_results`. Each submission draws its own hidden cases, from the id in
Gradescope's /autograder/submission_metadata.json (`report.gradescope_submission`), and its
public tests run before its hidden ones, in another process (`grading.public_first`).
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import tempfile
import zipfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

from .. import options
from ..batch import UsageError
from ..assignments import ASSIGNMENTS
from ..notebooks import trusted_path
from ..reports.report import GRADESCOPE_VISIBILITIES, HIDDEN_VISIBILITY

DIST_NAME = "backprop-lab"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
# In the bundle the package's folder has its import name (in the course it is autograder/),
# so that the bundled copy is found on PYTHONPATH and pip installs it from there.
PACKAGE = __name__.partition(".")[0]
_SOURCE_MAPPING = 'package-dir = {"%s" = "%s"}' % (PACKAGE, PACKAGE_DIR.name)
_SKIPPED_DIRS = {"__pycache__", "released"}   # released/: the students' notebooks, not the grader's
_SKIPPED_SUFFIXES = {".pyc", ".pyo"}
_TIMESTAMP = (2020, 1, 1, 0, 0, 0)   # every entry: the same bundle from the same files

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image for assignment
# `@ASSIGNMENT@`. It installs the bundled package and its dependencies into a virtual
# environment, $ROOT/venv, which run_autograder uses, and checks that the instructor's own
# notebook gets full marks in the image.
set -euo pipefail

ASSIGNMENT="@ASSIGNMENT@"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
BUNDLE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$ROOT/venv"
export DEBIAN_FRONTEND=noninteractive

apt_ok=false
if command -v apt-get >/dev/null 2>&1 && apt-get update; then
    apt_ok=true
fi

# bubblewrap sandboxes student code. It is optional: where it cannot be installed or cannot
# run (some containers forbid it), the grader falls back to a limited child process.
if $apt_ok && apt-get install -y --no-install-recommends bubblewrap; then
    echo "bubblewrap installed"
else
    echo "note: bubblewrap could not be installed;" \
         "student code will run in a limited child process"
fi

# A Python the package supports (3.10 or newer: Ubuntu 22.04's python3 will do).
python_ok() {
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1
}
find_python() {
    local py
    for py in ${AUTOGRADER_PYTHON:-} python3 python3.13 python3.12 python3.11 python3.10; do
        if command -v "$py" >/dev/null 2>&1 && python_ok "$py"; then
            command -v "$py"
            return 0
        fi
    done
    return 1
}
if ! PYTHON=$(find_python); then
    if $apt_ok; then
        apt-get install -y --no-install-recommends python3 python3-venv || true
    fi
    if ! PYTHON=$(find_python); then
        echo "error: the grader needs Python 3.10 or newer, and this image has" \
             "$(python3 --version 2>&1 || echo 'no python3');" \
             "choose a newer base image (Ubuntu 22.04 or later) in the autograder settings" >&2
        exit 1
    fi
fi
echo "using $PYTHON ($("$PYTHON" --version 2>&1))"

rm -rf "$VENV"
if ! "$PYTHON" -m venv "$VENV"; then
    # Debian and Ubuntu ship venv's pip bootstrap as a separate package.
    rm -rf "$VENV"
    version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if $apt_ok; then
        apt-get install -y "python$version-venv" || apt-get install -y python3-venv || true
    fi
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --upgrade pip
# Grading needs numpy only: the course tooling (nbgrader, JupyterLab) is the package's
# [course] extra, which is not installed here.
"$VENV/bin/python" -m pip install "$BUNDLE"

# Self-check: the instructor's notebook, solutions and hidden tests, gets full marks here.
check=$(mktemp -d)
(cd "$check" && "$VENV/bin/python" -m backprop_lab grade \
    "$BUNDLE/source/$ASSIGNMENT/$ASSIGNMENT.ipynb" --hidden --course "$BUNDLE" \
    --gradescope "$check/results.json")
"$VENV/bin/python" - "$check/results.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
top = sum(t["max_score"] for t in results["tests"])
if not results["tests"] or results["score"] != top:
    sys.exit(f"self-check failed: the instructor's notebook scores {results['score']:g}/{top:g} "
             f"in this image: {results['output']}")
print(f"self-check passed: the instructor's notebook scores {top:g}/{top:g}")
PY
rm -rf "$check"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for each submission to assignment `@ASSIGNMENT@`. It grades the
# submitted notebook against the bundled instructor notebook (hidden tests included) and
# always leaves a results.json, also when there is nothing to grade or the grader fails.
set -u

ASSIGNMENT="@ASSIGNMENT@"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"            # the unpacked bundle, which is also the course root
SUBMISSION="$ROOT/submission"
RESULTS="$ROOT/results/results.json"
# When Gradescope shows the hidden tests: after_due_date, after_published, hidden or visible
# (verdict and points only, never their inputs or expected values).
HIDDEN_VISIBILITY="${AUTOGRADER_HIDDEN_VISIBILITY:-@HIDDEN_VISIBILITY@}"
case "$HIDDEN_VISIBILITY" in
    hidden|after_due_date|after_published|visible) ;;
    *) echo "note: AUTOGRADER_HIDDEN_VISIBILITY=$HIDDEN_VISIBILITY is not a Gradescope" \
            "visibility; using @HIDDEN_VISIBILITY@"
       HIDDEN_VISIBILITY="@HIDDEN_VISIBILITY@" ;;
esac
# The assignment's autograder timeout on Gradescope, in seconds: Gradescope stops this script
# then and records no results. The grader is stopped a margin before (a tenth, at least 20 s)
# so that a results.json is always written.
GS_TIMEOUT="${AUTOGRADER_TIMEOUT:-@TIMEOUT@}"
case "$GS_TIMEOUT" in
    ''|*[!0-9]*) GS_TIMEOUT=0 ;;
esac
if [ "$(( 10#$GS_TIMEOUT ))" -le 0 ]; then
    echo "note: AUTOGRADER_TIMEOUT=${AUTOGRADER_TIMEOUT:-} is not a number of seconds;" \
         "using @TIMEOUT@"
    GS_TIMEOUT=@TIMEOUT@
fi
GS_TIMEOUT=$(( 10#$GS_TIMEOUT ))
margin=$(( GS_TIMEOUT / 10 > 20 ? GS_TIMEOUT / 10 : 20 ))
default_limit=$(( GS_TIMEOUT > 2 * margin ? GS_TIMEOUT - margin : (GS_TIMEOUT + 1) / 2 ))
TIME_LIMIT="${AUTOGRADER_TIME_LIMIT:-$default_limit}"   # seconds for the grader
case "$TIME_LIMIT" in
    ''|*[!0-9]*) echo "note: AUTOGRADER_TIME_LIMIT=$TIME_LIMIT is not a number of seconds;" \
                      "using $default_limit"
                 TIME_LIMIT=$default_limit ;;
esac
TIME_LIMIT=$(( 10#$TIME_LIMIT ))
[ "$TIME_LIMIT" -gt 0 ] || TIME_LIMIT=$default_limit
KILL_AFTER=5   # a grader that ignores the stop signal is killed this much later
if [ -n "${AUTOGRADER_PYTHON:-}" ]; then
    PYTHON="$AUTOGRADER_PYTHON"
elif [ -x "$ROOT/venv/bin/python" ]; then
    PYTHON="$ROOT/venv/bin/python"           # made by setup.sh
else
    PYTHON=python3
fi
# The bundled package, whatever else is installed (setup.sh installs the same files).
export PYTHONPATH="$SOURCE${PYTHONPATH:+:$PYTHONPATH}"

mkdir -p "$(dirname "$RESULTS")"
rm -f "$RESULTS"
# Student code runs sandboxed or, where the container forbids that, as `nobody`: either way
# the instructor notebook (hidden tests) is out of its reach once only root may read it.
chmod 700 "$SOURCE/source" 2>/dev/null || true
# Gradescope's submission_metadata.json: its id gives this submission its own hidden cases
# (the grader draws random ones without it); it also holds the previous submissions'
# results, hidden tests' messages included, so it is root's alone from here on.
METADATA="$ROOT/submission_metadata.json"
chmod 600 "$METADATA" 2>/dev/null || true

json_string() {   # $1 as a JSON string
    local s
    s=$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\t'/\\t}
    s=${s//$'\r'/\\r}
    s=${s//$'\n'/\\n}
    printf '"%s"' "$s"
}

give_zero() {   # results.json with score 0 and the message $1 for the student; then stop
    printf '{"score": 0, "output": %s, "visibility": "visible", %s}\n' "$(json_string "$1")" \
        '"stdout_visibility": "hidden", "tests": []' > "$RESULTS"
    echo "$1"
    exit 0
}

# Regular files below the submission whose name matches $1, skipping editor checkpoints and
# macOS archive debris; symbolic links are not followed.
find_notebooks() {
    found=()
    local nb
    while IFS= read -r -d '' nb; do
        found+=("$nb")
    done < <(find "$SUBMISSION" \( -name .ipynb_checkpoints -o -name __MACOSX \) -prune \
                  -o -type f -name "$1" ! -name '._*' -print0 2>/dev/null | sort -z)
}

names() {   # the found notebooks, relative to the submission, comma separated
    local nb list=""
    for nb in "${found[@]}"; do
        list="${list:+$list, }${nb#"$SUBMISSION"/}"
    done
    printf '%s' "$list"
}

find_notebooks "$ASSIGNMENT.ipynb"
if [ "${#found[@]}" -gt 1 ]; then
    give_zero "Your submission holds ${#found[@]} notebooks named $ASSIGNMENT.ipynb"\
" ($(names)), so it is not clear which one to grade. Submit only one."
fi
if [ "${#found[@]}" -eq 0 ]; then
    find_notebooks '*.ipynb'
    if [ "${#found[@]}" -eq 0 ]; then
        give_zero "No notebook was found in your submission."\
" Submit your notebook, $ASSIGNMENT.ipynb."
    fi
    if [ "${#found[@]}" -gt 1 ]; then
        give_zero "Your submission holds ${#found[@]} notebooks ($(names)) and none is named"\
" $ASSIGNMENT.ipynb, so it is not clear which one to grade. Submit only your $ASSIGNMENT.ipynb."
    fi
fi
notebook="${found[0]}"

WORK=$(mktemp -d) \
    || give_zero "The autograder could not make a temporary folder; please submit again."
trap 'rm -rf "$WORK"' EXIT
cp -- "$notebook" "$WORK/$ASSIGNMENT.ipynb" \
    || give_zero "The autograder could not read your notebook ${notebook#"$SUBMISSION"/}."
echo "grading ${notebook#"$SUBMISSION"/} as $ASSIGNMENT.ipynb with $PYTHON"

cd "$WORK"
echo "time limit: $TIME_LIMIT s (the assignment's autograder timeout: $GS_TIMEOUT s);" \
     "hidden tests: $HIDDEN_VISIBILITY"
timeout --kill-after="$KILL_AFTER" "$TIME_LIMIT" \
    "$PYTHON" -m backprop_lab grade "$WORK/$ASSIGNMENT.ipynb" --hidden --course "$SOURCE" \
    --isolation "${AUTOGRADER_ISOLATION:-auto}" --gradescope "$RESULTS" \
    --gradescope-metadata "$METADATA" --hidden-visibility "$HIDDEN_VISIBILITY"
status=$?
echo "grader exit status: $status"

# The grader writes results.json for every submission it could read, graded or not
# (exit status 0 or 1). Anything else, or a file that is not JSON, gets a score of 0.
if [ -s "$RESULTS" ] && "$PYTHON" -c '
import json, sys
results = json.load(open(sys.argv[1]))
sys.exit(not isinstance(results, dict) or not isinstance(results.get("score"), (int, float)))
' "$RESULTS" 2>/dev/null; then
    exit 0
fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    give_zero "The autograder stopped grading your notebook at its time limit ($TIME_LIMIT s)"\
", so no test has a score yet; this 0 is not a verdict on your work. Each test already stops"\
" slow code after a few seconds, so this is rare: check your code for endless loops, or very"\
" slow loops where a vectorized numpy expression would do, and submit again; if it happens"\
" again, tell your instructor."
fi
give_zero "The autograder failed while grading your notebook (exit status $status); this is"\
" not a score for your work. Please submit again; if it happens again, tell your instructor."
"""


class BundleError(Exception):
    """A bundle that cannot be built: unknown assignment, missing notebook, no package sources."""


DEFAULT_TIMEOUT = 600   # seconds: the autograder timeout a new Gradescope assignment has


def _script(template: str, assignment: str, hidden_visibility: str = HIDDEN_VISIBILITY,
            timeout: int = DEFAULT_TIMEOUT) -> str:
    return (template.replace("@ASSIGNMENT@", assignment)
            .replace("@HIDDEN_VISIBILITY@", hidden_visibility)
            .replace("@TIMEOUT@", str(int(timeout))))


def _package_tree() -> list[tuple[str, Path]]:
    """The installed package's own files, as (name in the bundle, path); no bytecode caches."""
    files = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        rel = path.relative_to(PACKAGE_DIR)
        if (not path.is_file() or _SKIPPED_DIRS.intersection(rel.parts)
                or path.suffix in _SKIPPED_SUFFIXES):
            continue
        files.append((f"{PACKAGE}/{rel.as_posix()}", path))
    return files


def _project_files() -> tuple[list[tuple[str, Path]], str | None]:
    """The readme from the source tree the package is installed from, and the text of its
    pyproject.toml with the package's folder under its import name, as the bundle holds it.

    For a package installed from a wheel (no source tree next to it), no files, and instead
    a pyproject.toml made from the installed distribution's metadata.
    """
    project = PACKAGE_DIR.parent
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        try:
            config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            config = {}
        if config.get("project", {}).get("name") == DIST_NAME:
            text = pyproject.read_text(encoding="utf-8")
            if PACKAGE_DIR.name != PACKAGE:
                if text.count(_SOURCE_MAPPING) != 1:
                    raise BundleError(f"{pyproject} does not map {PACKAGE} to its folder as "
                                      f"expected ({_SOURCE_MAPPING})")
                text = text.replace(_SOURCE_MAPPING,
                                    'package-dir = {"%s" = "%s"}' % (PACKAGE, PACKAGE))
            files = []
            readme = config["project"].get("readme")
            readme = readme.get("file") if isinstance(readme, dict) else readme
            if readme:
                if not (project / readme).is_file():
                    raise BundleError(f"{pyproject} names the readme {readme}, which is missing")
                files.append((Path(readme).as_posix(), project / readme))
            return files, text
    return [], pyproject_from_metadata()


def pyproject_from_metadata() -> str:
    """A pyproject.toml that reinstalls the installed distribution: name, version, dependencies."""
    try:
        meta = importlib.metadata.metadata(DIST_NAME)
    except importlib.metadata.PackageNotFoundError:
        raise BundleError(f"cannot find the package sources: {PACKAGE_DIR.parent} has no "
                          f"pyproject.toml and {DIST_NAME} is not installed") from None
    requires = [r for r in importlib.metadata.requires(DIST_NAME) or [] if "extra ==" not in r]
    lines = ['[build-system]', 'requires = ["setuptools>=61"]',
             'build-backend = "setuptools.build_meta"', '', '[project]',
             f'name = {json.dumps(DIST_NAME)}', f'version = {json.dumps(meta["Version"])}']
    if meta.get("Requires-Python"):
        lines.append(f'requires-python = {json.dumps(meta["Requires-Python"])}')
    lines.append("dependencies = [" + ", ".join(json.dumps(r) for r in requires) + "]")
    lines += ['', '[tool.setuptools.packages.find]', f'include = ["{PACKAGE}*"]', '']
    return "\n".join(lines)


def bundle_members(assignment: str, course: Path) -> dict[str, Path | str]:
    """Everything in the bundle but the two scripts: name -> file to copy, or text."""
    if assignment not in ASSIGNMENTS:
        raise BundleError(f"unknown assignment `{assignment}` (one of {', '.join(ASSIGNMENTS)})")
    notebook = trusted_path(course, assignment, hidden=True)
    if not notebook.is_file():
        raise BundleError(f"no instructor notebook at {notebook} (is --course the course root?)")
    project_files, generated_pyproject = _project_files()
    members: dict[str, Path | str] = dict(project_files)
    if generated_pyproject is not None:
        members["pyproject.toml"] = generated_pyproject
    members.update(_package_tree())
    members[f"source/{assignment}/{assignment}.ipynb"] = notebook
    return members


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=_TIMESTAMP)
    info.create_system = 3   # Unix: unzip restores the permission bits below
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def build_bundle(assignment: str, course: Path, output: Path,
                 hidden_visibility: str = HIDDEN_VISIBILITY,
                 timeout: int = DEFAULT_TIMEOUT) -> list[str]:
    """Write the bundle to `output`; the names it holds.

    `hidden_visibility`: when Gradescope shows the hidden tests (one of
    GRADESCOPE_VISIBILITIES); `timeout`: the assignment's autograder timeout on Gradescope in
    seconds, which the grader's own time limit stays under.
    """
    if hidden_visibility not in GRADESCOPE_VISIBILITIES:
        raise BundleError(f"unknown visibility {hidden_visibility!r} (one of "
                          f"{', '.join(GRADESCOPE_VISIBILITIES)})")
    if int(timeout) != timeout or timeout < 1:
        raise BundleError(f"the autograder timeout must be a whole number of seconds, "
                          f"not {timeout}")
    members = bundle_members(assignment, Path(course))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gradescope-", suffix=".zip", dir=output.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            _add(zf, "setup.sh", _script(SETUP_SH, assignment).encode(), executable=True)
            _add(zf, "run_autograder",
                 _script(RUN_AUTOGRADER, assignment, hidden_visibility, timeout).encode(),
                 executable=True)
            for name, content in members.items():
                data = content.read_bytes() if isinstance(content, Path) else content.encode()
                _add(zf, name, data)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ["setup.sh", "run_autograder", *members]


def add_parser(sub) -> None:
    bundle = sub.add_parser(
        "gradescope-bundle",
        help="write a Gradescope autograder zip for one assignment (holds its hidden tests)")
    bundle.add_argument("assignment", metavar="ID",
                        help="assignment id: " + ", ".join(ASSIGNMENTS))
    options.add_course_option(bundle, help="course root holding source/ (default: .)")
    bundle.add_argument("--output", type=Path, metavar="FILE.zip",
                        help="where to write the bundle (default: gradescope-<ID>.zip)")
    bundle.add_argument("--hidden-visibility", choices=GRADESCOPE_VISIBILITIES,
                        default=HIDDEN_VISIBILITY,
                        help="when students see the hidden tests' results (default "
                             "after_due_date); visible: at once, verdict and points only")
    bundle.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help="the autograder timeout set in the Gradescope assignment "
                             f"(default {DEFAULT_TIMEOUT}); grading stops a margin before it")
    bundle.set_defaults(run=run)


def run(opts: argparse.Namespace) -> int:
    output = opts.output or Path(f"gradescope-{opts.assignment}.zip")
    try:
        names = build_bundle(opts.assignment, opts.course, output, opts.hidden_visibility,
                             opts.timeout)
    except BundleError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {output} ({len(names)} files): upload it as the autograder of the "
          f"Gradescope assignment `{opts.assignment}`. It holds the hidden tests and solutions "
          "of the instructor notebook: keep it away from students. Hidden tests: "
          f"{opts.hidden_visibility}; set the assignment's autograder timeout to "
          f"{opts.timeout} s or more.")
    return 0
