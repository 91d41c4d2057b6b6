"""The dashboard as tables: the same rows feed the page (beneath each chart), the CSV and JSON
exports and the PDF report, so what a chart shows can always be read as text."""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from fpdf import FPDF

from rung.lib.money import format_money
from rung.pilots.selectors import FUNNEL_STAGES, Dashboard, Rate

FEWER = "fewer than 5"


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    # {"type": "bar"|"line", "labels": [...], "series": [{"label", "data"}], "horizontal"?: bool}
    chart: dict[str, Any] | None = None
    section: str = ""
    raw: list[dict[str, Any]] = field(default_factory=list)  # for JSON: numbers, not formatted text


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _ci(rate: Rate | None) -> str:
    if rate is None or rate.interval is None:
        return "—"
    low, high = rate.interval
    return f"{100 * low:.1f} – {100 * high:.1f} %"


def _num(value: object) -> str:
    return "—" if value is None else str(value)


def _count(value: int | None) -> str:
    return FEWER if value is None else str(value)


def tables(board: Dashboard) -> list[Table]:
    out: list[Table] = []
    if board.goals:
        out.append(
            Table(
                "goals",
                "Goals and where the pilot stands",
                ["Goal", "Target", "Now", "Met"],
                [
                    [g.label, g.target, g.actual, "no data" if g.met is None else ("yes" if g.met else "no")]
                    for g in board.goals
                ],
                section="goals",
                raw=[{"goal": g.label, "target": g.target, "now": g.actual, "met": g.met} for g in board.goals],
            )
        )
    out.append(
        Table(
            "funnel",
            "From application to hire",
            ["Stage", "People", "Of the stage before", "95 % interval"],
            [[s.label, s.count, _pct(s.rate.value) if s.rate else "—", _ci(s.rate)] for s in board.funnel],
            note="Distinct candidates. Stages after the work count people who completed it; a hire counts when "
            "it starts within six months of the end of their last engagement with the employer.",
            chart={
                "type": "bar",
                "horizontal": True,
                "labels": [s.label for s in board.funnel],
                "series": [{"label": "People", "data": [s.count for s in board.funnel]}],
            },
            section="funnel",
            raw=[
                {"stage": s.key, "count": s.count, **({"of_previous": s.rate.as_dict()} if s.rate else {})}
                for s in board.funnel
            ],
        )
    )
    q = board.quality
    out.append(
        Table(
            "quality",
            "Quality of work",
            ["Figure", "Value", "Count"],
            [
                ["Milestones approved", q.approved, ""],
                [
                    "Approved first time",
                    _pct(q.approved_first_time.value),
                    f"{q.approved_first_time.k} of {q.approved_first_time.n}",
                ],
                ["Rounds of changes per approved milestone", _num(q.mean_rounds), f"{q.rounds_total} rounds"],
            ],
            section="quality",
            raw=[
                {
                    "approved": q.approved,
                    "approved_first_time": q.approved_first_time.as_dict(),
                    "rounds_total": q.rounds_total,
                    "mean_rounds": q.mean_rounds,
                }
            ],
        )
    )
    out.append(
        Table(
            "rounds",
            "Rounds of changes before approval",
            ["Rounds of changes", "Milestones"],
            [[r, n] for r, n in q.rounds],
            chart={
                "type": "bar",
                "labels": [str(r) for r, _ in q.rounds],
                "series": [{"label": "Milestones", "data": [n for _, n in q.rounds]}],
            },
            section="quality",
            raw=[{"rounds": r, "milestones": n} for r, n in q.rounds],
        )
    )
    criteria = sorted({lv.criterion for lv in q.levels})
    levels = sorted({(lv.score, lv.level) for lv in q.levels})
    grid = {(lv.criterion, lv.score, lv.level): lv.count for lv in q.levels}
    out.append(
        Table(
            "levels",
            "Rubric levels per criterion (approving reviews)",
            ["Criterion", *[f"{s} {label}" for s, label in levels]],
            [[c, *[grid.get((c, s, label), 0) for s, label in levels]] for c in criteria],
            chart={
                "type": "bar",
                "stacked": True,
                "labels": criteria,
                "series": [
                    {"label": f"{s} {label}", "data": [grid.get((c, s, label), 0) for c in criteria]}
                    for s, label in levels
                ],
            },
            section="quality",
            raw=[
                {"criterion": lv.criterion, "score": lv.score, "level": lv.level, "count": lv.count} for lv in q.levels
            ],
        )
    )
    s = board.satisfaction
    out.append(
        Table(
            "satisfaction",
            "Satisfaction",
            ["Figure", "Value", "Answers"],
            [
                [
                    "Intern NPS (−100 to 100)",
                    _num(s.nps),
                    f"{s.nps_answers} ({s.promoters} promoters, {s.passives} passives, {s.detractors} detractors)",
                ],
                ["Mentoring (1–5)", _num(s.mentoring), s.experience_ratings],
                ["Clarity (1–5)", _num(s.clarity), s.experience_ratings],
                ["Respect (1–5)", _num(s.respect), s.experience_ratings],
                ["Paid on time (1–5)", _num(s.pay_timeliness), s.experience_ratings],
                ["Employers' rating of interns (1–5)", _num(s.intern_overall), s.intern_ratings],
                ["Employers' score for Rung (0–10)", _num(s.platform_score), s.employer_answers],
                ["Employers who would hire the intern", s.would_hire_yes, s.employer_answers],
            ],
            note="Survey answers are confidential: only totals are shown.",
            section="satisfaction",
            raw=[
                {
                    "nps": s.nps,
                    "nps_answers": s.nps_answers,
                    "promoters": s.promoters,
                    "passives": s.passives,
                    "detractors": s.detractors,
                    "experience_ratings": s.experience_ratings,
                    "mentoring": s.mentoring,
                    "clarity": s.clarity,
                    "respect": s.respect,
                    "pay_timeliness": s.pay_timeliness,
                    "intern_ratings": s.intern_ratings,
                    "intern_overall": s.intern_overall,
                    "employer_answers": s.employer_answers,
                    "platform_score": s.platform_score,
                    "would_hire_yes": s.would_hire_yes,
                }
            ],
        )
    )
    t = board.timeliness
    out.append(
        Table(
            "timeliness",
            "Payment timeliness and decisions",
            ["Figure", "Value", "Count"],
            [
                ["Median days, approval → paid", _num(t.median_days), f"{t.settled} payments"],
                ["90th percentile days, approval → paid", _num(t.p90_days), f"{t.settled} payments"],
                [
                    f"Paid within {t.target_business_days} business days",
                    _pct(t.within_target.value),
                    f"{t.within_target.k} of {t.within_target.n}",
                ],
                [
                    "Median days to a first decision",
                    _num(t.decision_median_days),
                    f"{t.decided} decided, {t.undecided} waiting",
                ],
                ["90th percentile days to a first decision", _num(t.decision_p90_days), f"{t.decided} decided"],
            ],
            section="timeliness",
            raw=[
                {
                    "settled": t.settled,
                    "median_days": t.median_days,
                    "p90_days": t.p90_days,
                    "within_target": t.within_target.as_dict(),
                    "target_business_days": t.target_business_days,
                    "decided": t.decided,
                    "undecided": t.undecided,
                    "decision_median_days": t.decision_median_days,
                    "decision_p90_days": t.decision_p90_days,
                }
            ],
        )
    )
    out.append(
        Table(
            "cost",
            "Cost, from the ledger",
            [
                "Currency",
                "Stipends",
                "Kill fees",
                "Platform fees",
                "Total",
                "Per completed micro-internship",
                "Per hire within six months",
            ],
            [
                [
                    c.currency,
                    format_money(c.stipends_minor, c.currency),
                    format_money(c.kill_fees_minor, c.currency),
                    format_money(c.platform_fees_minor, c.currency),
                    format_money(c.total_minor, c.currency),
                    "—"
                    if c.per_completed_minor is None
                    else f"{format_money(c.per_completed_minor, c.currency)} ({c.completed})",
                    "—" if c.per_hire_minor is None else f"{format_money(c.per_hire_minor, c.currency)} ({c.hired})",
                ]
                for c in board.cost
            ],
            section="cost",
            raw=[
                {
                    "currency": c.currency,
                    "stipends_minor": c.stipends_minor,
                    "kill_fees_minor": c.kill_fees_minor,
                    "platform_fees_minor": c.platform_fees_minor,
                    "total_minor": c.total_minor,
                    "completed": c.completed,
                    "hired": c.hired,
                    "per_completed_minor": c.per_completed_minor,
                    "per_hire_minor": c.per_hire_minor,
                }
                for c in board.cost
            ],
        )
    )
    out.append(
        Table(
            "mentoring",
            "With and without a mentor",
            ["Interns", "Started", "Completed", "Completion", "Hired within six months", "Conversion", "95 % interval"],
            [
                [
                    "With a mentor" if m.with_mentor else "Without a mentor",
                    m.started,
                    m.completion.k,
                    _pct(m.completion.value),
                    m.conversion.k,
                    _pct(m.conversion.value),
                    _ci(m.conversion),
                ]
                for m in board.mentoring
            ],
            section="mentoring",
            raw=[
                {
                    "with_mentor": m.with_mentor,
                    "started": m.started,
                    "completion": m.completion.as_dict(),
                    "conversion": m.conversion.as_dict(),
                }
                for m in board.mentoring
            ],
        )
    )
    out.append(
        Table(
            "months",
            "Over time",
            ["Month", "Applications", "Completed", "Hires (by start date)"],
            [[m.month.strftime("%B %Y"), m.applied, m.completed, m.hired] for m in board.months],
            chart={
                "type": "line",
                "labels": [m.month.strftime("%b %Y") for m in board.months],
                "series": [
                    {"label": "Applications", "data": [m.applied for m in board.months]},
                    {"label": "Completed", "data": [m.completed for m in board.months]},
                    {"label": "Hires", "data": [m.hired for m in board.months]},
                ],
            },
            section="time",
            raw=[
                {"month": m.month.isoformat()[:7], "applied": m.applied, "completed": m.completed, "hired": m.hired}
                for m in board.months
            ],
        )
    )
    labels = dict(FUNNEL_STAGES)
    for d in board.diversity:
        rows, raw = [], []
        for g in d.groups:
            cells = []
            for key, st in zip(d.stage_keys, g.stages, strict=True):
                text = _count(st.count)
                if st.ratio is not None:
                    text += f" (ratio {st.ratio:.2f}{', under four-fifths' if st.flagged else ''})"
                cells.append(text)
                raw.append(
                    {
                        "group": g.value or "not_given",
                        "stage": key,
                        "count": st.count,
                        "ratio": st.ratio,
                        "flagged": st.flagged,
                    }
                )
            rows.append([g.label, *cells])
        out.append(
            Table(
                f"diversity-{d.field}",
                f"Diversity of the pool: {d.question.lower()}",
                ["Group", *[labels[k] for k in d.stage_keys]],
                rows,
                section="diversity",
                note="Self-reported and optional. Groups or cells of 1 to 4 people show “fewer than 5”. The ratio is a "
                "group's pass rate from the stage before, against the highest group's; under 0.80 is flagged.",
                raw=raw,
            )
        )
    return out


