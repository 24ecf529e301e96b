"""Late work: nbgrader's submission times against a course's late policy.

`nbgrader collect` copies each submission to `submitted/<student>/<assignment>/` with the
time the student submitted in `timestamp.txt`, written with nbgrader's `timestamp_format`
(default `%Y-%m-%d %H:%M:%S.%f %Z`, e.g. `2026-10-12 21:58:03.123456 UTC`; the zone is the
exchange's `timezone`, UTC unless configured). The policy is a small TOML file at the course
root (`late_policy.toml`):

    timezone = "Europe/Berlin"    # the zone of deadlines written without an offset
    grace_minutes = 15            # late by at most this much: on time
    penalty_per_day = 0.1         # a fraction of the assignment's points per day or part of one
    # penalty_per_day_points = 2  # ... or points per day (give exactly one of the two)
    max_penalty = 0.5             # the cap, in the same unit as the penalty (optional)
    nbgrader_timezone = "UTC"     # the exchange's timezone, for zone names like CEST (optional)

    [deadlines]
    week2 = "2026-10-12 23:59"    # keyed by assignment id (autograder/assignments.py)
    week3 = "2026-10-19T23:59:00+02:00"

A submission more than the grace period after its deadline is late by the number of started
days counted from the deadline itself (20 minutes late with 15 minutes' grace: one day). The
penalty is never more than the raw score, so the final score is raw - penalty >= 0. A
submission without a timestamp, or of an assignment without a deadline, gets no penalty and a
note saying why (nbgrader, too, treats a submission without a timestamp as on time).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..notebooks import NotebookError, read_bytes
from ..text import SafeCsvWriter, one_line

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

TIMESTAMP_FILE = "timestamp.txt"
TIMESTAMP_BYTES = 4096            # a timestamp.txt is one line; anything longer is not read
FRACTION, POINTS = "fraction", "points"
MAX_GRACE_MINUTES = 366 * 24 * 60   # a year: more is a mistake in the policy, not a grace
MAX_POINTS = 10_000                 # points per day, or a cap in points: beyond any assignment


class LatePolicyError(Exception):
    """A late policy or a timestamp that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class LatePolicy:
    deadlines: dict[str, datetime]          # assignment -> aware deadline
    penalty_per_day: float = 0.0
    unit: str = FRACTION                    # FRACTION of the max score, or POINTS
    max_penalty: float | None = None        # the cap, in `unit`
    grace: timedelta = timedelta(0)
    nbgrader_timezone: str = "UTC"


@dataclass(frozen=True)
class LateScore:
    """One submission's score under the policy; `raw - penalty == final`."""

    raw: float
    penalty: float
    final: float
    days_late: int
    submitted_at: datetime | None = None
    deadline: datetime | None = None
    note: str = ""
    problem: str = ""   # why the submission was not judged late (timestamp.txt unreadable)


@dataclass
class LateRow:
    """A result of the JSON export with its late-policy score."""

    student: str | None
    assignment: str
    max_score: float
    late: LateScore
    error: str | None = None
    extra: dict = field(default_factory=dict)
    status: str = ""        # the JSON's: graded, error, missing or unrecognized


