"""Per-student feedback files: DIR/<student>/<assignment>.md and .html.

Each report holds the assignment, the total, and every test's name, points, status and full
message (what the checks said and what the student's code printed). Everything that comes
from a submission is escaped twice: first its control and format characters (terminal
escapes, carriage returns, bidi overrides) are shown as visible escapes (`text.multi_line`
in message bodies, which keep their lines; `text.one_line` in names and headings), then in
HTML with html.escape and in Markdown inside code fences longer than any run of backticks in
the text. The HTML page is self-contained (inline CSS, no scripts, no external assets).
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterable

from ..grading import PASSED, SubmissionResult
from ..text import multi_line, one_line, summarised

_STATUS = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "timed out"}


def _points(x: float) -> str:
    return f"{x:g}"


def _safe_name(name: str) -> str:
    """A single, harmless path component."""
    name = re.sub(r"[^\w.@+-]", "_", name).lstrip(".")
    return name or "submission"


def student_name(result: SubmissionResult) -> str:
    """The student id from the nbgrader tree; else the notebook's folder, else "submission".

    A folder named after the assignment itself (`assignments/<id>/<id>.ipynb`) says
    nothing about who submitted it, so it gives "submission" too.
    """
    if result.student:
        return _safe_name(result.student)
    folder = Path(result.path).resolve().parent.name
    if not folder or folder == result.assignment:
        return "submission"
    return _safe_name(folder)


def _fence(text: str) -> str:
    text = multi_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text.rstrip()}\n{ticks}"


def _inline(text: str) -> str:
    """One line of student text outside code: Markdown renderers pass raw HTML through."""
    return html.escape(one_line(text))


def late_note(result: SubmissionResult) -> str:
    """' (raw score 9 - late penalty 1: 2 days late)' under a late policy, else ''."""
    if result.raw_score is None or not result.days_late:
        return ""
    days = f"{result.days_late} day{'s' * (result.days_late != 1)} late"
    return (f" (raw score {_points(result.raw_score)} - late penalty "
            f"{_points(result.late_penalty or 0.0)}: {days})")


def markdown_report(result: SubmissionResult) -> str:
    # outside code fences, text from the submission's path is HTML-escaped: Markdown
    # renderers pass raw HTML through
    who = f" for {_inline(result.student)}" if result.student else ""
    lines = [f"# {_inline(result.assignment)}: feedback{who}", "",
             f"**Total: {_points(result.score)} / {_points(result.max_score)} points**"
             f"{late_note(result)}", ""]
    if result.error:
        lines += ["Your notebook could not be graded:", "", _fence(result.error), ""]
    for warning in summarised(result.warnings):
        lines += ["Note:", "", _fence(warning), ""]
    if result.tests:
        lines += ["| test | points | status |", "|---|---|---|"]
        for t in result.tests:
            lines.append(f"| `{one_line(t.name)}` | {_points(t.score)} / {_points(t.max_score)} "
                         f"| {_STATUS.get(t.status, _inline(t.status))} |")
        lines.append("")
    for t in result.tests:
        lines += [f"## `{one_line(t.name)}`: {_STATUS.get(t.status, _inline(t.status))}, "
                  f"{_points(t.score)} / {_points(t.max_score)}", ""]
        if t.output.strip():
            lines += [_fence(t.output), ""]
        else:
            lines += ["Passed." if t.status == PASSED else "(no message)", ""]
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .7rem; text-align: left; }
td.points { text-align: right; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: .6rem; overflow-x: auto;
      white-space: pre-wrap; }
.passed { color: #11661f; } .failed, .error, .timeout { color: #a31515; }
.total { font-size: 1.2rem; font-weight: bold; }
"""


def html_report(result: SubmissionResult) -> str:
    def e(text: str) -> str:   # a name or a heading: one line
        return html.escape(one_line(text))

    def block(text: str) -> str:   # a message: its lines kept
        return html.escape(multi_line(text))

    who = f" for {e(result.student)}" if result.student else ""
    title = f"{e(result.assignment)}: feedback{who}"
    body = [f"<h1>{title}</h1>",
            f'<p class="total">Total: {_points(result.score)} / '
            f"{_points(result.max_score)} points{late_note(result)}</p>"]
    if result.error:
        body += ["<p>Your notebook could not be graded:</p>", f"<pre>{block(result.error)}</pre>"]
    for warning in summarised(result.warnings):
        body += ["<p>Note:</p>", f"<pre>{block(warning)}</pre>"]
    if result.tests:
        body.append("<table>\n<tr><th>test</th><th>points</th><th>status</th></tr>")
        for t in result.tests:
            status = e(t.status)
            body.append(f'<tr><td><a href="#{e(t.name)}">{e(t.name)}</a></td>'
                        f'<td class="points">{_points(t.score)} / {_points(t.max_score)}</td>'
                        f'<td class="{status}">{e(_STATUS.get(t.status, t.status))}</td></tr>')
        body.append("</table>")
    for t in result.tests:
        status = e(t.status)
        body.append(f'<h2 id="{e(t.name)}">{e(t.name)}: <span class="{status}">'
                    f"{e(_STATUS.get(t.status, t.status))}</span>, "
                    f"{_points(t.score)} / {_points(t.max_score)}</h2>")
        if t.output.strip():
            body.append(f"<pre>{block(t.output.rstrip())}</pre>")
        else:
            body.append("<p>Passed.</p>" if t.status == PASSED else "<p>(no message)</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write_feedback(results: Iterable[SubmissionResult], folder: Path) -> list[Path]:
    """DIR/<student>/<assignment>.md and .html for each result; the files written.

    Two submissions that would share a name (same folder name, same assignment) get
    <student>-2, <student>-3, ... in the order of the results, those with a student id
    first.
    """
    folder = Path(folder)
    results = list(results)
    # a student id from the nbgrader tree is that student's folder: no other notebook (one
    # without an id, named after its folder) takes it, whatever the order of the results
    used: set[tuple[str, str]] = set()
    names: dict[int, str] = {}
    for i in sorted(range(len(results)), key=lambda i: not results[i].student):
        r = results[i]
        base = student_name(r)
        name, n = base, 1
        while (name, r.assignment) in used:
            n += 1
            name = f"{base}-{n}"
        used.add((name, r.assignment))
        names[i] = name
    written = []
    for i, r in enumerate(results):
        target = folder / names[i]
        target.mkdir(parents=True, exist_ok=True)
        stem = _safe_name(r.assignment)
        for suffix, text in ((".md", markdown_report(r)), (".html", html_report(r))):
            path = target / (stem + suffix)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
