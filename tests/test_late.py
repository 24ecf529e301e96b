"""The late policy: grace, per-day penalty, cap, time zones, nbgrader's timestamps."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import toy_course
from backprop_lab.reports import late

UTC = timezone.utc
DEADLINE = datetime(2026, 10, 12, 23, 59, tzinfo=UTC)


def policy(**kw) -> late.LatePolicy:
    data = {"timezone": "UTC", "penalty_per_day": 0.1, "grace_minutes": 15,
            "deadlines": {"relu": "2026-10-12 23:59"}, **kw}
    return late.policy_from_dict(data)


def score(p, after: timedelta, raw=8.0, max_score=10.0) -> late.LateScore:
    return late.late_score(raw, max_score, DEADLINE + after, "relu", p)


def test_on_time_and_within_grace_have_no_penalty():
    p = policy()
    assert score(p, -timedelta(hours=3)) == late.LateScore(8.0, 0.0, 8.0, 0,
                                                            DEADLINE - timedelta(hours=3),
                                                            DEADLINE, "")
    assert score(p, timedelta(minutes=15)).penalty == 0.0
    assert score(p, timedelta(minutes=15, seconds=1)).days_late == 1


def test_penalty_per_started_day_counted_from_the_deadline():
    p = policy()
    one = score(p, timedelta(minutes=20))
    assert (one.days_late, one.penalty, one.final) == (1, 1.0, 7.0)
    assert one.raw - one.penalty == one.final
    three = score(p, timedelta(days=2, hours=1))
    assert (three.days_late, three.penalty, three.final) == (3, 3.0, 5.0)


def test_cap_and_penalty_never_below_zero():
    capped = score(policy(max_penalty=0.25), timedelta(days=5))
    assert (capped.days_late, capped.penalty, capped.final) == (5, 2.5, 5.5)
    assert "capped" in capped.note
    low = score(policy(), timedelta(days=9), raw=3.0)
    assert (low.penalty, low.final) == (3.0, 0.0)


def test_points_per_day():
    p = policy(penalty_per_day=None, penalty_per_day_points=1.5, max_penalty=4)
    assert score(p, timedelta(days=1, minutes=1)).penalty == 3.0
    assert score(p, timedelta(days=7)).penalty == 4.0


def test_deadline_in_the_course_timezone():
    p = late.policy_from_dict({"timezone": "Europe/Berlin", "penalty_per_day": 0.5,
                               "deadlines": {"relu": "2026-07-01 23:59"}})
    assert p.deadlines["relu"] == datetime(2026, 7, 1, 21, 59, tzinfo=UTC)   # CEST = UTC+2
    before = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)     # 23:30 in Berlin: on time
    after = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)      # 00:30 in Berlin: late
    assert late.late_score(10, 10, before, "relu", p).days_late == 0
    assert late.late_score(10, 10, after, "relu", p).days_late == 1


def test_nbgrader_timestamps():
    assert late.parse_timestamp("2026-10-12 21:58:03.123456 UTC") == \
        datetime(2026, 10, 12, 21, 58, 3, 123456, tzinfo=UTC)
    assert late.parse_timestamp("2026-10-12 21:58:03 +0200") == \
        datetime(2026, 10, 12, 19, 58, 3, tzinfo=UTC)
    assert late.parse_timestamp("2026-10-12T21:58:03+02:00") == \
        datetime(2026, 10, 12, 19, 58, 3, tzinfo=UTC)
    # an abbreviation is read only as the exchange's configured zone calls itself
    assert late.parse_timestamp("2026-07-01 10:00:00.5 CEST", "Europe/Berlin") == \
        datetime(2026, 7, 1, 10, 0, 0, 500000, tzinfo=ZoneInfo("Europe/Berlin"))
    with pytest.raises(late.LatePolicyError, match="not what nbgrader_timezone"):
        late.parse_timestamp("2026-07-01 10:00:00 IST", "Europe/Berlin")
    with pytest.raises(late.LatePolicyError, match="not a time as nbgrader writes it"):
        late.parse_timestamp("yesterday")


def test_missing_timestamp_and_missing_deadline_are_noted_not_penalised(tmp_path):
    p = policy()
    results = [{"student": "s1", "assignment": "relu", "score": 5, "max_score": 10},
               {"student": "s2", "assignment": "relu", "score": 6, "max_score": 10},
               {"student": "s2", "assignment": "rnn", "score": 4, "max_score": 10}]
    (tmp_path / "s2" / "relu").mkdir(parents=True)
    (tmp_path / "s2" / "relu" / "timestamp.txt").write_text(
        "2026-10-14 09:00:00.000000 UTC\n", encoding="utf-8")
    (tmp_path / "s2" / "rnn").mkdir(parents=True)
    (tmp_path / "s2" / "rnn" / "timestamp.txt").write_text(
        "2026-12-01 09:00:00.000000 UTC\n", encoding="utf-8")
    rows = late.apply_policy(results, p, tmp_path)
    assert (rows[0].late.penalty, rows[0].late.note) == (0.0, "no timestamp.txt: not judged late")
    assert (rows[1].late.days_late, rows[1].late.penalty, rows[1].late.final) == (2, 2.0, 4.0)
    assert rows[2].late.penalty == 0.0 and "no deadline for rnn" in rows[2].late.note


def test_the_late_csv_calls_missing_work_missing(tmp_path):
    """A student with no submission has no timestamp.txt and was not 'graded': the row says
    missing (or unrecognized), not 'no timestamp.txt ...; could not be graded'."""
    results = [{"student": "s4", "assignment": "relu", "score": 0, "max_score": 10,
                "status": "missing", "error": "missing: no submission in submitted/s4/relu"},
               {"student": "s5", "assignment": "relu", "score": 0, "max_score": 10,
                "status": "unrecognized",
                "error": "nothing in the submission folder could be graded: x.ipynb: ..."},
               {"student": "s6", "assignment": "relu", "score": 0, "max_score": 10,
                "error": "relu.ipynb is not a valid notebook"}]
    late.write_late_csv(late.apply_policy(results, policy(), tmp_path), tmp_path / "late.csv")
    with open(tmp_path / "late.csv", newline="", encoding="utf-8") as fh:
        notes = {row["student"]: row["note"] for row in csv.DictReader(fh)}
    assert notes["s4"] == "missing: no submission"
    assert notes["s5"] == "unrecognized: nothing in the submission folder could be graded"
    assert notes["s6"] == "no timestamp.txt: not judged late; could not be graded"


def test_timestamp_next_to_the_graded_notebook_by_default(tmp_path):
    folder = tmp_path / "submitted" / "s1" / "relu"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-10-13 12:00:00 UTC", encoding="utf-8")
    results = [{"student": "s1", "assignment": "relu", "score": 10, "max_score": 10,
                "path": str(folder / "relu.ipynb")}]
    assert late.apply_policy(results, policy())[0].late.final == 9.0


def test_unreadable_timestamp_is_reported_not_guessed(tmp_path):
    (tmp_path / "s1" / "relu").mkdir(parents=True)
    (tmp_path / "s1" / "relu" / "timestamp.txt").write_text("soon", encoding="utf-8")
    [row] = late.apply_policy([{"student": "s1", "assignment": "relu", "score": 1,
                                "max_score": 1}], policy(), tmp_path)
    assert (row.late.penalty, row.late.final) == (0.0, 1.0)
    assert "timestamp.txt" in row.late.problem and "not judged late" in row.late.problem


@pytest.mark.parametrize("bad, message", [
    ({"penalty_per_day": 10}, "fractions of the points"),
    ({"penalty_per_day": -0.1}, "must be a number >= 0"),
    ({"penalty_per_day_points": 1}, "not both"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"deadlines": {"relu": "next friday"}}, "is not a date and time"),
    ({"grace": 5}, "unknown setting"),
])
def test_bad_policies_are_refused_with_the_reason(bad, message):
    with pytest.raises(late.LatePolicyError, match=message):
        policy(**bad)


def test_policy_file(tmp_path):
    path = tmp_path / "late_policy.toml"
    path.write_text('timezone = "America/New_York"\ngrace_minutes = 5\n'
                    'penalty_per_day_points = 2\nmax_penalty = 6\n'
                    '[deadlines]\nrelu = "2026-01-15 17:00"\nrnn = 2026-01-20T17:00:00Z\n',
                    encoding="utf-8")
    p = late.load_policy(path)
    assert p.deadlines["relu"] == datetime(2026, 1, 15, 22, 0, tzinfo=UTC)   # EST = UTC-5
    assert p.deadlines["rnn"] == datetime(2026, 1, 20, 17, 0, tzinfo=UTC)
    assert (p.unit, p.penalty_per_day, p.max_penalty, p.grace) == \
        (late.POINTS, 2.0, 6.0, timedelta(minutes=5))


# ---------------------------------------------------------------- absurd policies

@pytest.mark.parametrize("bad", [
    {"grace_minutes": 1e300}, {"grace_minutes": 10 ** 400}, {"grace_minutes": float("inf")},
    {"grace_minutes": float("nan")}, {"grace_minutes": -5}, {"grace_minutes": "15"},
    {"penalty_per_day": None, "penalty_per_day_points": 1e300},
    {"max_penalty": float("inf")}, {"penalty_per_day": True},
])
def test_absurd_policy_values_are_a_clear_error(bad):
    with pytest.raises(late.LatePolicyError) as info:
        policy(**bad)
    assert "late policy" in str(info.value)


def test_absurd_policy_file_is_a_usage_error_without_a_traceback(tmp_path):
    toy_course.make_course(tmp_path)
    path = toy_course.write_submission(tmp_path, "alice")
    (path.parent / "timestamp.txt").write_text("2026-10-06 08:00:00 UTC")
    for text in ("grace_minutes = 1e300\n", "grace_minutes = inf\n", "grace_minutes = -1\n",
                 'grace_minutes = "soon"\n', "penalty_per_day_points = 1e300\n"):
        (tmp_path / "late.toml").write_text(text + LATE_POLICY)
        proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", "submitted",
                               "--hidden", "--late-policy", "late.toml"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, text + proc.stderr
        assert "Traceback" not in proc.stderr and "late.toml" in proc.stderr, proc.stderr


# ---------------------------------------------------------------- student-controlled timestamp.txt

LATE_POLICY = """
penalty_per_day = 0.1
[deadlines]
staged = "2026-10-05 23:59"
"""
ON_TIME, TWO_DAYS = "2026-10-05 21:00:00.000000 UTC", "2026-10-07 08:00:00.000000 UTC"


def _grade_late_class(tmp_path: Path, bad: dict) -> tuple[subprocess.CompletedProcess, dict]:
    """alice on time, bob two days late, and one student per entry of `bad` whose
    timestamp.txt is made by the function given; graded with the late policy."""
    toy_course.make_course(tmp_path)
    for student, stamp in (("alice", ON_TIME), ("bob", TWO_DAYS)):
        path = toy_course.write_submission(tmp_path, student)
        (path.parent / "timestamp.txt").write_text(stamp)
    for student, make in bad.items():
        path = toy_course.write_submission(tmp_path, student)
        make(path.parent / "timestamp.txt")
    (tmp_path / "late.toml").write_text(LATE_POLICY)
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", "submitted", "--hidden",
                           "--late-policy", "late.toml", "--json", "grades.json", "--csv",
                           "grades.csv", "--feedback", "fb", "--jobs", "1"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    subs = {}
    if (tmp_path / "grades.json").exists():
        subs = {s["student"]: s for s in
                json.loads((tmp_path / "grades.json").read_text())["submissions"]}
    return proc, subs


def _fifo(path: Path) -> None:
    os.mkfifo(path)


SECRET = "root-only-secret-7f3a9c"


def _link_to_secret(path: Path) -> None:
    secret = path.parent.parent.parent.parent / "secret.txt"
    secret.write_text(f"2026-10-05 21:00:00 UTC {SECRET}\n")
    secret.chmod(0o600)
    path.symlink_to(secret)


def _garbage(path: Path) -> None:
    path.write_bytes(b"\xff\xfe not a time \x1b[2J" + b"x" * 10 ** 6)


@pytest.mark.parametrize("make", [_fifo, _link_to_secret, _garbage],
                         ids=["named-pipe", "symlink-to-a-root-only-file", "garbage"])
def test_a_bad_timestamp_costs_only_its_submission_its_late_judgement(tmp_path, make):
    proc, subs = _grade_late_class(tmp_path, {"mallory": make})
    assert proc.returncode == 0, proc.stderr
    # the class is graded and judged as before
    assert (subs["alice"]["late_penalty"], subs["alice"]["score"]) == (0, 5)
    assert (subs["bob"]["days_late"], subs["bob"]["late_penalty"], subs["bob"]["score"]) == \
        (2, 1, 4)
    # mallory is graded, not judged late, and the reason is in her row, JSON and the output
    mallory = subs["mallory"]
    assert mallory["score"] == mallory["raw_score"] == 5 and mallory["late_penalty"] == 0
    assert "timestamp.txt" in mallory["late_error"] and "not judged late" in mallory["late_error"]
    rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "grades.csv"))}
    assert rows["mallory"]["late_error"] == mallory["late_error"]
    assert rows["bob"]["late_error"] == ""
    assert "mallory" in proc.stderr and "not judged late" in proc.stderr
    everything = proc.stdout + proc.stderr + (tmp_path / "grades.json").read_text() + \
        (tmp_path / "grades.csv").read_text() + (tmp_path / "fb" / "mallory" / "staged.md").read_text()
    assert SECRET not in everything
    assert len(mallory["late_error"]) < 400   # a megabyte of garbage is not repeated


def test_late_policy_in_lms_survives_a_named_pipe(tmp_path):
    """`lms --late-policy` reads the timestamps too: a named pipe costs its row only."""
    folder = tmp_path / "s1" / "relu"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "timestamp.txt")
    done = []   # in a thread: on a reader that waits for a writer, the test fails, not hangs
    thread = threading.Thread(target=lambda: done.append(late.apply_policy(
        [{"student": "s1", "assignment": "relu", "score": 1, "max_score": 1}], policy(),
        tmp_path)), daemon=True)
    thread.start()
    thread.join(timeout=20)
    if thread.is_alive():   # let the waiting reader go: open the pipe for writing once
        os.close(os.open(folder / "timestamp.txt", os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a named pipe as timestamp.txt waited for a writer")
    [row] = done[0]
    assert row.late.penalty == 0 and "not judged late" in row.late.problem