def _zone(name: str, what: str) -> timezone | ZoneInfo:
    if name.upper() in ("UTC", "GMT", "Z"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise LatePolicyError(f"{what}: unknown time zone {name!r} "
                              "(use a name such as 'Europe/Berlin' or 'UTC')") from None


def parse_deadline(text: str, zone: timezone | ZoneInfo, what: str) -> datetime:
    """An ISO date and time; without an offset it is in `zone`."""
    try:
        when = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise LatePolicyError(f"{what}: {text!r} is not a date and time such as "
                              "'2026-10-12 23:59' or '2026-10-12T23:59:00+02:00'") from None
    return when if when.tzinfo else when.replace(tzinfo=zone)


def policy_from_dict(data: dict, where: str = "late policy") -> LatePolicy:
    """Check a parsed policy (the TOML file's tables) and build the LatePolicy."""
    known = {"timezone", "grace_minutes", "penalty_per_day", "penalty_per_day_points",
             "max_penalty", "nbgrader_timezone", "deadlines"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise LatePolicyError(f"{where}: unknown setting(s) {', '.join(unknown)} "
                              f"(known: {', '.join(sorted(known))})")
    zone = _zone(str(data.get("timezone", "UTC")), where)
    deadlines_raw = data.get("deadlines", {})
    if not isinstance(deadlines_raw, dict):
        raise LatePolicyError(f"{where}: [deadlines] must be a table of assignment = date")
    deadlines = {}
    for assignment, text in deadlines_raw.items():
        if isinstance(text, datetime):   # a TOML datetime literal
            deadlines[assignment] = text if text.tzinfo else text.replace(tzinfo=zone)
        else:
            deadlines[assignment] = parse_deadline(str(text), zone,
                                                   f"{where}, deadline of {assignment}")
    fraction = data.get("penalty_per_day")
    points = data.get("penalty_per_day_points")
    if fraction is not None and points is not None:
        raise LatePolicyError(f"{where}: give penalty_per_day (a fraction) or "
                              "penalty_per_day_points, not both")
    unit, per_day = (POINTS, points) if points is not None else (FRACTION, fraction or 0.0)
    cap = data.get("max_penalty")
    grace = data.get("grace_minutes", 0)
    penalty_name = "penalty_per_day_points" if unit == POINTS else "penalty_per_day"
    for name, value, top in ((penalty_name, per_day, MAX_POINTS), ("max_penalty", cap, MAX_POINTS),
                             ("grace_minutes", grace, MAX_GRACE_MINUTES)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not _finite(value) or value < 0:
            raise LatePolicyError(f"{where}: {name} must be a number >= 0, not "
                                  f"{_shown(value)}")
        if value > top:
            raise LatePolicyError(f"{where}: {name} = {_shown(value)} is more than it can "
                                  f"sensibly be (at most {top:g})")
    if unit == FRACTION and (per_day > 1 or (cap is not None and cap > 1)):
        raise LatePolicyError(f"{where}: penalty_per_day and max_penalty are fractions of the "
                              "points (0.1 = 10%); use penalty_per_day_points for points")
    tz_name = str(data.get("nbgrader_timezone", "UTC"))
    _zone(tz_name, where)
    return LatePolicy(deadlines=deadlines, penalty_per_day=float(per_day), unit=unit,
                      max_penalty=None if cap is None else float(cap),
                      grace=timedelta(minutes=float(grace)), nbgrader_timezone=tz_name)


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:   # an int too large for a float
        return False


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def load_policy(path: str | Path) -> LatePolicy:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LatePolicyError(f"cannot read the late policy {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LatePolicyError(f"{path} is not valid TOML: {exc}") from None
    return policy_from_dict(data, str(path))


_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


def parse_timestamp(text: str, default_zone: str = "UTC") -> datetime:
    """A time as nbgrader writes it (`%Y-%m-%d %H:%M:%S.%f %Z`), or ISO 8601.

    The zone after the time may be UTC, an offset (+0200), an IANA name, or an abbreviation
    such as CEST: that one is accepted only when it is what `default_zone` (the exchange's
    timezone) calls itself at that time, since abbreviations are ambiguous (IST, CST).
    A time without a zone is in `default_zone`.
    """
    text = text.strip()
    if not text:
        raise LatePolicyError("empty timestamp")
    parts = text.rsplit(" ", 1)
    stamp, zone_text = (parts[0], parts[1]) if len(parts) == 2 and not parts[1][:1].isdigit() \
        else (text, "")
    try:
        when = datetime.fromisoformat(stamp.strip())
    except ValueError:
        raise LatePolicyError(f"{text!r} is not a time as nbgrader writes it "
                              "('2026-10-12 21:58:03.123456 UTC')") from None
    if when.tzinfo is not None:
        if zone_text:
            raise LatePolicyError(f"{text!r} names its zone twice")
        return when
    default = _zone(default_zone, "nbgrader_timezone")
    if not zone_text:
        return when.replace(tzinfo=default)
    offset = _OFFSET.match(zone_text)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        return when.replace(tzinfo=timezone(sign * delta))
    if zone_text.upper() in ("UTC", "GMT", "Z"):
        return when.replace(tzinfo=timezone.utc)
    if "/" in zone_text:
        return when.replace(tzinfo=_zone(zone_text, f"timestamp {text!r}"))
    local = when.replace(tzinfo=default)
    if local.tzname() == zone_text:
        return local
    raise LatePolicyError(f"timestamp {text!r}: the zone {zone_text!r} is not what "
                          f"nbgrader_timezone {default_zone!r} is called at that time "
                          f"({local.tzname()}); set nbgrader_timezone to the exchange's zone")


def read_timestamp(folder: str | Path, default_zone: str = "UTC") -> datetime | None:
    """The time in `folder/timestamp.txt`, or None if there is no such file.

    The file is the student's (nbgrader copies it from the submission), so it is opened as a
    submitted notebook is (notebooks.read_bytes): a regular file only, never through a
    symbolic link, never waiting on a named pipe, at most TIMESTAMP_BYTES. LatePolicyError,
    with a short message that never quotes more than the first characters of the file,
    when it cannot be read or is not a time."""
    path = Path(folder) / TIMESTAMP_FILE
    if not os.path.lexists(path):
        return None
    try:
        data = read_bytes(path, follow_links=False, limit=TIMESTAMP_BYTES,
                          what="a timestamp.txt")
        text = data.decode("utf-8")
    except NotebookError as exc:
        raise LatePolicyError(one_line(str(exc))) from None
    except UnicodeDecodeError:
        raise LatePolicyError(f"{one_line(str(path))}: not UTF-8 text") from None
    if len(text.strip()) > 80:
        raise LatePolicyError(f"{one_line(str(path))}: {len(text)} characters, not a time as "
                              "nbgrader writes it ('2026-10-12 21:58:03.123456 UTC')")
    try:
        return parse_timestamp(text, default_zone)
    except LatePolicyError as exc:
        raise LatePolicyError(f"{one_line(str(path))}: {one_line(str(exc))}") from None


def days_late(submitted_at: datetime, deadline: datetime, grace: timedelta) -> int:
    """0 up to the end of the grace period, else the started days since the deadline."""
    late = submitted_at - deadline
    if late <= grace:
        return 0
    return math.ceil(late / timedelta(days=1))


def late_score(raw: float, max_score: float, submitted_at: datetime | None,
               assignment: str, policy: LatePolicy) -> LateScore:
    """Raw score, penalty, final score and days late of one submission."""
    deadline = policy.deadlines.get(assignment)
    if deadline is None:
        return LateScore(raw, 0.0, raw, 0, submitted_at, None,
                         f"no deadline for {assignment} in the late policy")
    if submitted_at is None:
        return LateScore(raw, 0.0, raw, 0, None, deadline,
                         "no timestamp.txt: not judged late")
    days = days_late(submitted_at, deadline, policy.grace)
    per_day = policy.penalty_per_day * (max_score if policy.unit == FRACTION else 1.0)
    penalty = days * per_day
    if policy.max_penalty is not None:
        cap = policy.max_penalty * (max_score if policy.unit == FRACTION else 1.0)
        penalty = min(penalty, cap)
    penalty = round(min(penalty, max(raw, 0.0)), 6)
    note = "" if days == 0 else f"{days} day{'s' if days != 1 else ''} late"
    if days and penalty < round(days * per_day, 6):
        note += " (penalty capped)"
    return LateScore(raw, penalty, round(raw - penalty, 6), days, submitted_at, deadline, note)


def submission_folder(result: dict, submitted: Path | None) -> Path | None:
    """Where a result's timestamp.txt is: submitted/<student>/<assignment>/ when `submitted`
    is given, else the folder of the graded notebook (`path` in the JSON)."""
    if submitted is not None:
        if not result.get("student"):
            return None
        return Path(submitted) / str(result["student"]) / str(result["assignment"])
    path = result.get("path")
    return Path(path).parent if path else None


def apply_policy(results: Iterable[dict], policy: LatePolicy,
                 submitted: str | Path | None = None) -> list[LateRow]:
    """Each result of the JSON export (`{"student", "assignment", "path", "score",
    "max_score", "error", ...}`) with its raw score, penalty and final score.

    A submission that could not be graded keeps its score (0) and error. A timestamp.txt
    that cannot be read (a named pipe, a link, garbage: the student's file) costs that
    submission its late judgement, never the others: no penalty, and `late.problem` says
    why, for its row in every report (a guess would charge or forgive silently).
    """
    rows = []
    for result in results:
        folder = submission_folder(result, Path(submitted) if submitted else None)
        # a JSON already scored by `grade --late-policy` keeps its raw score apart
        raw = float(result.get("raw_score", result.get("score")) or 0.0)
        max_score = float(result.get("max_score") or 0.0)
        status = str(result.get("status") or "")
        if status in UNSUBMITTED:   # nothing was handed in (or could be found): no time
            rows.append(LateRow(student=result.get("student"), assignment=result["assignment"],
                                max_score=max_score, error=result.get("error"), status=status,
                                late=LateScore(raw, 0.0, raw, 0, None,
                                               policy.deadlines.get(result["assignment"]),
                                               "")))
            continue
        try:
            when = read_timestamp(folder, policy.nbgrader_timezone) if folder else None
            score = late_score(raw, max_score, when, result["assignment"], policy)
        except LatePolicyError as exc:
            problem = f"{exc}: not judged late"
            score = LateScore(raw, 0.0, raw, 0, None, policy.deadlines.get(result["assignment"]),
                              problem, problem)
        rows.append(LateRow(student=result.get("student"), assignment=result["assignment"],
                            max_score=max_score, late=score, error=result.get("error"),
                            status=status))
    return rows


# the JSON's status of a pair with no submission graded, and what the late CSV says of it
UNSUBMITTED = {"missing": "missing: no submission",
               "unrecognized": "unrecognized: nothing in the submission folder could be graded"}


def write_late_csv(rows: list[LateRow], path: str | Path) -> None:
    """One row per submission: when it came, how late, raw score, penalty, final score
    (every cell spreadsheet-safe: text.SafeCsvWriter)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = SafeCsvWriter(fh)
        writer.writerow(["student", "assignment", "submitted_at", "deadline", "days_late",
                         "raw_score", "penalty", "final_score", "max_score", "note"])
        for row in rows:
            late = row.late
            writer.writerow([row.student or "", row.assignment,
                             late.submitted_at.isoformat() if late.submitted_at else "",
                             late.deadline.isoformat() if late.deadline else "",
                             late.days_late, _num(late.raw), _num(late.penalty),
                             _num(late.final), _num(row.max_score),
                             UNSUBMITTED.get(row.status) or
                             "; ".join(x for x in (late.note, row.error and
                                                   "could not be graded") if x)])


def _num(x: float) -> str:
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
