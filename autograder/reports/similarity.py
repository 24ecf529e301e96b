"""Similar submissions: `python -m backprop_lab similarity [submitted] --out similarity.html`.

Every pair of students is compared per assignment on the code of their solution cells, with
winnowed fingerprints (Schleimer, Wilkerson and Aiken, "Winnowing", SIGMOD 2003: the method
of MOSS and Dolos):

1. The code is read as Python tokens (`tokenize`) and normalised: comments and blank lines go,
   every identifier the student chose becomes `N` (keywords, builtins, attribute names after a
   dot, and the names the notebook gives, such as `np` or a given forward pass, stay), every
   string `S` and every number `0`. Renamed variables, changed comments, other string or
   number literals and other spacing leave the tokens as they were.
2. Each run of K tokens (a k-gram) is hashed; of every W consecutive hashes the smallest is
   kept (winnowing), so a shared run of at least K + W - 1 tokens always shares a fingerprint,
   wherever it sits: reordered lines still share the fingerprints inside each line group.
3. Fingerprints of the code the notebook gives (every code cell of the released notebook:
   signatures, docstrings, stubs) are dropped. The others are weighted by how rare they are
   in the class, log((n + 1) / df) for df of n students: code that everybody writes alike
   (the usual way to do it) is no sign of copying, code that two students alone share is.
4. A pair's similarity is the weight of the fingerprints they share over the mean weight of
   their own: 1.0 for the same fingerprints, near 0 for code shared only with the class.
   A copy shares its source's rare choices (its structure, its idioms, in one combination)
   where honest students share common ones.

The HTML report (self-contained, no scripts, every piece of student text escaped) ranks the
pairs and shows the matched regions side by side, numbered alike on both sides. A high rank
is a reason to read the two submissions, not a verdict. With `--results grades.json` it also
lists, per assignment, the students who fail a test with the same message, wrong values
included, when few do (`shared_wrong_answers`): a shared bug says more than shared correct
code.

Submissions are found and read by `grade`'s rules (no link followed, regular files only), a
notebook of more than MAX_NOTEBOOK_BYTES is not compared and only a submission's first
MAX_CODE_CHARS characters of solution code are; the page says which.

copydetect (a maintained winnowing library) was considered: it compares files on disk by
characters, keeps numbers, and weighs code that the whole class has in common as much as
code two students alone share, which is what separates a copy from 300 students writing the
same short backward pass; it would also add four packages. The method here is the same,
over notebook cells.
"""
from __future__ import annotations

import argparse
import ast
import builtins
import hashlib
import html
import io
import json
import keyword
import math
import sys
import time
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Iterable

import numpy as np

from ..assignments import ASSIGNMENTS
from ..options import OUTPUT
from ..notebooks import (GIVEN, SOLUTION, Notebook, NotebookError, discover, find_solution,
                         read_bytes, read_notebook, safe_name, shown, trusted_path)
from ..text import clean, one_line

# Short k-grams survive reordered lines (a k-gram that crosses a moved line is lost); the
# rarity weights keep the short ones that everybody writes from counting. Chosen on
# bench/similarity_benchmark.py (k 5 to 6 keep disguised copies on top; 12 and more lose
# reordered ones among honest pairs).
K = 6           # tokens in a k-gram
WINDOW = 4      # hashes in a winnowing window
# What one submission may cost: its notebook is read up to MAX_NOTEBOOK_BYTES (a larger one is
# not compared), and the first MAX_CODE_CHARS characters of its solution cells are compared
# (an honest solution has a few thousand); both are reported on the page. Time, memory and
# the page's size then grow with the class, not with what one student submits.
MAX_NOTEBOOK_BYTES = 16 * 2 ** 20
MAX_CODE_CHARS = 50_000
SHOWN_PAIRS = 50   # pairs per assignment in the ranked table (at least --top)

_BUILTINS = frozenset(dir(builtins))
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


@dataclass(frozen=True)
class Token:
    text: str     # normalised
    line: int     # 1-based line in the source


