"""Text that comes from a submission: made safe once where it enters, shown escaped.

Student code controls many strings the grader reports: exception types, messages and
tracebacks, what it prints, the values it returns, its notebook's cells, and the names of
its files and folders. Two layers deal with them, each in one place:

1. **At entry, `clean`**: every such string is made valid text before anything else sees
   it. Lone surrogates (from a `'\\ud800'` in a message, a JSON escape, or a file name that
   is not UTF-8) and NUL characters become U+FFFD; a valid surrogate pair becomes the
   character it encodes. After `clean`, a string encodes as UTF-8 without error and appears
   in strict JSON (RFC 8259). It is applied where text crosses into the grader: the wire
   (`wire.receive`, every string of every message, replies and errors alike), the child's
   printed output (as the grader takes it, `grading.GradingSession._attempt`), notebooks
   (`notebooks.read_notebook`: cell sources and labels) and paths
   (`grading.open_submission`: the student id, the path, error messages naming it).
   Everything else is left as it was: control characters are part of what the student's
   code did, and a data file (`--json`) keeps them (JSON escapes them).

2. **At display, `one_line` and `multi_line`**: each writer meant for eyes escapes the
   characters that act instead of showing, so that student text cannot move the cursor,
   overwrite a FAIL line with a fake PASS, retitle the window, hide what follows, or reorder
   a line: C0 and C1 controls (ESC, CR, BS, NUL, CSI...), DEL, Unicode format characters
   (bidi overrides and isolates such as U+202E, zero-width characters, BOM), line and
   paragraph separators, and any surrogate still present. Each is shown as its Python
   escape (`\\x1b`, `\\u202e`), visible and harmless. `one_line` escapes newlines and tabs too
   (table cells, the progress line, summary rows); `multi_line` keeps newlines and tabs
   (feedback bodies, where multi-line output is expected) and turns CRLF into a newline.
   The writers: the score table, the class summary and the progress line (report.py,
   progress.py), Markdown and HTML feedback (feedback.py, before their own escaping), the
   CSV and Gradescope's results.json (report.py), the gradebook comparison (gradebook.py)
   and the failure messages of the pytest front end (pytest_plugin.py). JSON is written by
   `dumps`: ASCII, `allow_nan=False` (a number that is not finite is written as null), and
   `clean` once more over the whole document, so it parses under a strict reader whoever
   built the result, and shows no raw control character when printed.

   In the score table and the summary a message (an error, a failed test's details) is
   shown line by line, each line `one_line` and indented under its row, so that no line
   of student text can pass for a row of the table.

3. **At the terminal**: the CLI prints characters its stdout's encoding lacks as backslash
   escapes (`cli.main`), so a terminal in ASCII or in the C locale cannot end a run.

The display layer does not rely on the entry layer: it escapes surrogates too, so no writer
fails on content even when a result was built by other code.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Iterable

REPLACEMENT = "\ufffd"

# Lone surrogates and NUL: what `clean` replaces.
_UNSAFE_AT_ENTRY = re.compile("[\x00\ud800-\udfff]")

# Characters that act instead of showing: Unicode categories Cc (controls), Cf (format:
# bidi, zero-width, BOM...), Cs (surrogates), Zl and Zp (line and paragraph separators).
# Listed by hand (reading unicodedata for the whole range at import would cost every
# process a fraction of a second); tests/test_attacks_text.py checks the list against
# unicodedata.
_OTHER_ACTING = (
    "\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_ONE_LINE = re.compile(f"[\x00-\x1f{_OTHER_ACTING}]")
_MULTI_LINE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHER_ACTING}]")   # keeps \t and \n
_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def clean(text: str) -> str:
    """`text` as valid Unicode: lone surrogates and NUL become U+FFFD, pairs are joined."""
    if not _UNSAFE_AT_ENTRY.search(text):
        return text
    if re.search("[\ud800-\udfff]", text):
        # UTF-16 round trip: a high and low surrogate in a row become one character,
        # what is left alone fails to decode and is replaced
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text.replace("\x00", REPLACEMENT)


def clean_data(data: Any) -> Any:
    """`data` (parsed JSON: dicts, lists, strings, numbers) with `clean` applied to every
    string, keys included."""
    if isinstance(data, str):
        return clean(data)
    if isinstance(data, list):
        return [clean_data(v) for v in data]
    if isinstance(data, dict):
        return {clean(k) if isinstance(k, str) else k: clean_data(v) for k, v in data.items()}
    return data


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def one_line(text: str) -> str:
    """`text` for a single-line place: every acting character escaped, newlines and tabs too."""
    return _ONE_LINE.sub(_escape, text)


def multi_line(text: str) -> str:
    """`text` for a multi-line place: acting characters escaped; newlines and tabs kept."""
    return _MULTI_LINE.sub(_escape, text.replace("\r\n", "\n"))


def summarised(lines: Iterable[str]) -> list[str]:
    """`lines` in their order with repeats folded into the first: `line (N times)`."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    return [line if n == 1 else f"{line} ({n} times)" for line, n in counts.items()]


def finite_or_none(data: Any) -> Any:
    """`data` with every float that is not finite (NaN, infinities) turned into None."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, list):
        return [finite_or_none(v) for v in data]
    if isinstance(data, tuple):
        return [finite_or_none(v) for v in data]
    if isinstance(data, dict):
        return {k: finite_or_none(v) for k, v in data.items()}
    return data


def dumps(data: Any) -> str:
    """Strict JSON (RFC 8259) in ASCII: strings cleaned, non-finite numbers as null."""
    return json.dumps(clean_data(finite_or_none(data)), indent=2, ensure_ascii=True,
                      allow_nan=False) + "\n"


# ---------------------------------------------------------------- spreadsheets

# A CSV cell that begins with one of these is run as a formula when the file is opened in
# Excel, LibreOffice Calc or Google Sheets (OWASP, "CSV Injection"): = + - @, tab, carriage
# return (and line feed), and the full-width forms some spreadsheets read alike.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n",
                 "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(cell: Any) -> str:
    """`cell` as CSV text that no spreadsheet runs: a cell that would start a formula gets
    a leading single quote (OWASP's advice; spreadsheets show the rest as text), a plain
    number such as -2 is left alone, and so is everything else. Idempotent."""
    text = "" if cell is None else str(cell)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """csv.writer whose every cell is `spreadsheet_safe`, but for the columns in `keep`:
    the ones an LMS matches students by, copied from the roster as they are (see
    reports/lms.py). Every CSV the project writes goes through it."""

    def __init__(self, fh, keep: Iterable[int] = ()):
        import csv
        self._writer = csv.writer(fh)
        self.keep = frozenset(keep)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(["" if cell is None else str(cell) if i in self.keep
                               else spreadsheet_safe(cell) for i, cell in enumerate(row)])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


# IPython magics: `%timeit`, `!ls`, a `%%` cell. The indent is matched within one line only
# (a pattern that may span line breaks backtracks over blank lines: quadratic in them).
_MAGIC = re.compile(r"^([^\S\n]*)[%!].*$", re.MULTILINE)


def strip_magics(source: str) -> str:
    """IPython magics and shell escapes are not Python; keep the line count, drop the effect."""
    if source.lstrip().startswith("%%"):
        return ""
    return _MAGIC.sub(lambda m: f"{m.group(1)}pass", source)