def table(board: Dashboard, slug: str) -> Table | None:
    return next((t for t in tables(board) if t.slug == slug), None)


def as_csv(t: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(t.columns)
    for row in t.rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return buffer.getvalue()


def as_json(board: Dashboard) -> dict[str, Any]:
    return {"label": board.label, "tables": {t.slug: {"title": t.title, "rows": t.raw} for t in tables(board)}}


def charts(board: Dashboard) -> list[dict[str, Any]]:
    return [{"id": f"chart-{t.slug}", "title": t.title, **t.chart} for t in tables(board) if t.chart]


def _latin(text: object) -> str:
    """The PDF's core font is Latin-1: replace the few typographic characters it lacks."""
    s = str(text)
    for a, b in (
        ("—", "-"),
        ("–", "-"),
        ("→", "->"),
        ("≥", ">="),
        ("≤", "<="),
        ("−", "-"),
        ("“", '"'),
        ("”", '"'),
        ("’", "'"),
    ):
        s = s.replace(a, b)
    return s.encode("latin-1", "replace").decode("latin-1")


def as_pdf(board: Dashboard, *, title: str) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_title(_latin(title))
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _latin(title), new_x="LMARGIN", new_y="NEXT")
    for t in tables(board):
        pdf.set_font("helvetica", "B", 12)
        pdf.ln(3)
        pdf.multi_cell(0, 7, _latin(t.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 8)
        if t.rows:
            with pdf.table(text_align="LEFT", first_row_as_headings=True) as grid:
                header = grid.row()
                for c in t.columns:
                    header.cell(_latin(c))
                for row in t.rows:
                    r = grid.row()
                    for c in row:
                        r.cell(_latin(c))
        else:
            pdf.cell(0, 6, "No data yet.", new_x="LMARGIN", new_y="NEXT")
        if t.note:
            pdf.set_font("helvetica", "I", 7)
            pdf.multi_cell(0, 4, _latin(t.note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