def tokens(source: str, keep: frozenset[str] = frozenset()) -> list[Token]:
    """The normalised tokens of Python source; code that does not tokenize to the end gives
    the tokens up to where it stops (a half-written cell is still compared)."""
    out: list[Token] = []
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _SKIP:
                continue
            if tok.type == tokenize.NAME:
                name = tok.string
                text = (name if keyword.iskeyword(name) or name in _BUILTINS or name in keep
                        or previous == "." else "N")
            elif tok.type == tokenize.STRING:
                text = "S"
            elif tok.type == tokenize.NUMBER:
                text = "0"
            elif tok.type == tokenize.NEWLINE:
                text = ";"
            elif tok.type == tokenize.INDENT:
                text = "{"
            elif tok.type == tokenize.DEDENT:
                text = "}"
            else:
                text = tok.string
            out.append(Token(text, tok.start[0]))
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def kgram_hashes(texts: list[str], k: int) -> list[int]:
    """A stable 64-bit hash of each run of k tokens (the same in every run of the program)."""
    return [int.from_bytes(hashlib.blake2b("\x1f".join(texts[i:i + k]).encode(),
                                           digest_size=8).digest(), "big")
            for i in range(len(texts) - k + 1)]


def winnow(toks: list[Token], k: int = K, window: int = WINDOW) -> dict[int, list[int]]:
    """Fingerprint -> the token positions of its k-grams (robust winnowing: the rightmost
    smallest hash of each window, each selection once)."""
    hashes = kgram_hashes([t.text for t in toks], k)
    if not hashes:
        return {}
    chosen: dict[int, list[int]] = {}
    last = -1
    for start in range(max(1, len(hashes) - window + 1)):
        span = hashes[start:start + window]
        low = min(span)
        pos = start + max(i for i, h in enumerate(span) if h == low)
        if pos != last:
            chosen.setdefault(hashes[pos], []).append(pos)
            last = pos
    return chosen


@dataclass
class Submission:
    student: str
    assignment: str
    path: str
    cells: list[str]                  # the solution cells, in the notebook's order
    toks: list[Token] = field(default_factory=list)
    prints: dict[int, list[int]] = field(default_factory=dict)   # without the given code's
    own_tokens: int = 0               # tokens not covered by the given code's k-grams

    @property
    def source(self) -> str:
        """The solution cells one after the other, a blank line between two."""
        return "\n\n".join(self.cells) + "\n"


@dataclass
class Pair:
    assignment: str
    a: Submission
    b: Submission
    similarity: float
    covered_a: int                    # tokens of a in shared k-grams
    covered_b: int
    shared: list[int]                 # the shared fingerprints


def _covered(positions: Iterable[int], k: int) -> set[int]:
    return {p + i for p in positions for i in range(k)}


def given_names(trusted: Notebook) -> frozenset[str]:
    """Names the notebook gives (its functions, imports, top-level names, the graded
    functions): they stay as they are in the tokens, since nobody renames them."""
    names = set()
    for cell in trusted.cells:
        if cell.kind == SOLUTION and cell.grade_id:
            names.add(cell.grade_id)
        if cell.kind != GIVEN:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return frozenset(names)


def boilerplate(trusted: Notebook, keep: frozenset[str], k: int, window: int) -> set[int]:
    """All k-gram hashes of the released notebook's code cells (not only the winnowed ones,
    so that no fingerprint of given code survives in a submission)."""
    found: set[int] = set()
    for cell in trusted.cells:
        found.update(kgram_hashes([t.text for t in tokens(cell.source, keep)], k))
    return found


def solution_cells(submission: Notebook, trusted: Notebook) -> list[str]:
    """The submission's solution cells, in the order of the trusted notebook's."""
    parts = []
    for cell in trusted.of_kind(SOLUTION):
        found, _ = find_solution(submission, cell.grade_id)
        if found is not None:
            parts.append(found.source.rstrip())
    return parts


def prepare(subs: list[Submission], trusted: Notebook, k: int = K,
            window: int = WINDOW) -> None:
    """Tokens and fingerprints of each submission, without the given code's."""
    keep = given_names(trusted)
    given = boilerplate(trusted, keep, k, window)
    for sub in subs:
        # each cell on its own: no k-gram runs from the end of one cell into the next
        sub.toks, sub.prints, given_at, line = [], {}, set(), 0
        for cell in sub.cells:
            toks = [Token(t.text, t.line + line) for t in tokens(cell, keep)]
            base = len(sub.toks)
            hashes = kgram_hashes([t.text for t in toks], k)
            given_at |= _covered((base + i for i, h in enumerate(hashes) if h in given), k)
            for h, positions in winnow(toks, k, window).items():
                if h not in given:
                    sub.prints.setdefault(h, []).extend(base + p for p in positions)
            sub.toks.extend(toks)
            line += cell.count("\n") + 2
        sub.own_tokens = len(sub.toks) - len(given_at)


