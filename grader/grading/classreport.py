"""The class report: one self-contained HTML page of what a graded class got wrong.

`kata class-report OUT_DIR` (and `kata grade-many`, at its end) reads every
`OUT_DIR/<student>/result.json` and writes a page with no script and nothing fetched: inline
CSS, the histograms as PNG data URIs (matplotlib, Agg backend). It shows:
- the class: how many submissions, their statuses, the distribution of totals;
- the most common mistakes: failure messages grouped by test and by a message *template*
  (numbers, array contents, quoted values, paths and addresses replaced by placeholders),
  so the same mistake in different students' words counts once per student; an exercise
  that failed as a whole (syntax error, import error, hang, missing file, TODOs) is one
  mistake, not one per test;
- per exercise: the score distribution and, per hidden test, the share of the submissions
  that attempted the exercise (not "not submitted", not untouched TODOs) failing it;
- every submission with its total and statuses.
Everything a student wrote (ids, messages) is HTML-escaped; messages were already redacted
by the grader (no hidden test source or reference value reaches them).
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.grading.one import RESULT_NAME, write_atomically

TOP_MISTAKES = 25
EXAMPLE_CHARS = 400
TEMPLATE_CHARS = 300
NAMES_SHOWN = 8
TESTS_SHOWN = 4
# An exercise in one of these states failed for one reason, said once in its message.
WHOLE_EXERCISE = ("error", "timeout", "not_submitted", "not_implemented")
NOT_ATTEMPTED = ("not_submitted", "not_implemented")
FAILING = ("failed", "error")

_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[/\\][\w.\-]+){2,}[/\\]?")
_QUOTED = re.compile(r"'[^'\n]{0,200}'|\"[^\"\n]{0,200}\"")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")
_INNER_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])"
                     r"|(?<![\w.])[-+]?(?:nan|inf)(?![\w])", re.IGNORECASE)
_SPACE = re.compile(r"[^\S\n]+")  # runs of spaces and tabs; line breaks stay (Look at:)
_BLANK = re.compile(r"\s*\n\s*")
_LATER = re.compile(r"\s*\(later tests of q\d+ not run\)")
_WORDS = re.compile(r"[A-Za-z][A-Za-z _-]*")


def _collapse_arrays(text: str) -> str:
    """Each bracketed list or array (nested or not) becomes `[...]`; a word in brackets
    such as `[hidden]` stays."""
    marker = "\x00"

    def inner(match: re.Match[str]) -> str:
        return match.group(0) if _WORDS.fullmatch(match.group(0)[1:-1]) else marker

    for _ in range(20):  # innermost first, until nested arrays are one marker
        collapsed = _INNER_BRACKETS.sub(inner, text)
        if collapsed == text:
            break
        text = collapsed
    return text.replace(marker, "[...]")


def template(message: str) -> str:
    """The shape of a message: what differs between students' words becomes a placeholder,
    and the grader's own "(later tests of qN not run)" note is dropped.

    >>> template("q21: expected 2.5 at [[0.1 0.2], [1, 2]], got nan from '/tmp/x/y.py'")
    'q21: expected N at [...], got N from <...>'
    """
    text = _LATER.sub("", message)
    text = _PATH.sub("<path>", text)
    text = _QUOTED.sub("<...>", text)
    text = _ADDRESS.sub("<addr>", text)
    text = _collapse_arrays(text)
    text = _NUMBER.sub("N", text)
    return _BLANK.sub("\n", _SPACE.sub(" ", text)).strip()


@dataclass
class Mistake:
    exercise: str
    template: str
    tests: list[str] = field(default_factory=list)  # empty: the whole exercise failed
    students: list[str] = field(default_factory=list)
    example: str = ""


@dataclass
class TestStats:
    name: str
    category: str
    points: float
    attempted: int = 0
    wrong: int = 0  # failed: a wrong answer
    errors: int = 0  # error: raised, hung, crashed


@dataclass
class ExerciseStats:
    id: str
    title: str
    max_score: float
    scores: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    tests: dict[str, TestStats] = field(default_factory=dict)

    @property
    def attempted(self) -> int:
        return sum(n for s, n in self.statuses.items() if s not in NOT_ATTEMPTED)


@dataclass
class ClassData:
    results: dict[str, dict[str, Any]]
    exercises: dict[str, ExerciseStats]
    mistakes: list[Mistake]


def load_results(out_dir: Path) -> dict[str, dict[str, Any]]:
    """student -> result, for each OUT_DIR/<student>/result.json that reads as one."""
    results = {}
    for path in sorted(out_dir.glob(f"*/{RESULT_NAME}")):
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(result, dict) and isinstance(result.get("exercises"), dict):
            batch = result.get("batch")
            student = batch.get("student") if isinstance(batch, dict) else None
            results[str(student or path.parent.name)] = result
    return results


def analyse(results: dict[str, dict[str, Any]]) -> ClassData:
    exercises: dict[str, ExerciseStats] = {}
    mistakes: dict[tuple[str, bool, str], Mistake] = {}

    def note(student: str, exercise: str, test: str, message: str) -> None:
        # One group per exercise and message template: the same words failing three tests
        # are one mistake (its tests listed), and each student counts once in it.
        first = message.strip() or "(no message)"
        key = (exercise, not test, template(first))
        mistake = mistakes.setdefault(key, Mistake(exercise, key[2], example=first))
        if test and test not in mistake.tests:
            mistake.tests.append(test)
        if student not in mistake.students:
            mistake.students.append(student)

    for student, result in results.items():
        tests_by_exercise: dict[str, list[dict[str, Any]]] = {}
        for test in result.get("tests", []):
            tests_by_exercise.setdefault(str(test.get("exercise")), []).append(test)
        for exercise_id, graded in result["exercises"].items():
            stats = exercises.setdefault(exercise_id, ExerciseStats(
                exercise_id, str(graded.get("title", "")), float(graded.get("max_score", 0))))
            status = str(graded.get("status"))
            stats.scores.append(float(graded.get("score", 0)))
            stats.statuses[status] += 1
            attempted = status not in NOT_ATTEMPTED
            for test in tests_by_exercise.get(exercise_id, []):
                name = str(test.get("name"))
                ts = stats.tests.setdefault(name, TestStats(
                    name, str(test.get("category", "")), float(test.get("max_score", 0))))
                if not attempted or test.get("status") == "skipped":
                    continue
                ts.attempted += 1
                ts.wrong += test.get("status") == "failed"
                ts.errors += test.get("status") == "error"
            if status in WHOLE_EXERCISE:
                note(student, exercise_id, "", str(graded.get("message", status)))
                continue
            for test in tests_by_exercise.get(exercise_id, []):
                if test.get("status") in FAILING:
                    note(student, exercise_id, str(test.get("name")),
                         str(test.get("message", "")))
    ranked = sorted(mistakes.values(), key=lambda m: (-len(m.students), -len(m.tests),
                                                      m.exercise, m.template))
    return ClassData(results, exercises, ranked)


# -- rendering ----------------------------------------------------------------------------

def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def histogram(values: list[float], maximum: float, label: str) -> str:
    """A PNG data URI: how many submissions got each score, 0..maximum."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    top = maximum if maximum > 0 else max(values + [1.0])
    width = 1.0 if top <= 40 else top / 20
    edges = np.arange(-width / 2, top + width, width)
    figure, axes = plt.subplots(figsize=(4.6, 2.3))
    try:
        axes.hist(values, bins=edges.tolist(), color="#3b6ea8", edgecolor="white", linewidth=0.6)
        axes.set_xlim(-width, top + width)
        axes.set_xlabel(label)
        axes.set_ylabel("submissions")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000, 10**9)
                    if top / s <= 10)
        ticks = [float(t) for t in np.arange(0, top + step / 2, step)]
        if ticks[-1] != top:
            ticks.append(float(top))
        axes.set_xticks(ticks)
        axes.xaxis.set_major_formatter(lambda value, _pos: f"{value:g}")
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        return _png(figure)
    finally:
        plt.close(figure)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(students: list[str]) -> str:
    shown = ", ".join(_e(s) for s in students[:NAMES_SHOWN])
    more = len(students) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _bar(part: int, whole: int, kind: str = "") -> str:
    width = 100 * part / whole if whole else 0
    return (f'<span class="bar {kind}"><span style="width:{width:.0f}%"></span></span>'
            f'<span class="num">{part}/{whole} ({_share(part, whole)})</span>')


