"""The similarity check: normalised tokens, the given code ignored, a disguised copy ranked
first in a small class, and a report that shows hostile code as text."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import pytest
import toy_course

from backprop_lab import cli
from conftest import wall_bound
from backprop_lab.reports import similarity as sim

STUB = "def {name}(*args):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"

# Honest students: each writes the three toy functions their own way.
HONEST = {
    "ana": {
        "double": "def double(x):\n    out = np.empty_like(x)\n    for i in range(len(x)):\n"
                  "        out[i] = x[i] * 2\n    return out\n",
        "pair": "def pair(x):\n    first = np.array(x, copy=True)\n    second = first + 0\n"
                "    return first, second\n",
        "scale_dict": "def scale_dict(d, k):\n    result = {}\n    for name in sorted(d):\n"
                      "        result[name] = np.multiply(d[name], k)\n    return result\n",
    },
    "ben": {
        "double": "def double(x):\n    return x + x\n",
        "pair": "def pair(x):\n    return x.copy(), x.copy()\n",
        "scale_dict": "def scale_dict(d, k):\n    return {key: v * k for key, v in d.items()}\n",
    },
    "cai": {
        "double": "def double(x):\n    y = 2.0 * np.asarray(x, dtype=float)\n    return y\n",
        "pair": "def pair(x):\n    a = np.copy(x)\n    b = np.copy(x)\n    assert a is not b\n"
                "    return a, b\n",
        "scale_dict": "def scale_dict(d, k):\n    keys = list(d.keys())\n"
                      "    vals = [d[q] * float(k) for q in keys]\n    return dict(zip(keys, vals))\n",
    },
    "dee": {
        "double": "def double(x):\n    return np.multiply(x, 2)\n",
        "pair": "def pair(x):\n    import copy\n    return copy.deepcopy(x), copy.deepcopy(x)\n",
        "scale_dict": "def scale_dict(d, k):\n    new = dict()\n    for key, value in d.items():\n"
                      "        new[key] = value * k\n    return new\n",
    },
    "eli": {
        "double": "def double(x):\n    result = x * 2\n    if result.dtype != np.float64:\n"
                  "        result = result.astype(np.float64)\n    return result\n",
        "pair": "def pair(x):\n    out = [x.copy() for _ in range(2)]\n    return out[0], out[1]\n",
        "scale_dict": "def scale_dict(d, k):\n    return dict((name, arr * k) for name, arr in "
                      "d.items())\n",
    },
}

# ana's code with every variable renamed, two independent lines swapped, comments changed
COPY = {
    "double": "def double(x):\n    # double each entry\n    res = np.empty_like(x)\n"
              "    for j in range(len(x)):\n        res[j] = x[j] * 2  # times two\n    return res\n",
    "pair": "def pair(x):\n    one = np.array(x, copy=True)\n    two = one + 0\n"
            "    # two new arrays\n    return one, two\n",
    "scale_dict": "def scale_dict(d, k):\n    # scale every array\n    out = {}\n"
                  "    for key in sorted(d):\n        out[key] = np.multiply(d[key], k)\n"
                  "    return out\n",
}


def make_class(root: Path, students: dict[str, dict[str, str]]) -> Path:
    """A course with the toy assignment released as stubs, and the students' notebooks in
    submitted/<student>/staged/staged.ipynb."""
    stubs = {name: STUB.format(name=name) for name in toy_course.SOLUTIONS}
    released = toy_course.student_copy(toy_course.build(stubs))
    path = root / "assignments" / toy_course.ASSIGNMENT / f"{toy_course.ASSIGNMENT}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(released, path)
    for student, code in students.items():
        nb = toy_course.student_copy(toy_course.build(code))
        target = root / "submitted" / student / toy_course.ASSIGNMENT / "staged.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    return root


def test_renamed_variables_and_changed_comments_give_the_same_tokens():
    original = "def f(a, b):\n    total = a + b  # sum\n    return total * 2.0\n"
    disguised = "def f(x, y):\n    # add them\n    s = x + y\n\n    return s * 3  # twice\n"
    assert [t.text for t in sim.tokens(original)] == [t.text for t in sim.tokens(disguised)]
    # names the notebook gives stay, so calling another function is another token
    other = "def f(a, b):\n    total = np.add(a, b)\n    return total * 2.0\n"
    assert [t.text for t in sim.tokens(other, frozenset({"np"}))] != \
        [t.text for t in sim.tokens(original, frozenset({"np"}))]


def test_winnowing_keeps_a_fingerprint_of_every_long_enough_shared_run():
    toks = sim.tokens("x = [1, 2, 3]\nfor i in range(10):\n    y = x[i] + i * 2\n"
                      "    print(y, i, x)\n")
    prints = sim.winnow(toks, k=4, window=3)
    hashes = sim.kgram_hashes([t.text for t in toks], 4)
    chosen = sorted(p for positions in prints.values() for p in positions)
    # each window of 3 consecutive k-grams holds a chosen one
    assert all(any(start <= p < start + 3 for p in chosen)
               for start in range(len(hashes) - 2))
    assert all(hashes[p] == h for h, positions in prints.items() for p in positions)


def test_half_written_code_is_still_compared():
    assert [t.text for t in sim.tokens("def f(x):\n    return (x +\n")][:6] == \
        ["def", "N", "(", "N", ")", ":"]


def test_disguised_copy_ranks_first(tmp_path):
    root = make_class(tmp_path, {**HONEST, "zed": COPY})
    results, counts, problems = sim.analyse([root / "submitted"], root)
    pairs = results["staged"]
    assert counts == {"staged": 6} and problems == []
    top = pairs[0]
    assert {top.a.student, top.b.student} == {"ana", "zed"}
    assert top.similarity > 0.8
    assert all(p.similarity < top.similarity - 0.3 for p in pairs[1:])


# One line written alike in several functions: its fingerprint is found in several places.
REPEATED = {
    "double": "def double(x):\n    out = np.array(x, copy=True)\n    out = out + out\n"
              "    return out\n",
    "pair": "def pair(x):\n    out = np.array(x, copy=True)\n    res = np.array(x, copy=True)\n"
            "    return out, res\n",
    "scale_dict": "def scale_dict(d, k):\n    out = {}\n    for key in sorted(d):\n"
                  "        out[key] = np.array(d[key], copy=True) * k\n    return out\n",
}


def test_identical_code_is_numbered_alike_on_both_sides(tmp_path):
    """The side-by-side view numbers the shared regions alike on both sides: a line repeated
    in two functions took the first region's number wherever it stood on the right."""
    root = make_class(tmp_path, {**HONEST, "ann": REPEATED, "bob": REPEATED})
    results, _, _ = sim.analyse([root / "submitted"], root)
    (pair,) = [p for p in results["staged"] if {p.a.student, p.b.student} == {"ann", "bob"}]
    marks_a, marks_b = sim.regions(pair, sim.K)
    assert len(set(marks_a.values())) > 1
    assert marks_a == marks_b
    # a disguised copy: every line of the copy that is marked takes a region of the original
    (top,) = [p for p in sim.analyse([make_class(tmp_path / "c", {**HONEST, "zed": COPY})
                                      / "submitted"], tmp_path / "c")[0]["staged"]
              if {p.a.student, p.b.student} == {"ana", "zed"}]
    marks_a, marks_b = sim.regions(top, sim.K)
    assert marks_b and set(marks_b.values()) <= set(marks_a.values())