def weights(subs: list[Submission]) -> dict[int, float]:
    """Each fingerprint's weight, log((n + 1) / df) for a class of n and df students having
    it (as in information retrieval): code every student writes weighs nearly nothing, code
    two students alone share weighs most."""
    df = Counter(h for sub in subs for h in sub.prints)
    n = len(subs)
    return {h: math.log((n + 1) / count) for h, count in df.items()}


def compare(subs: list[Submission], k: int = K, limit: int = 200) -> list[Pair]:
    """The `limit` most similar pairs of `subs` (one assignment, prepared), most similar
    first: similarity = 2 * weight of shared fingerprints / (weight of a's + weight of b's),
    1.0 for two students with the same fingerprints."""
    if len(subs) < 2:
        return []
    weight = weights(subs)
    totals = np.array([sum(weight[h] for h in sub.prints) for sub in subs])
    held = Counter(h for sub in subs for h in sub.prints)
    shared = sorted(h for h, count in held.items() if count >= 2)
    column = {h: i for i, h in enumerate(shared)}
    has = np.zeros((len(subs), len(shared)), dtype=np.float32)
    for i, sub in enumerate(subs):
        for h in sub.prints:
            if h in column:
                has[i, column[h]] = 1.0
    both = ((has * np.array([weight[h] for h in shared], dtype=np.float32)) @ has.T
            ).astype(np.float64)
    denominator = totals[:, None] + totals[None, :]
    score = np.divide(2 * both, denominator, out=np.zeros_like(both),
                      where=denominator > 0)
    upper = np.triu(both > 0, 1)
    i_idx, j_idx = np.nonzero(upper)
    order = np.lexsort((j_idx, i_idx, -score[i_idx, j_idx]))[:limit]
    pairs = []
    for o in order:
        a, b = subs[i_idx[o]], subs[j_idx[o]]
        common = sorted(set(a.prints) & set(b.prints))
        cov_a = len(_covered((p for h in common for p in a.prints[h]), k))
        cov_b = len(_covered((p for h in common for p in b.prints[h]), k))
        pairs.append(Pair(a.assignment, a, b, float(min(1.0, score[i_idx[o], j_idx[o]])),
                          cov_a, cov_b, common))
    return pairs


# ---- finding submissions -------------------------------------------------------------------

def find_submissions(paths: list[Path]) -> tuple[dict[tuple[str, str], Path], list[str]]:
    """(student, assignment) -> notebook, and a line for each file not used and why, by the
    rules `grade` follows (notebooks.discover): no link is followed, nothing but a regular
    file is read, an nbgrader tree's folders name the student and the assignment."""
    try:
        found = discover([str(p) for p in paths], Path("submitted"))
    except NotebookError as exc:
        return {}, [str(exc)]
    problems = [f"{s.path}: {s.reason}" for s in found.skipped]
    chosen = {}
    for f in found.found:
        assignment = f.assignment or f.path.stem
        student = f.student or safe_name(clean(f.path.parent.name))
        if (student, assignment) in chosen:
            problems.append(f"{shown(str(f.path))}: {student} has another notebook for "
                            f"{assignment}; this one is not compared")
        else:
            chosen[(student, assignment)] = f.path
    return chosen, problems


def load_class(paths: list[Path], course: Path) -> tuple[dict[str, list[Submission]],
                                                          dict[str, Notebook], list[str]]:
    """The submissions per assignment, the released notebooks, and what was not used."""
    chosen, problems = find_submissions(paths)
    by_assignment: dict[str, list[Submission]] = {}
    trusted: dict[str, Notebook] = {}
    for (student, assignment), nb_path in sorted(chosen.items()):
        if assignment not in trusted:
            # the course's own released copy first (what its students were given), then the
            # copy the package carries, then the instructor's
            candidates = [course / "assignments" / assignment / f"{assignment}.ipynb",
                          trusted_path(course, assignment, hidden=False),
                          trusted_path(course, assignment, True)]
            path = next((c for c in candidates if c.exists()), candidates[-1])
            try:
                trusted[assignment] = read_notebook(path)
            except NotebookError as exc:
                raise SimilarityError(f"no released notebook for {assignment}: {exc}") from None
        try:   # as `grade` reads a submission: no link, a regular file, at most the cap
            nb = read_notebook(nb_path, follow_links=False, limit=MAX_NOTEBOOK_BYTES)
        except NotebookError as exc:
            problems.append(f"{student} / {assignment}: {exc}")
            continue
        cells = solution_cells(nb, trusted[assignment])
        size = sum(len(c) for c in cells)
        if size > MAX_CODE_CHARS:
            cells = _first_characters(cells, MAX_CODE_CHARS)
            problems.append(f"{student} / {assignment}: only the first {MAX_CODE_CHARS:,} "
                            f"characters of its solution code are compared (it has {size:,})")
        by_assignment.setdefault(assignment, []).append(
            Submission(student, assignment, str(nb_path), cells))
    return by_assignment, trusted, problems


