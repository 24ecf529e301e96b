"""Attacks through text: strings from a submission that would sink or forge the reports.

A student controls the text of its exceptions, tracebacks and printed output, the values it
returns, its notebook's cells and the names of its files and folders. None of it may make a
report writer fail (a lone surrogate used to end the run with UnicodeEncodeError, no report
for anyone), make the JSON unreadable to a strict parser, or act on the instructor's
terminal (move the cursor to overwrite a FAIL line with a fake PASS, retitle the window,
hide what follows, reorder a line). Each class is graded through the real CLI in every
isolation there is, beside an honest classmate, and every output is checked.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import nbformat
import pytest

import conftest
import toy_course
from backprop_lab import text
from backprop_lab.course import gradebook
from backprop_lab.isolation import wire
from backprop_lab.reports import feedback, report
from backprop_lab.grading import SubmissionResult, TestResult
from backprop_lab.notebooks import safe_name
from backprop_lab.progress import ProgressBar
from conftest import ISOLATIONS, ROOT
from hostile import function

everywhere = pytest.mark.parametrize("isolation", ISOLATIONS)

ACTING = ("Cc", "Cf", "Cs", "Zl", "Zp")   # categories of characters that act instead of showing

# A fake PASS line for test_double drawn over the real one (cursor up, erase line, carriage
# return), a window title (OSC), concealed text, backspaces, bidi overrides and isolates,
# an 8-bit CSI, NUL, a line separator, a zero-width space and a lone surrogate.
FAKE_PASS = "  PASS        2/2  test_double  forged"
PAYLOAD = (f"bad\ud800 \x1b[1A\x1b[2K\r{FAKE_PASS}\n{FAKE_PASS}\x1b]0;pwned\x07 "
           "\x1b[8mhidden\x08\x08 \u202eevil\u202c \u2066iso\u2069 \x9b31m \x00 \u2028 "
           "\t\u200b\ufeff\udfff end")
PAYLOAD_SOURCE = repr(PAYLOAD)   # a Python literal: the payload as the student writes it
# what fits where Python allows less: a class name (no NUL, no surrogate), a comment
# (no line break)
NAME_PAYLOAD = re.sub("[\x00\ud800-\udfff]", "", PAYLOAD)
COMMENT_PAYLOAD = re.sub("[\r\n]", " ", PAYLOAD)


def acting_characters(s: str, keep: str = "\n") -> list[str]:
    return [f"U+{ord(c):04X}" for c in s
            if c not in keep and unicodedata.category(c) in ACTING]


def forged_lines(shown: str) -> list[str]:
    """Lines that the student wrote where the table has its PASS lines (in the detail lines
    under a test, student text is indented further)."""
    return re.findall(r"^ {0,2}PASS.*forged", shown, re.MULTILINE)


def strict_json(path: Path):
    """Parse as a strict RFC 8259 reader does: UTF-8, no NaN or infinities, no lone
    surrogates (a `\\ud800` escape is valid JSON syntax, but not a string jq accepts)."""
    data = path.read_bytes().decode("utf-8")   # strict: raises on invalid UTF-8

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    parsed = json.loads(data, parse_constant=refuse)

    def walk(node):
        if isinstance(node, str):
            assert not re.search("[\ud800-\udfff]", node), f"lone surrogate in {node!r}"
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(k)
                walk(v)
    walk(parsed)
    return parsed


def write_notebook_json(path: Path, nb) -> Path:
    """Write `nb` as JSON with ASCII escapes, so that it may hold lone surrogates
    (nbformat.write cannot write them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, ensure_ascii=True), encoding="ascii")
    return path


