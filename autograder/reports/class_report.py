"""The class report: one self-contained HTML page read from `grade --json`'s results.

    python -m backprop_lab class-report --results grades.json --out report/

writes `report/class_report.html`: per assignment, in course order, the score distribution
(a histogram), each test's pass rate (a bar chart and a table), the submissions that could
not be graded, and the misconceptions: each likely cause the checks named, counted by its
stable id (the `causes` of a test in the JSON, see `checks.core.cause_ids_of`), with the
students it was found in, most frequent first. Files found but not graded (`skipped`), the
students missing an assignment (`missing`, when the JSON has it) and student ids that were
renamed are listed at the top.

The page needs nothing beside it: its plots are PNG images embedded as base64 data, its
style is inline, and it has no script. Every string from the results (student ids, paths,
test names, messages) is shown through `text.one_line` and then HTML-escaped, so nothing
a submission wrote can act on the page. matplotlib (the `course` extra) is imported only
when plots are drawn, never by the grader.
"""
from __future__ import annotations

import argparse
import base64
import html
import io
import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..assignments import ASSIGNMENTS
from ..options import OUTPUT
from ..checks.explain import title_of
from ..text import one_line

REPORT_NAME = "class_report.html"
_LIKELY = "Likely cause: "
_DIFFERS = "What differs: "
_SHOWN_STUDENTS = 400   # a misconception's students listed by name, then a count


class ClassReportError(Exception):
    """Results that cannot be read; the message says which and why."""


@dataclass
class Misconception:
    cause: str                                            # the stable id
    students: set = field(default_factory=set)
    tests: Counter = field(default_factory=Counter)       # test name -> students
    wording: Counter = field(default_factory=Counter)     # the check's sentence -> times


@dataclass
class AssignmentView:
    assignment: str
    submissions: list = field(default_factory=list)   # graded, as dicts
    ungraded: list = field(default_factory=list)      # could not be graded
    missing: list = field(default_factory=list)       # student ids
    late: int = 0

    @property
    def max_score(self) -> float:
        return max((float(s.get("max_score") or 0) for s in self.submissions), default=0.0)


def _course_order(assignment: str) -> tuple[int, str]:
    return (ASSIGNMENTS.index(assignment) if assignment in ASSIGNMENTS else len(ASSIGNMENTS),
            assignment)


def _student(sub: dict) -> str:
    return str(sub.get("student") or sub.get("path") or "?")