def _first_characters(cells: list[str], limit: int) -> list[str]:
    kept = []
    for cell in cells:
        if limit <= 0:
            break
        kept.append(cell[:limit])
        limit -= len(cell)
    return kept


class SimilarityError(Exception):
    pass


# ---------------------------------------------------------------- the same wrong answer

PRINTED = "\nYour code printed:"   # what follows in a test's output is the student's printing
NOT_EVIDENCE = ("is not implemented yet", "time limit", "grading time budget",
                "not run: see the submission's error", "the student process")
SHOWN_MESSAGE = 400   # characters of a shared message on the page


@dataclass
class SharedWrong:
    """A failed test whose message, the wrong values in it included, is the same for a few
    students (at most RARE_SHARE of those graded, and at least 2)."""
    assignment: str
    test: str
    message: str
    students: list[str]
    graded: int          # students graded in the assignment


RARE_SHARE = 0.2   # a wrong answer more common than this is a common mistake, not a sign


def shared_wrong_answers(path: Path) -> dict[str, list[SharedWrong]]:
    """Per assignment, the failed tests that a few students fail with the same message, from
    `grade --json`'s file: two students with the same wrong values share a bug, which is
    stronger evidence than correct code both may have written alone. Failures that say
    nothing of the code (a stub, a time limit, a crash) are left out. SimilarityError if the
    file is not such a file."""
    try:
        data = json.loads(read_bytes(path))
        entries = [e for e in data["submissions"] if isinstance(e, dict)]
    except (NotebookError, ValueError, KeyError, TypeError) as exc:
        raise SimilarityError(f"{path}: not a grades file of `grade --json` ({exc})") from None
    groups: dict[tuple[str, str, str], set[str]] = {}
    graded: dict[str, set[str]] = {}
    for entry in entries:
        student, assignment = entry.get("student"), entry.get("assignment")
        tests = entry.get("tests")
        if not isinstance(student, str) or not isinstance(assignment, str) \
                or not isinstance(tests, list) or not tests:
            continue
        graded.setdefault(assignment, set()).add(student)
        for test in tests:
            if not isinstance(test, dict) or test.get("status") != "failed":
                continue
            message = str(test.get("output", "")).split(PRINTED)[0].strip()
            if not message or any(words in message for words in NOT_EVIDENCE):
                continue
            groups.setdefault((assignment, str(test.get("name")), message), set()).add(student)
    found: dict[str, list[SharedWrong]] = {}
    for (assignment, test, message), students in groups.items():
        n = len(graded[assignment])
        if 2 <= len(students) <= max(2, int(RARE_SHARE * n)):
            found.setdefault(assignment, []).append(
                SharedWrong(assignment, test, message, sorted(students), n))
    for shared in found.values():
        shared.sort(key=lambda g: (len(g.students), g.test, g.students))
    return found


def _shared_wrong_section(shared: list[SharedWrong]) -> list[str]:
    parts = ["<h3>Same wrong answers</h3><p>Failed tests whose message, with the wrong values "
             "in it, is the same for a few students only: a shared bug is a stronger sign "
             "than shared correct code.</p>"]
    if not shared:
        return parts + ["<p>None.</p>"]
    parts.append("<table class=rank><tr><th>test</th><th>students</th><th>shared by</th>"
                 "<th>message</th></tr>")
    for g in shared:
        message = g.message if len(g.message) <= SHOWN_MESSAGE else \
            g.message[:SHOWN_MESSAGE] + " ..."
        parts.append(f"<tr><td>{_esc(g.test)}</td><td>{_esc(', '.join(g.students))}</td>"
                     f"<td>{len(g.students)} of {g.graded}</td>"
                     f"<td><code>{_esc(message)}</code></td></tr>")
    parts.append("</table>")
    return parts


# ---- the report -----------------------------------------------------------------------------

_INVISIBLE = {c: f"\u27e8U+{c:04X}\u27e9" for c in
              (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200E, 0x200F, 0xFEFF)}