TERMINALS = {   # environments of the instructor's shell
    "utf-8": {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"},
    "ascii": {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
}


def run_cli(cwd: Path, args: list[str], terminal: str = "utf-8", limit: float = 60.0,
            course: Path = Path(".")):
    """The CLI in `cwd` (grading against `course`) in a shell of `terminal`'s locale."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    env.update(TERMINALS[terminal])
    proc = conftest.run_cli("grade", *args, "--hidden", "--course", course, "--jobs", "1",
                            "--timeout", "2", cwd=cwd, env=env, limit=limit, text=False)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def course(tmp_path):
    root = toy_course.make_course(tmp_path / "course")
    toy_course.write_submission(root, "honest")
    return root


def check_terminal(stdout: bytes, stderr: bytes, terminal: str) -> str:
    """What the instructor's terminal gets: valid in its encoding, nothing that acts but
    newlines, and no line that the student wrote."""
    for stream in (stdout, stderr):
        shown = stream.decode("ascii" if terminal == "ascii" else "utf-8")
        assert acting_characters(shown) == [], shown
        assert forged_lines(shown) == [], shown
        assert "pwned" not in shown or "\\x1b]0;pwned\\x07" in shown, shown
    return stdout.decode("ascii" if terminal == "ascii" else "utf-8")


def check_outputs(course: Path, code: int, stdout: bytes, stderr: bytes,
                  terminal: str = "utf-8") -> dict:
    """Every report of the run was written, reads under strict parsers and shows nothing
    that acts; the honest classmate's report is complete. The attacker's JSON entry."""
    table = check_terminal(stdout, stderr, terminal)
    assert code == 0, f"exit {code}: {stderr.decode(errors='replace')}"
    data = strict_json(course / "grades.json")["submissions"]
    assert len(data) == 2, data
    honest = next(s for s in data if s["student"] == "honest")
    assert honest["score"] == honest["max_score"] == 5 and honest["error"] is None
    attacker = next(s for s in data if s["student"] != "honest")
    assert attacker["error"] is None and attacker["max_score"] == 5
    assert {t["name"] for t in attacker["tests"]} == set(toy_course.TESTS)
    with open(course / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [float(r["score"]) for r in rows] == [s["score"] for s in data]
    for row in rows:   # the error column keeps its lines
        assert acting_characters("".join(row.values()), keep="\n\t") == [], row
    written = sorted((course / "feedback").glob("*/staged.*"))
    assert len(written) == 4, written   # .md and .html of each student
    for path in written:
        body = path.read_bytes().decode("utf-8")
        assert acting_characters(body, keep="\n\t") == [], (path, body)   # multi-line
    # the table shows the real verdict of every test
    for t in attacker["tests"]:
        mark = "PASS" if t["status"] == "passed" else "FAIL|ERROR|TIMEOUT"
        assert re.search(rf"^  ({mark}) +{t['score']:g}/{t['max_score']:g}  {t['name']}\b",
                         table, re.MULTILINE), table
    return attacker


REPORTS = ["--json", "grades.json", "--csv", "grades.csv", "--feedback", "feedback"]


def grade_class(course, isolation, terminal="utf-8", paths=("submitted",)):
    code, out, err = run_cli(course, [*paths, *REPORTS, "--isolation", isolation], terminal)
    return check_outputs(course, code, out, err, terminal)


def only_double_lost(attacker: dict) -> dict:
    tests = {t["name"]: t for t in attacker["tests"]}
    assert tests["test_double"]["score"] == tests["test_double_hidden"]["score"] == 0
    assert tests["test_pair"]["status"] == tests["test_scale_dict"]["status"] == "passed"
    return tests


# ================================================================ student code's text

CODE_ATTACKS = {
    "an exception message": f"raise ValueError({PAYLOAD_SOURCE})",
    "an exception type's name": f"raise type({NAME_PAYLOAD!r}, (Exception,), {{}})()",
    "printed output": (f"import sys\nprint({PAYLOAD_SOURCE})\n"
                       f"sys.stderr.write({PAYLOAD_SOURCE})\nreturn x.copy()"),
}
# Returned strings and dict keys cross the wire too, but no check shows them: the wire's
# own test below covers them.


@everywhere
@pytest.mark.parametrize("case", CODE_ATTACKS)
def test_student_text_cannot_sink_or_forge_the_reports(course, isolation, case):
    toy_course.write_submission(course, "s1", {"double": function(CODE_ATTACKS[case],
                                                                  returns="")})
    tests = only_double_lost(grade_class(course, isolation))
    if case in ("an exception message", "printed output"):
        # the student's text is there, shown: escapes visible, the surrogate replaced
        output = tests["test_double"]["output"]
        assert "\ufffd" in output and "\x1b]0;pwned\x07" in output
        md = (course / "feedback" / "s1" / "staged.md").read_text(encoding="utf-8")
        assert "\\x1b]0;pwned\\x07" in md and "\\u202eevil" in md


@pytest.mark.parametrize("terminal", TERMINALS)
def test_the_reports_survive_any_terminal_encoding(course, terminal):
    body = f"print({PAYLOAD_SOURCE})\nraise ValueError('caf\\xe9 ' + {PAYLOAD_SOURCE})"
    toy_course.write_submission(course, "s1", {"double": function(body, returns="")})
    only_double_lost(grade_class(course, "process", terminal))


@everywhere
def test_quiet_json_and_gradescope_results_are_strict(course, isolation):
    path = toy_course.write_submission(
        course, "s1", {"double": function(f"print({PAYLOAD_SOURCE})\n"
                                          f"raise ValueError({PAYLOAD_SOURCE})", returns="")})
    code, out, err = run_cli(course, [str(path.relative_to(course)), "--quiet", "--json",
                                      "grades.json", "--gradescope", "results.json",
                                      "--isolation", isolation])
    check_terminal(out, err, "utf-8")
    assert code == 0, err
    [graded] = strict_json(course / "grades.json")["submissions"]
    results = strict_json(course / "results.json")
    assert results["score"] == graded["score"] == 2
    assert all(acting_characters(t["output"], keep="\n\t") == [] for t in results["tests"])


# ================================================================ the notebook's text

def hostile_notebook_text():
    nb = toy_course.build({
        "double": f"def double(x):\n    # {COMMENT_PAYLOAD}\n    return 2.0 * x\n",
        "pair": f"def pair(x):\n    return x +  # {COMMENT_PAYLOAD}\n"})
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "scale_dict":
            cell.metadata.nbgrader.grade_id = PAYLOAD   # a label the grader does not know
    nb.cells.append(nbformat.v4.new_markdown_cell(PAYLOAD))
    return nb


@everywhere
def test_a_notebooks_text_cannot_sink_or_forge_the_reports(course, isolation):
    write_notebook_json(course / "submitted" / "s1" / "staged" / "staged.ipynb",
                        hostile_notebook_text())
    attacker = grade_class(course, isolation)
    tests = {t["name"]: t for t in attacker["tests"]}
    assert tests["test_double"]["status"] == "passed"             # the comment is harmless
    assert tests["test_pair"]["score"] == 0                       # a syntax error
    assert tests["test_scale_dict"]["status"] == "passed"         # found by its name
    assert "\ufffd" in tests["test_pair"]["output"]               # its line, shown cleaned


# ================================================================ names of files and folders

HOSTILE_FOLDERS = {
    "escapes and bidi": "s1\x1b]0;pwned\x07\x1b[2J\u202eevil\u2066",
    "a newline and a fake PASS line": f"s1\n{FAKE_PASS.replace('/', ' of ')}",   # no slash
    "bytes that are not UTF-8": "s1\udcff\udcfe\x1b[8m",   # file names are bytes on Linux
}


@everywhere
@pytest.mark.parametrize("case", HOSTILE_FOLDERS)
def test_a_student_folders_name_cannot_sink_or_forge_the_reports(course, isolation, case):
    folder = os.fsencode(HOSTILE_FOLDERS[case])
    target = os.path.join(os.fsencode(course), b"submitted", folder, b"staged")
    os.makedirs(target)
    nbformat.write(toy_course.build({"double": toy_course.SOLUTIONS["double"].replace(
        "2.0 * x", "x.copy()")}), os.fsdecode(os.path.join(target, b"staged.ipynb")))
    attacker = grade_class(course, isolation)
    # reported under the id made safe as a file name (notebooks.safe_name), nothing raw
    assert attacker["student"] == safe_name(text.clean(HOSTILE_FOLDERS[case]))
    assert re.fullmatch(r"[A-Za-z0-9_.@+-]+", attacker["student"])
    only_double_lost(attacker)


# ================================================================ the writers themselves

def hostile_result() -> SubmissionResult:
    """A result built by other code, with text that was never cleaned."""
    result = SubmissionResult(PAYLOAD, "staged", f"submitted/{PAYLOAD}/staged/staged.ipynb",
                              score=1.0, max_score=float("nan"), error=PAYLOAD,
                              warnings=[PAYLOAD])
    result.tests = [TestResult("test_double", 0.0, 2.0, "failed", PAYLOAD),
                    TestResult(PAYLOAD, 1.0, float("inf"), PAYLOAD, PAYLOAD)]
    return result


def test_no_writer_fails_on_uncleaned_text(tmp_path):
    result = hostile_result()
    for shown in (report.score_table([result], detail_lines=5), report.class_summary([result]),
                  feedback.markdown_report(result), feedback.html_report(result)):
        shown.encode("utf-8")
        assert acting_characters(shown, keep="\n\t") == [], shown   # feedback keeps lines
    for terminal in (report.score_table([result], detail_lines=5),
                     report.class_summary([result])):
        assert acting_characters(terminal) == [], terminal   # no tab either
        assert forged_lines(terminal) == [], terminal
    report.write_json([result], tmp_path / "grades.json")
    report.write_gradescope(result, tmp_path / "results.json")
    assert strict_json(tmp_path / "grades.json")["submissions"][0]["max_score"] is None
    assert strict_json(tmp_path / "results.json")["tests"][1]["max_score"] is None
    report.write_csv([result], tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    assert acting_characters("".join(row.values()), keep="\n\t") == []   # the error: lines
    written = feedback.write_feedback([result], tmp_path / "feedback")
    assert len(written) == 2 and all(acting_characters(p.name) == [] for p in written)


def test_the_gradebook_table_shows_student_text_escaped():
    shown = gradebook.format_differences([gradebook.Difference(PAYLOAD, "staged", PAYLOAD, 1.0,
                                                               0.0, PAYLOAD)])
    assert acting_characters(shown) == [] and len(shown.splitlines()) == 2


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_line_moves_the_cursor_only_to_redraw_itself():
    class Hostile(ProgressBar):
        def line(self):
            return super().line() + PAYLOAD

    stream = Terminal()
    with Hostile(2, stream, columns=10_000) as bar:
        bar()
        bar()
    drawn = stream.getvalue()
    assert drawn.count("\r") == 3 and drawn.endswith("\n")
    assert acting_characters(drawn, keep="\r\n") == []


# ================================================================ the two layers

def test_clean_makes_any_string_valid_utf8_text():
    assert text.clean("plain \x1b[31m text") == "plain \x1b[31m text"   # controls stay
    assert text.clean("a\ud800b\udfffc\x00") == "a\ufffdb\ufffdc\ufffd"
    assert text.clean("\ud83d\ude00") == "\U0001f600"                     # a pair joined
    assert text.clean("\ude00\ud83d") == "\ufffd\ufffd"                   # not a pair
    for s in ("\ud800", "x\udcff", "\x00", "\ud800\ud800\udc00", PAYLOAD):
        cleaned = text.clean(s)
        cleaned.encode("utf-8")
        assert "\x00" not in cleaned
        json.loads(json.dumps(cleaned))
    s = "unchanged text, not copied"
    assert text.clean(s) is s


def test_every_acting_character_is_escaped_visibly():
    """The hand-made list against unicodedata: every control, format, surrogate, line and
    paragraph separator is escaped (newlines and tabs kept in multi-line text), nothing
    else; an escape is printable ASCII."""
    for code in range(0x110000):
        ch = chr(code)
        category = unicodedata.category(ch)
        one, multi = text.one_line(ch), text.multi_line(ch)
        if category in ACTING:
            assert one != ch and one.isascii() and one.isprintable(), hex(code)
            assert multi == (ch if ch in "\n\t" else one), hex(code)
        elif category != "Cn":   # unassigned here, some are format characters in newer Unicode
            assert one == multi == ch, hex(code)
    assert text.one_line("a\tb\nc\rd\x1b") == "a\\tb\\nc\\rd\\x1b"
    assert text.multi_line("a\tb\r\nc\rd\x1b") == "a\tb\nc\\rd\\x1b"
    assert text.one_line("\u202e\U000e0001") == "\\u202e\\U000e0001"


def test_strict_json_writes_no_nan_and_only_ascii():
    written = text.dumps({"a": float("nan"), "b": [float("-inf"), 1.5], PAYLOAD: PAYLOAD})
    assert written.isascii()
    parsed = json.loads(written, parse_constant=lambda c: pytest.fail(c))
    assert parsed["a"] is None and parsed["b"] == [None, 1.5]
    assert not re.search("[\ud800-\udfff]", json.dumps(parsed, ensure_ascii=False))


def frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(8, "big") + payload


@pytest.mark.parametrize("raw", [
    b'{"ok": false, "error": {"type": "E\\ud800", "message": "\\udfff\\u0000 x"}}',
    b'{"ok": false, "error": {"type": "E", "message": "\xed\xa0\x80 \xff"}}',   # raw bytes
    b'{"ok": true, "value": {"t": "dict", "id": 0, "v": [["k\\ud800", "v\\u0000"]]}}',
])
def test_the_wire_hands_over_clean_text_only(raw):
    read, write = os.pipe()
    try:
        os.write(write, frame(raw))
        message = wire.receive(read)
    finally:
        os.close(read)
        os.close(write)
    dumped = json.dumps(message, ensure_ascii=False)
    dumped.encode("utf-8")
    assert "\x00" not in dumped and "\\u0000" not in dumped


# ================================================================ the real course


@everywhere
def test_the_real_course_reports_hostile_text_escaped(tmp_path, isolation):
    """relu: a `relu_backward` that prints the payload and raises it, beside an honest
    classmate; graded against the real course with its own checks."""
    solved = json.loads((ROOT / "solutions" / "relu" / "relu.ipynb").read_text())
    shutil.copytree(ROOT / "solutions" / "relu", tmp_path / "submitted" / "honest" / "relu")
    for cell in solved["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "relu_backward":
            cell["source"] = "".join(cell["source"]).replace(
                "    ### BEGIN SOLUTION\n", f"    print({PAYLOAD_SOURCE})\n"
                f"    raise ValueError({PAYLOAD_SOURCE})\n    ### BEGIN SOLUTION\n")
    write_notebook_json(tmp_path / "submitted" / "s1" / "relu" / "relu.ipynb", solved)
    code, out, err = run_cli(tmp_path, ["submitted", *REPORTS, "--isolation", isolation],
                             course=ROOT)
    table = check_terminal(out, err, "utf-8")
    assert code == 0, err.decode(errors="replace")
    honest, attacker = strict_json(tmp_path / "grades.json")["submissions"]
    assert honest["score"] == honest["max_score"] > 0
    lost = {t["name"] for t in attacker["tests"] if t["score"] == 0}
    assert lost and all(name.startswith("test_relu_backward") for name in lost), lost
    assert attacker["score"] < attacker["max_score"]
    assert re.search(r"^  FAIL +0/2  test_relu_backward\b", table, re.MULTILINE), table
    for path in (tmp_path / "feedback").glob("*/relu.*"):
        assert acting_characters(path.read_text(encoding="utf-8"), keep="\n\t") == []
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as fh:
        assert [r["student"] for r in csv.DictReader(fh)] == ["honest", "s1"]


def test_the_pytest_front_end_shows_student_text_escaped(course):
    # without a surrogate: pytest would escape a whole line it cannot encode by itself
    toy_course.write_submission(course, "s1", {"double": function(
        f"print({NAME_PAYLOAD!r})\nraise ValueError({NAME_PAYLOAD!r})", returns="")})
    proc = subprocess.run([sys.executable, "-m", "pytest", "autograder", "--hidden",
                           "--submission", str(course / "submitted" / "s1"), "--course",
                           str(course), "-p", "no:cacheprovider", "--rootdir", str(ROOT)],
                          cwd=ROOT, capture_output=True, timeout=120)
    shown = proc.stdout.decode("utf-8")
    assert proc.returncode == 1 and "backprop-lab scores" in shown, shown   # double fails
    assert "\\x1b]0;pwned\\x07" in shown                                     # shown escaped
    assert acting_characters(shown, keep="\n\t") == [], shown   # failures keep their lines
    assert forged_lines(shown) == [], shown
