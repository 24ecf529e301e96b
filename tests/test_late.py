"""The late policy: grace, per-day penalty, cap, time zones, nbgrader's timestamps."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from autograder.reports import late

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


def test_timestamp_next_to_the_graded_notebook_by_default(tmp_path):
    folder = tmp_path / "submitted" / "s1" / "relu"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-10-13 12:00:00 UTC", encoding="utf-8")
    results = [{"student": "s1", "assignment": "relu", "score": 10, "max_score": 10,
                "path": str(folder / "relu.ipynb")}]
    assert late.apply_policy(results, policy())[0].late.final == 9.0


def test_unreadable_timestamp_is_an_error_not_a_guess(tmp_path):
    (tmp_path / "s1" / "relu").mkdir(parents=True)
    (tmp_path / "s1" / "relu" / "timestamp.txt").write_text("soon", encoding="utf-8")
    with pytest.raises(late.LatePolicyError, match="timestamp.txt"):
        late.apply_policy([{"student": "s1", "assignment": "relu", "score": 1,
                            "max_score": 1}], policy(), tmp_path)


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