def _esc(text: str) -> str:
    """Escaped for HTML, with bidirectional controls and invisible characters shown as
    ⟨U+XXXX⟩ so that the code reads as it runs."""
    return html.escape(str(text).translate(_INVISIBLE), quote=True)


def regions(pair: Pair, k: int) -> tuple[dict[int, int], dict[int, int]]:
    """line -> region number on each side: a's matched lines in runs, b's lines numbered
    after the line of a that their shared k-gram matches."""
    a_lines = set()
    for h in pair.shared:
        for p in pair.a.prints[h]:
            for t in range(p, min(p + k, len(pair.a.toks))):
                a_lines.add(pair.a.toks[t].line)
    region_of_a, number, previous = {}, 0, None
    for line in sorted(a_lines):
        if previous is None or line > previous + 1:
            number += 1
        region_of_a[line] = number
        previous = line
    # b's i-th occurrence of a fingerprint is read as a's i-th (its last, if a has fewer),
    # token by token, so that a line of b takes the region of the line of a it matches: a
    # fingerprint found in several places (a line written alike in two functions) does not
    # pull them all into its first region. Identical code is numbered identically.
    matched = []
    for h in pair.shared:
        ours = sorted(pair.a.prints[h])
        for i, p in enumerate(sorted(pair.b.prints[h])):
            matched.append((p, ours[min(i, len(ours) - 1)]))
    region_of_b = {}
    for p, q in sorted(matched):
        for t in range(min(k, len(pair.b.toks) - p, len(pair.a.toks) - q)):
            line_a = pair.a.toks[q + t].line
            if line_a in region_of_a:
                region_of_b.setdefault(pair.b.toks[p + t].line, region_of_a[line_a])
    return region_of_a, region_of_b


def _code(source: str, marks: dict[int, int]) -> str:
    rows = []
    for number, line in enumerate(source.splitlines(), start=1):
        region = marks.get(number)
        cls = f' class="m{(region - 1) % 6}"' if region else ""
        label = f"{region}" if region else ""
        rows.append(f"<tr{cls}><td class=n>{number}</td><td class=r>{label}</td>"
                    f"<td><code>{_esc(line) or ' '}</code></td></tr>")
    return "<table class=code>" + "".join(rows) + "</table>"


