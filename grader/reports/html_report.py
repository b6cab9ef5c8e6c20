"""One self-contained HTML feedback page per submission.

Inline CSS, no script at all, no font or file from anywhere (a Content-Security-Policy in
the page forbids them too), images embedded as `data:` URIs. The total and a table of katas,
then for each kata that did not pass its one cause or each failing test: a wrong numeric
answer as a short Expected / Got / Look at table, a failed convergence test with a plot of
the learner's curve against the threshold (matplotlib, Agg, drawn from the test's
`details`), anything else as the grader's message. Every text is escaped.
"""

from __future__ import annotations

import base64
import html
import io
import math
from typing import Any

from grader.reports.common import (
    WHOLE_EXERCISE,
    expected_got,
    fmt,
    split_output,
    tests_of,
    ungraded_points,
    xml_text,
)
from grader.results import GradeReport, TestResult

STATUS_WORDS = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "timed out",
                "not_implemented": "not implemented", "not_submitted": "not submitted",
                "skipped": "skipped"}

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
  --pass: #1a7f37; --fail: #cf222e; --error: #9a3412; --warn: #9a6700; --todo: #0550ae; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f4; color: var(--ink); line-height: 1.5;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 20px 40px; }
header, section, .notes { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 24px; margin-bottom: 18px; }
h1 { font-size: 20px; margin: 0 0 6px; font-weight: 600; color: var(--muted); }
.total { font-size: 34px; font-weight: 700; margin: 0; }
.total small { font-size: 18px; color: var(--muted); font-weight: 500; }
.meta { color: var(--muted); margin: 6px 0 0; font-size: 13px; }
.bar { height: 10px; background: #e5e9ee; border-radius: 5px; overflow: hidden;
  margin: 10px 0 4px; }