_STATUS_ORDER = ("passed", "failed", "not_implemented", "not_submitted", "error", "timeout")


def _chips(statuses: Counter[str]) -> str:
    order = [s for s in _STATUS_ORDER if statuses.get(s)] + sorted(
        s for s in statuses if s not in _STATUS_ORDER and statuses[s])
    return " ".join(f'<span class="chip {_e(s)}">{_e(s.replace("_", " "))} '
                    f"<b>{statuses[s]}</b></span>" for s in order)


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;
margin:0;background:#f4f6f9}
main{max-width:1120px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:26px;margin:0 0 2px}h2{font-size:20px;margin:34px 0 10px}
h3{font-size:17px;margin:0 0 6px}.sub{color:#5b6572;margin:0 0 18px}
.card{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:16px 18px;
margin:0 0 16px}
.row{display:flex;gap:22px;flex-wrap:wrap;align-items:flex-start}
.row>figure{margin:0;flex:0 0 auto}.row>figure img{display:block;width:460px;height:auto}
.row>.facts{flex:1 1 300px}
.facts dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 8px}
.facts dt{color:#5b6572}.facts dd{margin:0;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%;font-size:14px}
th{text-align:left;font-weight:600;color:#5b6572;border-bottom:2px solid #dde2e8;
padding:6px 8px;white-space:nowrap}
td{border-bottom:1px solid #eceff3;padding:6px 8px;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;word-break:break-word;margin:0}
.tmpl{background:#f6f8fa;border:1px solid #e6e9ee;border-radius:5px;padding:5px 7px}
details{margin-top:5px;color:#5b6572}summary{cursor:pointer;font-size:13px}
details pre{margin-top:4px;color:#3a424c}
.who{color:#5b6572;font-size:13px;margin-top:4px}
table.mistakes{table-layout:fixed}
.where small{display:block;color:#5b6572;overflow-wrap:anywhere;margin-top:1px}
.where code{font-size:12px}
.bar{display:inline-block;width:120px;height:10px;background:#edf0f4;border-radius:5px;
overflow:hidden;vertical-align:middle;margin-right:8px}
.bar>span{display:block;height:100%;background:#c0392b}.bar.low>span{background:#e0a526}
.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.chip{display:inline-block;border-radius:11px;padding:1px 9px;margin:0 4px 4px 0;
font-size:13px;background:#edf0f4;color:#333}
.chip.passed{background:#dff3e4;color:#17642d}.chip.failed{background:#fdf0d5;color:#8a5a00}
.chip.error,.chip.timeout,.chip.rejected,.chip.grader_error{background:#fbe1de;
color:#9b2418}
.chip.not_implemented,.chip.not_submitted,.chip.not_graded{background:#e8eaf0;color:#4b5563}
.rank{color:#5b6572;width:28px}.muted{color:#5b6572}
.note{font-size:13px;color:#5b6572;margin:6px 0 0}
"""


def render(data: ClassData, title: str = "Class report") -> str:
    results, exercises = data.results, data.exercises
    count = len(results)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
             f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
             f"<h1>{_e(title)}</h1>"]
    if not count:
        parts.append("<p class='sub'>No graded submissions yet: nothing in this folder has "
                     f"a <code>&lt;student&gt;/{RESULT_NAME}</code>.</p></main></body></html>")
        return "".join(parts)
    ids = list(exercises)
    totals = [float(r.get("score", 0)) for r in results.values()]
    maximum = max(float(r.get("max_score", 0)) for r in results.values())
    statuses: Counter[str] = Counter(
        str((r.get("batch") or {}).get("status", "graded")) for r in results.values())
    parts.append(f"<p class='sub'>{count} submission{'s' * (count != 1)} · "
                 f"{len(ids)} exercise{'s' * (len(ids) != 1)} ({_e(', '.join(ids))}) · "
                 f"generated {generated}</p>")
    mean = sum(totals) / count
    median = sorted(totals)[count // 2] if count % 2 else sum(sorted(totals)[count // 2 - 1:
                                                                          count // 2 + 1]) / 2
    parts.append(
        "<div class='card row'><figure><img alt='distribution of total scores' src='"
        + histogram(totals, maximum, f"total score (of {maximum:g})") + "'></figure>"
        "<div class='facts'><h3>The class</h3><dl>"
        f"<dt>submissions</dt><dd>{count}</dd>"
        f"<dt>mean total</dt><dd>{mean:.1f} / {maximum:g} ({_share(int(round(mean * 100)), int(round(maximum * 100)))})</dd>"  # noqa: E501
        f"<dt>median total</dt><dd>{median:g} / {maximum:g}</dd>"
        f"<dt>full marks</dt><dd>{sum(t == maximum for t in totals)}</dd>"
        f"<dt>zero</dt><dd>{sum(t == 0 for t in totals)}</dd></dl>"
        f"{_chips(statuses)}<p class='note'>passed: every exercise passed · failed: graded, "
        "not every exercise passed · error: an exercise crashed, hung or did not load</p>"
        "</div></div>")
    parts.append(_mistakes(data, count))
    parts.append("<h2>Exercises</h2>")
    for stats in exercises.values():
        parts.append(_exercise(stats, count))
    parts.append(_roster(results, ids))
    parts.append("<p class='note'>Shares of failing tests count the submissions that "
                 "attempted the exercise (not \"not submitted\", not untouched TODOs). "
                 "Messages were redacted by the grader: no hidden-test source or reference "
                 "value is shown.</p></main></body></html>")
    return "".join(parts)


def _mistakes(data: ClassData, count: int) -> str:
    rows = []
    for rank, mistake in enumerate(data.mistakes[:TOP_MISTAKES], start=1):
        if not mistake.tests:
            tests = "<small>the whole exercise</small>"
        else:
            shown = "".join(f"<small><code>{_e(t).replace('_', '_<wbr>')}</code></small>"
                            for t in mistake.tests[:TESTS_SHOWN])
            more = len(mistake.tests) - TESTS_SHOWN
            tests = shown + (f"<small>and {more} more tests</small>" if more > 0 else "")
        where = f"<span class='where'><b>{_e(mistake.exercise)}</b>{tests}</span>"
        same = mistake.example.strip() == mistake.template
        example = "" if same else (
            f"<details><summary>one student's message</summary>"
            f"<pre>{_e(_cut(mistake.example, EXAMPLE_CHARS))}</pre></details>")
        rows.append(
            f"<tr><td class='rank'>{rank}</td><td class='n'>{len(mistake.students)} "
            f"<span class='muted'>({_share(len(mistake.students), count)})</span></td>"
            f"<td>{where}</td><td><pre class='tmpl'>{_e(_cut(mistake.template, TEMPLATE_CHARS))}"
            f"</pre>{example}<div class='who'>{_names(mistake.students)}</div></td></tr>")
    if not rows:
        return "<h2>Most common mistakes</h2><div class='card'>No failing test: nothing to " \
               "group.</div>"
    more = len(data.mistakes) - TOP_MISTAKES
    return ("<h2>Most common mistakes</h2><div class='card'><p class='note' "
            "style='margin:0 0 8px'>Failure messages grouped by exercise and by their shape "
            "(numbers, arrays, quoted values and paths replaced), with the tests that failed "
            "with them: each group counts a student once.</p><table class='mistakes'>"
            "<colgroup><col style='width:34px'>"
            "<col style='width:96px'><col style='width:30%'><col></colgroup><tr><th></th>"
            "<th class='n'>students</th><th>where (tests failing with it)</th>"
            "<th>message, as a template</th></tr>" + "".join(rows) + "</table>"
            + (f"<p class='note'>… and {more} rarer messages.</p>" if more > 0 else "")
            + "</div>")


def _exercise(stats: ExerciseStats, count: int) -> str:
    scores = stats.scores
    mean = sum(scores) / len(scores) if scores else 0.0
    rows = []
    for test in sorted(stats.tests.values(),
                       key=lambda t: (-(t.wrong + t.errors) / max(t.attempted, 1), t.name)):
        failing = test.wrong + test.errors
        kind = "low" if test.attempted and failing / test.attempted < 0.34 else ""
        rows.append(
            f"<tr><td><code>{_e(test.name)}</code></td><td>{_e(test.category)}</td>"
            f"<td class='n'>{test.points:g}</td><td>{_bar(failing, test.attempted, kind)}</td>"
            f"<td class='n'>{test.wrong}</td><td class='n'>{test.errors}</td></tr>")
    attempted = stats.attempted
    left_out = len(scores) - attempted
    return (
        f"<div class='card'><h3>{_e(stats.id)} · {_e(stats.title)} "
        f"<span class='muted'>({stats.max_score:g} points)</span></h3>"
        "<div class='row'><figure><img alt='score distribution of "
        f"{_e(stats.id)}' src='{histogram(scores, stats.max_score, f'score (of {stats.max_score:g})')}'>"  # noqa: E501
        "</figure><div class='facts'><dl>"
        f"<dt>mean</dt><dd>{mean:.1f} / {stats.max_score:g}</dd>"
        f"<dt>full marks</dt><dd>{sum(s == stats.max_score for s in scores)} of "
        f"{len(scores)}</dd><dt>attempted</dt><dd>{attempted} of {len(scores)}</dd></dl>"
        f"{_chips(stats.statuses)}"
        + (f"<p class='note'>{left_out} submission(s) did not submit or did not start it: "
           "left out of the shares below.</p>" if left_out else "")
        + "</div></div><table style='margin-top:10px'><tr><th>hidden test</th><th>category"
        "</th><th class='n'>points</th><th>failing</th><th class='n'>wrong answer</th>"
        "<th class='n'>error</th></tr>" + "".join(rows) + "</table></div>")


def _roster(results: dict[str, dict[str, Any]], ids: list[str]) -> str:
    head = "".join(f"<th class='n'>{_e(i)}</th>" for i in ids)
    rows = []
    for student, result in sorted(results.items()):
        exercises = result.get("exercises", {})
        cells = []
        for exercise_id in ids:
            graded = exercises.get(exercise_id)
            if graded is None:
                cells.append("<td class='n muted'>–</td>")
                continue
            cells.append(f"<td class='n' title='{_e(graded.get('status'))}'>"
                         f"{float(graded.get('score', 0)):g} <span class='chip "
                         f"{_e(graded.get('status'))}'>{_e(str(graded.get('status')).replace('_', ' '))}"  # noqa: E501
                         "</span></td>")
        status = str((result.get("batch") or {}).get("status", ""))
        rows.append(f"<tr><td>{_e(student)}</td>{''.join(cells)}<td class='n'>"
                    f"{float(result.get('score', 0)):g} / {float(result.get('max_score', 0)):g}"
                    f"</td><td><span class='chip {_e(status)}'>{_e(status)}</span></td></tr>")
    return ("<h2>Submissions</h2><div class='card'><table><tr><th>student</th>" + head
            + "<th class='n'>total</th><th>status</th></tr>" + "".join(rows)
            + "</table></div>")


def write_class_report(out_dir: Path, target: Path) -> int:
    """Write the page for OUT_DIR to `target`; returns how many submissions it covers."""
    data = analyse(load_results(out_dir))
    write_atomically(target, render(data, f"Class report: {out_dir.resolve().name}"))
    return len(data.results)