_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table.rank{border-collapse:collapse}table.rank td,table.rank th{padding:2px 10px;
border-bottom:1px solid #ddd;text-align:left}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}
table.code{border-collapse:collapse;font:12px/1.35 monospace;width:100%}
table.code td{padding:0 4px;vertical-align:top;white-space:pre-wrap;word-break:break-all}
td.n{color:#999;text-align:right;width:3em}td.r{color:#555;width:1.5em;font-weight:bold}
.m0{background:#ffe08a}.m1{background:#a8e6a1}.m2{background:#a9d3ff}.m3{background:#f7b6d2}
.m4{background:#d6c3ff}.m5{background:#ffc9a3}
details{margin:1em 0;border:1px solid #ccc;padding:.5em}summary{cursor:pointer}
"""


def html_report(results: dict[str, list[Pair]], counts: dict[str, int], k: int,
                top: int, problems: list[str], seconds: float,
                wrong: dict[str, list[SharedWrong]] | None = None) -> str:
    """The whole report as one HTML page: per assignment the ranked pairs and, for the
    first `top`, both submissions side by side with their shared regions numbered."""
    parts = ["<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
             "<title>Similar submissions</title><style>", _STYLE, "</style></head><body>",
             "<h1>Similar submissions</h1>",
             f"<p>Solution cells compared with winnowed fingerprints ({k}-token k-grams; "
             "identifiers, strings, numbers and comments normalised; the notebook's given "
             "code left out; code found in many students weighs little) in "
             f"{seconds:.1f} s. A high rank is a reason to read both submissions, not a "
             "verdict.</p>"]
    if problems:
        parts.append("<h2>Not compared, or not in full</h2><ul>")
        parts.extend(f"<li>{_esc(p)}</li>" for p in problems)
        parts.append("</ul>")
    for a_index, (assignment, pairs) in enumerate(results.items()):
        listed = pairs[:max(top, SHOWN_PAIRS)]
        parts.append(f"<h2>{_esc(assignment)}</h2><p>{counts[assignment]} students; the "
                     f"{len(listed)} most similar pairs.</p>")
        if wrong is not None:
            parts.extend(_shared_wrong_section(wrong.get(assignment, [])))
        if not pairs:
            continue
        parts.append("<table class=rank><tr><th>rank</th><th>student</th><th>student</th>"
                     "<th>similarity</th><th>tokens in shared k-grams</th></tr>")
        for rank, p in enumerate(listed, start=1):
            name = (f"<a href='#a{a_index}p{rank}'>{rank}</a>" if rank <= top else str(rank))
            parts.append(f"<tr><td>{name}</td><td>{_esc(p.a.student)}</td>"
                         f"<td>{_esc(p.b.student)}</td><td>{100 * p.similarity:.0f}%</td>"
                         f"<td>{p.covered_a} / {p.covered_b}</td></tr>")
        parts.append("</table>")
        for rank, p in enumerate(pairs[:top], start=1):
            marks_a, marks_b = regions(p, k)
            parts.append(
                f"<details id='a{a_index}p{rank}'{' open' if rank <= 3 else ''}><summary>"
                f"#{rank} {_esc(p.a.student)} and {_esc(p.b.student)}: "
                f"{100 * p.similarity:.0f}% similar</summary><div class=side>"
                f"<div><p><b>{_esc(p.a.student)}</b> {_esc(p.a.path)}</p>"
                f"{_code(p.a.source, marks_a)}</div>"
                f"<div><p><b>{_esc(p.b.student)}</b> {_esc(p.b.path)}</p>"
                f"{_code(p.b.source, marks_b)}</div></div></details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def analyse(paths: list[Path], course: Path, k: int = K, window: int = WINDOW,
            limit: int = 200) -> tuple[dict[str, list[Pair]], dict[str, int], list[str]]:
    """The most similar pairs per assignment (ranked), students per assignment, and the
    notebooks not compared."""
    by_assignment, trusted, problems = load_class(paths, course)
    results, counts = {}, {}
    for assignment in sorted(by_assignment, key=ASSIGNMENTS.index):
        subs = by_assignment[assignment]
        prepare(subs, trusted[assignment], k, window)
        results[assignment] = compare(subs, k, limit)
        counts[assignment] = len(subs)
    return results, counts, problems


def add_parser(sub) -> None:
    sim = sub.add_parser("similarity", help="rank pairs of students by how alike their "
                                            "solution cells are (an HTML report)")
    sim.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                     help="submissions: nbgrader's submitted/<student>/<assignment>/ tree "
                          "(default: submitted)")
    sim.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                     help="course root with the released notebooks in assignments/")
    sim.add_argument("--out", type=Path, default=OUTPUT / "similarity.html", metavar="FILE",
                     help=f"the HTML report (default: {OUTPUT}/similarity.html)")
    sim.add_argument("--top", type=int, default=20, metavar="N",
                     help="pairs per assignment shown side by side (default 20)")
    sim.add_argument("--results", type=Path, metavar="FILE",
                     help="the grades JSON of `grade --json`: students who fail a test with "
                          f"the same wrong answer are listed per assignment (default: "
                          f"{OUTPUT}/grades.json when there is one)")
    sim.add_argument("-k", type=int, default=K, metavar="TOKENS",
                     help=f"tokens in a k-gram (default {K})")
    sim.add_argument("--window", type=int, default=WINDOW, metavar="HASHES",
                     help=f"winnowing window (default {WINDOW})")
    sim.set_defaults(run=run)


def run(opts: argparse.Namespace) -> int:
    if opts.k < 2 or opts.window < 1 or opts.top < 0:
        print("error: -k >= 2, --window >= 1, --top >= 0", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        results, counts, problems = analyse(opts.paths or [Path("submitted")], opts.course,
                                            opts.k, opts.window, max(200, opts.top))
        results_file = opts.results
        if results_file is None and (OUTPUT / "grades.json").is_file():
            results_file = OUTPUT / "grades.json"     # the day's, as every other step reads
        wrong = shared_wrong_answers(results_file) if results_file else None
    except SimilarityError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(html_report(results, counts, opts.k, opts.top, problems, seconds, wrong),
                        encoding="utf-8")
    for line in problems:
        print(f"not compared: {one_line(line)}", file=sys.stderr)
    for assignment, pairs in results.items():
        print(f"{assignment}: {counts[assignment]} students; most similar pairs:")
        for p in pairs[:5]:
            print(f"  {100 * p.similarity:5.1f}%  {one_line(p.a.student)}  {one_line(p.b.student)}")
        for g in (wrong or {}).get(assignment, []):
            print(f"  same wrong answer in {one_line(g.test)}: "
                  f"{one_line(', '.join(g.students))}")
    print(f"wrote {opts.out} in {seconds:.1f} s")
    return 0