.bar span { display: block; height: 100%; background: var(--pass); }
.bar.small { height: 6px; width: 110px; margin: 0; display: inline-block; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
td a { color: inherit; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px;
  font-weight: 600; color: #fff; background: var(--muted); white-space: nowrap;
  vertical-align: middle; }
.s-passed { background: var(--pass); } .s-failed { background: var(--fail); }
.s-error { background: var(--error); } .s-timeout { background: var(--warn); }
.s-not_implemented { background: var(--todo); } .s-not_submitted { background: #6e7781; }
.s-skipped { background: #8c959f; }
h2 { font-size: 19px; margin: 0 0 4px; display: flex; gap: 10px; align-items: center;
  flex-wrap: wrap; }
h2 .score { margin-left: auto; font-variant-numeric: tabular-nums; color: var(--muted);
  font-weight: 600; }
.lead { color: var(--muted); margin: 0 0 12px; }
pre + .lead, table + .lead { margin: 12px 0 0; }
.test { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px;
  padding: 12px 16px; margin-top: 12px; }
.test.error { border-left-color: var(--error); }
h3 { font-size: 15px; margin: 0 0 8px; display: flex; gap: 8px; align-items: baseline;
  flex-wrap: wrap; }
h3 code { font-size: 14px; overflow-wrap: anywhere; }
.tag { font-size: 12px; color: var(--muted); border: 1px solid var(--line); border-radius: 4px;
  padding: 0 6px; }
.pts { margin-left: auto; font-size: 13px; color: var(--muted); white-space: nowrap; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono",
  monospace; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 12px; margin: 6px 0 0; font-size: 13px; white-space: pre-wrap;
  overflow-wrap: anywhere; }
table.eg { margin-top: 4px; }
table.eg th { width: 110px; text-transform: none; letter-spacing: 0; font-size: 13px;
  color: var(--ink); background: var(--soft); }
table.eg td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono",
  monospace; font-size: 13px; overflow-wrap: anywhere; }
table.eg tr.got td { color: var(--fail); }
table.eg tr.look td { font-family: inherit; font-size: 14px; }
figure { margin: 12px 0 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { color: var(--muted); font-size: 13px; }
.notes ul { margin: 6px 0 0; padding-left: 20px; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
@media (max-width: 640px) {
  main { padding: 12px 8px 24px; }
  header, section, .notes { padding: 14px 12px; }
  .barcol { display: none; }
  th, td { padding: 6px 6px; }
  table.eg th { width: 76px; }
}
"""


def _e(text: object) -> str:
    return html.escape(xml_text(str(text)), quote=True)


def _badge(status: str) -> str:
    return f'<span class="badge s-{_e(status)}">{_e(STATUS_WORDS.get(status, status))}</span>'


def _bar(score: float, max_score: float, small: bool = False) -> str:
    share = 0.0 if max_score <= 0 else max(0.0, min(1.0, score / max_score))
    return (f'<div class="bar{" small" if small else ""}" role="img" '
            f'aria-label="{share:.0%}"><span style="width:{share * 100:.1f}%"></span></div>')


def _short(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a parenthesis or a space where it is longer."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 3]
    at = cut.rfind(" (")
    at = at if at >= limit // 2 else cut.rfind(" ")
    return (cut[:at] if at >= limit // 2 else cut).rstrip(" ,;:") + "..."


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def curve_png(
    curve: list[Any], threshold: float, direction: str, title: str, *,
    final: float | None = None, steps: list[Any] | None = None, log: bool = False,
) -> str | None:
    """A PNG data URI of `curve` against `threshold`, or None where it cannot be drawn.

    `final` marks the value the verdict used (else the curve's last value is marked);
    `steps` are the points' x positions in steps (else epochs 1, 2, ...); `log` draws the
    values on a logarithmic axis (where they and the threshold are positive).
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None
    values = [float(v) if isinstance(v, int | float) else math.nan for v in curve]
    if not values:
        return None
    if steps is not None and len(steps) == len(values) and all(
            _number(x) is not None for x in steps):
        xs, xlabel = [float(x) for x in steps], "steps"
    else:
        xs, xlabel = [float(i) for i in range(1, len(values) + 1)], "epoch"
    finite = [v for v in values if math.isfinite(v)] + [threshold]
    if final is not None:
        finite.append(final)
    log = log and threshold > 0 and all(v > 0 for v in finite)
    figure = Figure(figsize=(6.4, 3.0), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    low, high = min(finite), max(finite)
    if log:
        axes.set_yscale("log")
        ratio = (high / low) ** 0.12 if high > low else 2.0
        bottom, top = low / ratio, high * ratio
    else:
        pad = (high - low) * 0.12 or abs(high) * 0.1 or 0.1
        bottom, top = low - pad, high + pad
    if direction == "min":
        axes.axhspan(bottom, threshold, color="#1a7f37", alpha=0.08, lw=0)
    else:
        axes.axhspan(threshold, top, color="#1a7f37", alpha=0.08, lw=0)
    side = "at most" if direction == "min" else "at least"
    axes.axhline(threshold, color="#1a7f37", ls="--", lw=1.4,
                 label=f"threshold: {side} {threshold:g}")
    axes.plot(xs, values, color="#0550ae", marker="o", ms=4, lw=1.8, label="your curve")
    marked = final if final is not None else values[-1]
    if math.isfinite(marked):
        word = "graded value" if final is not None else "last value"
        axes.plot([xs[-1]], [marked], marker="o", ms=8, color="#cf222e", ls="none",
                  label=f"{word}: {marked:.4g}")
    axes.set_ylim(bottom, top)
    axes.set_xlabel(xlabel)
    axes.set_title(_short(title, 80), fontsize=10, loc="left")
    if len(xs) <= 20:
        axes.set_xticks(xs)
        if xlabel == "steps":
            axes.set_xticklabels([f"{x:g}" for x in xs], fontsize=8)
    axes.grid(alpha=0.25)
    axes.legend(fontsize=8, loc="best", framealpha=0.9)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _curve_figure(test: TestResult, title: str) -> str:
    details = test.details
    curve, threshold = details.get("curve"), details.get("threshold")
    if not isinstance(curve, list) or not isinstance(threshold, int | float):
        return ""
    direction = "max" if details.get("direction") == "max" else "min"
    final = _number(details.get("final"))
    steps = details.get("steps") if isinstance(details.get("steps"), list) else None
    try:
        uri = curve_png(curve, float(threshold), direction, title, final=final, steps=steps,
                        log=details.get("scale") == "log")
    except Exception:  # noqa: BLE001 - a plot that cannot be drawn costs the plot only
        uri = None
    side = "at most" if direction == "min" else "at least"
    first, last = (_number(steps[0]), _number(steps[-1])) if steps else (None, None)
    if first is not None and last is not None:
        caption = (f"Your curve at {len(curve)} step counts, from {first:g} to {last:g} steps; "
                   f"the test needs the value after {last:g} steps {side} "
                   f"{float(threshold):g} (the green band).")
    else:
        caption = (f"Your curve over {len(curve)} epochs; the test needs its last value "
                   f"{side} {float(threshold):g} (the green band).")
    if final is not None:
        caption += " The red dot is the value the grader computed and graded."
    if uri is None:
        return f'<p class="lead">{_e(caption)} (The plot could not be drawn here.)</p>'
    return (f'<figure><img src="{uri}" alt="{_e(caption)}" width="704" height="330">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _test_card(test: TestResult) -> str:
    message, output = split_output(test.message or STATUS_WORDS.get(test.status, test.status))
    parts = [f'<div class="test {_e(test.status)}"><h3><code>{_e(test.name)}</code>'
             f'<span class="tag">{_e(test.category)}</span>'
             f'{" " + _badge(test.status) if test.status == "error" else ""}'
             f'<span class="pts">{fmt(test.score)} / {fmt(test.max_score)} points</span></h3>']
    parsed = expected_got(message)
    if parsed is not None:
        if parsed.before:
            parts.append(f"<pre>{_e(parsed.before)}</pre>")
        rows = [("Expected", parsed.expected, "expected"), ("Got", parsed.got, "got")]
        if parsed.difference:
            rows.append(("Difference", parsed.difference, "difference"))
        if parsed.look_at:
            rows.append(("Look at", parsed.look_at, "look"))
        parts.append('<table class="eg">' + "".join(
            f'<tr class="{cls}"><th>{label}</th><td>{_e(value)}</td></tr>'
            for label, value, cls in rows) + "</table>")
        title = parsed.expected
    else:
        parts.append(f"<pre>{_e(message)}</pre>")
        title = test.name
    if output:
        parts.append(f"<p class=\"lead\">What your code printed last:</p><pre>{_e(output)}</pre>")
    if test.details:
        parts.append(_curve_figure(test, title))
    parts.append("</div>")
    return "".join(parts)


def render(report: GradeReport) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">",
        f"<title>keras-kata feedback: {fmt(report.score)} / {fmt(report.max_score)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<header><h1>keras-kata feedback</h1>",
        f'<p class="total">{fmt(report.score)} <small>/ {fmt(report.max_score)} points</small>'
        "</p>",
        _bar(report.score, report.max_score),
        f'<p class="meta">Submission {_e(report.submission)} &middot; {len(report.exercises)} '
        f"kata(s) graded in {report.duration:.0f} s &middot; isolation: "
        f"{_e(report.isolation)}</p></header>",
        "<section><table><thead><tr><th>kata</th><th>title</th><th>score</th>"
        '<th class="barcol"></th><th>status</th></tr></thead><tbody>',
    ]
    for exercise in report.exercises.values():
        name = _e(exercise.id)
        if exercise.status != "passed":
            name = f'<a href="#{_e(exercise.id)}">{name}</a>'
        out.append(f"<tr><td>{name}</td><td>{_e(exercise.title)}</td>"
                   f'<td class="num">{fmt(exercise.score)} / {fmt(exercise.max_score)}</td>'
                   f'<td class="barcol">{_bar(exercise.score, exercise.max_score, small=True)}'
                   "</td>"
                   f"<td>{_badge(exercise.status)}</td></tr>")
    out.append("</tbody></table></section>")
    for exercise in report.exercises.values():
        if exercise.status == "passed":
            continue
        out.append(f'<section id="{_e(exercise.id)}"><h2>{_e(exercise.id)} '
                   f"{_e(exercise.title)} {_badge(exercise.status)}"
                   f'<span class="score">{fmt(exercise.score)} / {fmt(exercise.max_score)}'
                   "</span></h2>")
        tests = tests_of(report, exercise)
        failing = [t for t in tests if t.status in ("failed", "error")]
        if exercise.status in WHOLE_EXERCISE or not failing:
            message, output = split_output(exercise.message or exercise.status)
            out.append(f'<p class="lead">One problem explains every test of this kata:</p>'
                       f"<pre>{_e(message)}</pre>")
            if output:
                out.append(f'<p class="lead">What your code printed last:</p>'
                           f"<pre>{_e(output)}</pre>")
        else:
            passed = sum(t.status == "passed" for t in tests)
            skipped = sum(t.status == "skipped" for t in tests)
            out.append(f'<p class="lead">{passed} of {len(tests)} hidden tests passed'
                       f"{f' ({skipped} did not run and scored nothing)' if skipped else ''}. "
                       f"{'The one' if len(failing) == 1 else 'The ones'} to fix:</p>")
            out.extend(_test_card(test) for test in failing)
            if ungraded_points(report, exercise) > 0 and exercise.message:
                out.append(f"<pre>{_e(exercise.message)}</pre>")
        out.append("</section>")
    if report.ignored:
        out.append('<div class="notes"><strong>Not graded</strong><ul>')
        out.extend(f"<li><code>{_e(line)}</code></li>" for line in report.ignored)
        out.append("</ul></div>")
    out.append("<footer>Generated by kata grade from the grader's result model.</footer>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