def test_given_code_is_not_evidence(tmp_path):
    """Two students who left every stub as released share nothing of their own."""
    stubs = {name: STUB.format(name=name) for name in toy_course.SOLUTIONS}
    root = make_class(tmp_path, {"ana": HONEST["ana"], "ben": HONEST["ben"],
                                 "st1": stubs, "st2": stubs})
    results, _, _ = sim.analyse([root / "submitted"], root)
    assert not [p for p in results["staged"] if {p.a.student, p.b.student} == {"st1", "st2"}]


HOSTILE = ("def double(x):\n    s = '</code></td></tr></table><script>alert(1)</script>'\n"
           "    t = \"<img src=x onerror=alert(2)>\"  # \u202e evil\n"
           "    return x * 2 if s and t else x\n")


def test_report_shows_hostile_code_and_names_as_text(tmp_path):
    code = {**HONEST["ana"], "double": HOSTILE}
    root = make_class(tmp_path, {"<b>mallory</b>": code, "trudy\"'><x>": code,
                                 "ben": HONEST["ben"]})
    out = tmp_path / "report.html"
    assert cli.main(["similarity", str(root / "submitted"), "--course", str(root),
                     "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<b>mallory" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;mallory&lt;/b&gt;" in page and "trudy&quot;&#x27;&gt;&lt;x&gt;" in page
    assert "\u202e" not in page and "\u27e8U+202E\u27e9" in page
    # the two identical submissions are the top pair, shown side by side with marked lines
    assert page.count("class=\"m0\"") >= 2


def test_unrecognised_and_ambiguous_notebooks_are_reported(tmp_path, capsys):
    root = make_class(tmp_path, {"ana": HONEST["ana"], "ben": HONEST["ben"]})
    (root / "submitted" / "ana" / "notes.ipynb").write_text("{}", encoding="utf-8")
    extra = root / "submitted" / "ben" / "staged" / "staged (1).ipynb"
    extra.write_bytes((root / "submitted" / "ben" / "staged" / "staged.ipynb").read_bytes())
    _, counts, problems = sim.analyse([root / "submitted"], root)
    assert counts == {"staged": 2}
    # in the words of `grade`, which follows the same rules (notebooks.discover)
    assert any("notes.ipynb: not a submission" in p for p in problems)
    assert any("staged (1).ipynb: not the submission: staged.ipynb in the same folder is"
               in p for p in problems)


@pytest.mark.parametrize("args", [["-k", "1"], ["--window", "0"]])
def test_bad_parameters_are_refused(tmp_path, args, capsys):
    assert cli.main(["similarity", str(tmp_path), "--out", str(tmp_path / "r.html"),
                     *args]) == 2


# ================================================================ the grader's file rules

def test_a_link_to_a_classmates_notebook_frames_nobody(tmp_path):
    """A student folder holding a link to another's notebook (or into source/) is not read:
    it is listed as not compared, as `grade` lists it."""
    root = make_class(tmp_path, {"ana": HONEST["ana"], "ben": HONEST["ben"],
                                 "cai": HONEST["cai"]})
    secret = root / "source" / "staged"
    secret.mkdir(parents=True)
    nbformat.write(toy_course.build(COPY), secret / "staged.ipynb")
    for student, target in (("mal", root / "submitted" / "ana" / "staged" / "staged.ipynb"),
                            ("eve", secret / "staged.ipynb")):
        (root / "submitted" / student / "staged").mkdir(parents=True)
        (root / "submitted" / student / "staged" / "staged.ipynb").symlink_to(target)
    (root / "submitted" / "lnk").symlink_to(secret.parent, target_is_directory=True)
    results, counts, problems = sim.analyse([root / "submitted"], root)
    assert counts == {"staged": 3}
    students = {s for p in results["staged"] for s in (p.a.student, p.b.student)}
    assert students <= {"ana", "ben", "cai"}
    assert sum("link" in p for p in problems) >= 2, problems


def test_a_huge_notebook_is_capped_and_said_so(tmp_path):
    """Two notebooks of megabytes of code cost seconds, not minutes, and a page of bounded
    size, which says what was left out."""
    huge = {**HONEST["ana"],
            "double": "def double(x):\n" + "".join(f"    y{i} = x * {i} + np.sum(x)\n"
                                                   for i in range(120_000)) + "    return y1\n"}
    root = make_class(tmp_path, {"ana": huge, "ben": huge, "cai": HONEST["cai"]})
    assert (root / "submitted" / "ana" / "staged" / "staged.ipynb").stat().st_size > 4e6
    out = tmp_path / "r.html"
    start = time.monotonic()
    assert cli.main(["similarity", str(root / "submitted"), "--course", str(root),
                     "--out", str(out)]) == 0
    assert time.monotonic() - start < wall_bound(15)
    page = out.read_text(encoding="utf-8")
    assert len(page) < 2 * 1024 * 1024
    assert f"first {sim.MAX_CODE_CHARS:,} characters" in page
    top = sim.analyse([root / "submitted"], root)[0]["staged"][0]
    assert {top.a.student, top.b.student} == {"ana", "ben"} and top.similarity > 0.9


def test_a_notebook_over_the_size_cap_is_listed_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sim, "MAX_NOTEBOOK_BYTES", 20_000)
    padded = {**HONEST["ana"], "pair": HONEST["ana"]["pair"] + "#" + "x" * 30_000 + "\n"}
    root = make_class(tmp_path, {"ana": padded, "ben": HONEST["ben"], "cai": HONEST["cai"]})
    _, counts, problems = sim.analyse([root / "submitted"], root)
    assert counts == {"staged": 2}
    assert any("ana" in p and "more than" in p for p in problems), problems


# ================================================================ the page

def test_the_page_lists_as_many_pairs_as_it_says(tmp_path):
    many = {f"s{i:02d}": HONEST[name] for i, name in
            enumerate(list(HONEST) * 3)}   # 15 students: 105 pairs
    root = make_class(tmp_path, many)
    out = tmp_path / "r.html"
    assert cli.main(["similarity", str(root / "submitted"), "--course", str(root),
                     "--out", str(out), "--top", "5"]) == 0
    page = out.read_text(encoding="utf-8")
    said = int(re.search(r"the (\d+) most similar pairs", page).group(1))
    rows = page.split("<table class=rank>")[1].split("</table>")[0].count("<tr><td>")
    assert said == rows, (said, rows)


# ================================================================ the same wrong answer

def _grades(rows: dict[str, dict[str, tuple[str, str]]]) -> dict:
    """A grades JSON: per student, test -> (status, output)."""
    return {"submissions": [
        {"student": student, "assignment": "staged", "path": f"submitted/{student}",
         "status": "graded", "tests": [{"name": name, "status": status, "output": output}
                                       for name, (status, output) in tests.items()]}
        for student, tests in rows.items()]}


def test_students_sharing_a_rare_wrong_answer_are_flagged(tmp_path):
    """Two students whose failed test says the same wrong values are listed together; a
    mistake half the class makes, a stub, or a test that passed is no such sign."""
    students = {**HONEST, "zed": HONEST["ana"], **{f"x{i}": HONEST["ben"] for i in range(5)}}
    root = make_class(tmp_path, students)
    wrong = "`double`: wrong values at [0]: yours 3.25 vs expected 2.5"
    common = "`pair`: returned the input itself, not a new array"
    rows = {s: {"test_double": ("passed", ""), "test_pair": ("passed", "")} for s in students}
    for s in ("ana", "zed"):
        rows[s]["test_double"] = ("failed", wrong + "\nYour code printed:\nhello " + s)
    for s in ("cai", "dee", "eli", "x0", "x1", "x2"):
        rows[s]["test_pair"] = ("failed", common)
    for s in ("x3", "x4"):
        rows[s]["test_double"] = ("failed", "`double` is not implemented yet: replace ...")
    (tmp_path / "grades.json").write_text(json.dumps(_grades(rows)))
    found = sim.shared_wrong_answers(tmp_path / "grades.json")["staged"]
    assert [(g.test, sorted(g.students)) for g in found] == [("test_double", ["ana", "zed"])]
    out = tmp_path / "r.html"
    assert cli.main(["similarity", str(root / "submitted"), "--course", str(root),
                     "--out", str(out), "--results", str(tmp_path / "grades.json")]) == 0
    page = out.read_text(encoding="utf-8")
    section = page.split("Same wrong answers")[1]
    assert "test_double" in section and "ana" in section and "zed" in section
    assert "yours 3.25 vs expected 2.5" in section and "hello" not in section
    assert "returned the input itself" not in section


def test_the_documented_command_reads_the_day_s_results(tmp_path, monkeypatch, capsys):
    """`similarity submitted` as the grading day runs it (no --results) flags shared wrong
    answers from the day's grades.json in backprop-lab-grades/."""
    root = make_class(tmp_path, {**HONEST, "zed": HONEST["ana"]})
    wrong = "`double`: wrong values at [0]: yours 3.25 vs expected 2.5"
    rows = {s: {"test_double": ("passed", "")} for s in (*HONEST, "zed")}
    for s in ("ana", "zed"):
        rows[s]["test_double"] = ("failed", wrong)
    (root / "backprop-lab-grades").mkdir(exist_ok=True)
    (root / "backprop-lab-grades" / "grades.json").write_text(json.dumps(_grades(rows)))
    monkeypatch.chdir(root)
    assert cli.main(["similarity", "submitted"]) == 0
    out = capsys.readouterr().out
    assert "same wrong answer in test_double: ana, zed" in out
    page = (root / "backprop-lab-grades" / "similarity.html").read_text(encoding="utf-8")
    assert "yours 3.25 vs expected 2.5" in page.split("Same wrong answers")[1]


def test_an_unreadable_results_file_is_refused(tmp_path, capsys):
    root = make_class(tmp_path, {"ana": HONEST["ana"], "ben": HONEST["ben"]})
    (tmp_path / "grades.json").write_text("[1, 2")
    assert cli.main(["similarity", str(root / "submitted"), "--course", str(root),
                     "--out", str(tmp_path / "r.html"),
                     "--results", str(tmp_path / "grades.json")]) == 2
    assert "grades.json" in capsys.readouterr().err