def load_results(path: str | Path) -> dict:
    """The JSON of `grade --json`, checked for the parts the report reads."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ClassReportError(f"cannot read {path}: {exc}") from None
    except ValueError as exc:
        raise ClassReportError(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("submissions"), list):
        raise ClassReportError(f"{path} is not the JSON of `grade --json` "
                               "(no list of submissions)")
    for i, sub in enumerate(data["submissions"]):
        if not isinstance(sub, dict) or not isinstance(sub.get("assignment"), str) \
                or not isinstance(sub.get("tests", []), list) \
                or not all(isinstance(t, dict) for t in sub.get("tests", [])) \
                or not all(_is_number(sub.get(k, 0)) for k in ("score", "max_score")):
            raise ClassReportError(f"{path}: submission #{i + 1} is not a result of "
                                   "`grade --json` (an assignment, numeric scores, tests)")
    return data


def _is_number(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def misconceptions(submissions: list[dict]) -> list[Misconception]:
    """Each cause id named in the graded submissions, with the students it was found in;
    most students first (then by id). A student counts once per cause, however many tests
    named it."""
    found: dict[str, Misconception] = {}
    for sub in submissions:
        who = _student(sub)
        for test in sub.get("tests") or []:
            causes = [c for c in test.get("causes") or [] if isinstance(c, str)]
            line = _likely_line(str(test.get("output") or "")) if len(causes) == 1 else ""
            for cause in causes:
                entry = found.setdefault(cause, Misconception(cause))
                if who not in entry.students:
                    entry.students.add(who)
                entry.tests[str(test.get("name", "?"))] += 1
                if line:
                    entry.wording[line] += 1
    return sorted(found.values(), key=lambda m: (-len(m.students), m.cause))


def _likely_line(output: str) -> str:
    """The check's "Likely cause:" sentence: the first such line of the message (what the
    student's code printed comes after the check's own message); else its "What differs:"
    line (the relation the difference explainer found)."""
    lines = [line.strip() for line in output.split("\n")]
    for prefix in (_LIKELY, _DIFFERS):
        for line in lines:
            if line.startswith(prefix):
                return line[len(prefix):]
    return ""


def assignments_of(data: dict) -> list[AssignmentView]:
    views: dict[str, AssignmentView] = {}
    # graded, but not of the class: left out of every count, plot and misconception
    outside = {s for s in data.get("not_on_roster") or [] if isinstance(s, str)}
    for sub in data["submissions"]:
        view = views.setdefault(sub["assignment"], AssignmentView(sub["assignment"]))
        if sub.get("student") in outside:
            continue
        if sub.get("status") == "missing":      # on the roster, nothing submitted (grade --roster)
            view.missing.append(str(sub.get("student") or "?"))
            continue
        (view.ungraded if sub.get("error") else view.submissions).append(sub)
        view.late += bool(sub.get("days_late"))
    for item in data.get("missing") or []:
        if isinstance(item, dict) and isinstance(item.get("assignment"), str):
            view = views.setdefault(item["assignment"], AssignmentView(item["assignment"]))
            view.missing.append(str(item.get("student") or "?"))
    return [views[a] for a in sorted(views, key=_course_order)]


# ---------------------------------------------------------------- plots

def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _plots(view: AssignmentView, tests: list[tuple[str, int, int]]) -> tuple[str, str]:
    """The score histogram and the pass-rate bars of one assignment, as base64 PNG."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    top = view.max_score
    percents = [100.0 * float(s.get("score") or 0) / top if top else 0.0
                for s in view.submissions]
    fig, ax = plt.subplots(figsize=(5.5, 2.6))
    ax.hist(percents, bins=[i * 10 for i in range(11)], color="#4878a8", edgecolor="white")
    ax.set_xlabel("score (% of the points)")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, 100)
    histogram = _png(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5.5, 0.3 * len(tests) + 0.9))
    names = [one_line(name) for name, _, _ in tests][::-1]
    rates = [100.0 * passed / graded if graded else 0.0 for _, passed, graded in tests][::-1]
    ax.barh(range(len(tests)), rates, color="#5a9e6f")
    ax.set_yticks(range(len(tests)), names, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("passed (% of graded submissions)")
    bars = _png(fig)
    plt.close(fig)
    return histogram, bars


# ---------------------------------------------------------------- the page

def _e(text) -> str:
    return html.escape(one_line(str(text)))


def _num(x: float) -> str:
    return f"{x:.4g}" if x != round(x) else f"{x:g}"


def _test_rates(view: AssignmentView) -> list[tuple[str, int, int, Counter]]:
    tests: dict[str, list] = {}
    for sub in view.submissions:
        for test in sub.get("tests") or []:
            entry = tests.setdefault(str(test.get("name", "?")), [0, 0, Counter()])
            entry[1] += 1
            status = str(test.get("status", "?"))
            entry[0] += status == "passed"
            entry[2][status] += 1
    return [(name, p, g, c) for name, (p, g, c) in tests.items()]


def _section(view: AssignmentView, plots: bool) -> list[str]:
    a = _e(view.assignment)
    out = [f'<section id="a-{a}">', f"<h2>{a}</h2>"]
    graded = len(view.submissions)
    scores = [float(s.get("score") or 0) for s in view.submissions]
    facts = [f"{graded} graded", f"{len(view.ungraded)} could not be graded (scored 0)",
             f"{len(view.missing)} missing"]
    if view.late:
        facts.append(f"{view.late} late")
    out.append(f"<p>{', '.join(facts)}.")
    if graded:
        top = view.max_score
        out.append(f" Out of {_num(top)} points: mean {_num(statistics.fmean(scores))}, "
                   f"median {_num(statistics.median(scores))} (over the graded submissions "
                   "only).")
    out.append("</p>")
    tests = _test_rates(view)
    if graded and plots:
        histogram, bars = _plots(view, [(n, p, g) for n, p, g, _ in tests])
        out.append('<div class="plots">'
                   f'<figure><img alt="score distribution of {a}" '
                   f'src="data:image/png;base64,{histogram}"><figcaption>Score distribution'
                   "</figcaption></figure>"
                   f'<figure><img alt="pass rate of each test of {a}" '
                   f'src="data:image/png;base64,{bars}"><figcaption>Pass rate per test'
                   "</figcaption></figure></div>")
    if tests:
        out.append('<table class="tests"><tr><th>test</th><th>passed</th><th>rate</th>'
                   "<th>failed</th><th>error</th><th>timeout</th></tr>")
        for name, passed, total, statuses in tests:
            rate = 100.0 * passed / total if total else 0.0
            out.append(f"<tr><td>{_e(name)}</td><td>{passed}/{total}</td><td>{rate:.1f}%</td>"
                       f"<td>{statuses['failed']}</td><td>{statuses['error']}</td>"
                       f"<td>{statuses['timeout']}</td></tr>")
        out.append("</table>")
    found = misconceptions(view.submissions)
    out.append(f"<h3>Misconceptions ({len(found)} named cause{'s' * (len(found) != 1)})</h3>")
    if found:
        out.append(f'<table class="misconceptions" data-assignment="{a}">'
                   "<tr><th>students</th><th>cause</th><th>tests</th><th>who</th></tr>")
        for m in found:
            wording = m.wording.most_common(1)[0][0] if m.wording else ""
            tests_text = ", ".join(f"{_e(t)} ({n})" for t, n in m.tests.most_common())
            names = sorted(m.students)
            who = ", ".join(_e(s) for s in names[:_SHOWN_STUDENTS])
            if len(names) > _SHOWN_STUDENTS:
                who += f", and {len(names) - _SHOWN_STUDENTS} more"
            out.append(f'<tr><td class="count">{len(m.students)}</td>'
                       f'<td><b class="cause-title">{_e(title_of(m.cause))}</b> '
                       f'<code class="cause-id">{_e(m.cause)}</code>'
                       + (f'<br><span class="example">e.g. {_e(wording)}</span>'
                          if wording else "")
                       + f"</td><td>{tests_text}</td><td class=\"who\">{who}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>No cause was named in this assignment's failures.</p>")
    if view.ungraded or view.missing:
        out.append("<h3>Not graded</h3><ul>")
        for sub in view.ungraded:
            error = str(sub.get("error") or "").split("\n")[0]
            out.append(f"<li>{_e(_student(sub))}: could not be graded ({_e(sub.get('path', ''))}"
                       f"): {_e(error)}</li>")
        for student in sorted(view.missing):
            out.append(f"<li>{_e(student)}: missing</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


_CSS = """
body { font-family: sans-serif; margin: 1.5rem; color: #222; max-width: 75rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left;
         vertical-align: top; }
td.count { text-align: right; font-weight: bold; }
td.who { font-size: 0.85rem; min-width: 20rem; max-width: 36rem; }
code.cause-id { font-size: 0.85rem; color: #6a1b4d; }
.plots { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; }
figcaption { font-size: 0.85rem; color: #555; }
section { border-top: 2px solid #4878a8; margin-top: 1.5rem; }
"""


def render(data: dict, plots: bool = True, title: str = "Class report") -> str:
    """The page for the results `data` (the JSON of `grade --json`, parsed)."""
    views = assignments_of(data)
    students = {_student(s) for s in data["submissions"]}
    body = [f"<h1>{_e(title)}</h1>",
            f"<p>{len(students)} students, {len(data['submissions'])} submissions, "
            f"{len(views)} assignments.</p>"]
    body.append("<table class=\"overview\"><tr><th>assignment</th><th>graded</th>"
                "<th>not graded</th><th>missing</th><th>mean</th><th>most frequent cause"
                "</th></tr>")
    for view in views:
        scores = [float(s.get("score") or 0) for s in view.submissions]
        mean = (f"{_num(statistics.fmean(scores))}/{_num(view.max_score)}"
                if scores else "")
        found = misconceptions(view.submissions)
        top = (f"{_e(title_of(found[0].cause))} <code>{_e(found[0].cause)}</code> "
               f"({len(found[0].students)})" if found else "")
        body.append(f'<tr><td><a href="#a-{_e(view.assignment)}">{_e(view.assignment)}</a>'
                    f"</td><td>{len(view.submissions)}</td><td>{len(view.ungraded)}</td>"
                    f"<td>{len(view.missing)}</td><td>{mean}</td><td>{top}</td></tr>")
    body.append("</table>")
    strangers = [s for s in data.get("not_on_roster") or [] if isinstance(s, str)]
    if strangers:
        body.append(f"<h2>Not on the roster ({len(strangers)} students)</h2><p>Graded (their "
                    "results are in the grades files) but left out of the means, the score "
                    "distributions, the pass rates and the misconceptions: "
                    + ", ".join(_e(s) for s in strangers) + "</p>")
    skipped = [s for s in data.get("skipped") or [] if isinstance(s, dict)]
    if skipped:
        body.append(f"<h2>Unrecognized files ({len(skipped)}, not graded)</h2><ul>")
        body += [f"<li>{_e(s.get('path', '?'))}: {_e(s.get('reason', ''))}</li>"
                 for s in skipped]
        body.append("</ul>")
    renamed = [r for r in data.get("renamed_students") or [] if isinstance(r, dict)]
    if renamed:
        body.append("<h2>Student ids reported under another name</h2><ul>")
        body += [f"<li>{_e(r.get('id', '?'))} is reported as {_e(r.get('reported_as', '?'))}"
                 "</li>" for r in renamed]
        body.append("</ul>")
    for view in views:
        body += _section(view, plots)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write_report(results: str | Path, out: str | Path) -> Path:
    """Read `results` (grade --json) and write OUT/class_report.html; its path."""
    page = render(load_results(results))
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ClassReportError(f"--out needs a folder, but {folder} is a file")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_NAME
    path.write_text(page, encoding="utf-8")
    return path


def add_parser(sub) -> None:
    report = sub.add_parser("class-report",
                            help="write the class report (score distributions, pass rates, "
                                 "misconceptions) from grade --json's results")
    report.add_argument("--results", type=Path, default=OUTPUT / "grades.json", metavar="JSON",
                        help=f"the file written by `grade --json` (default: {OUTPUT}/grades.json)")
    report.add_argument("--out", type=Path, default=OUTPUT / "class-report", metavar="DIR",
                        help=f"folder of the report ({REPORT_NAME}; default: "
                             f"{OUTPUT}/class-report)")
    report.set_defaults(run=run)


def run(opts: argparse.Namespace) -> int:
    import sys
    try:
        path = write_report(opts.results, opts.out)
    except ClassReportError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"class report: {path}")
    return 0
