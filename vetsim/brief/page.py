"""The one-page brief: title, headline sentences, the KPI table coloured against the targets, six charts
and a source line, laid out on one ``Figure``: 16:9 for the projector, or A4 landscape for printing
(:data:`PAPERS`), with a margin all round so that a printer does not cut the title or the source line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib import rcParams
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties

from .. import charts, formats
from ..charts import numbers as n
from ..charts.labels import wrap_text
from ..charts.sitemap import map_numbers, township_map
from ..charts.style import BAD_FILL, BASELINE_COLOUR, GOOD_FILL, SourceInfo, house_style
from ..errors import VetsimError
from ..files import read_manifest
from ..tasks.text import board_frame, head
from ..wording import tr
from .kpis import PAGE_KEYS

__all__ = ["BriefInputs", "PAGE_SIZE", "PAPERS", "draw_page", "chart_figures", "chart_numbers", "chart_names", "page_scale", "page_size",
           "check_paper", "title_text", "source_info"]

# paper -> page size in inches: 16:9 (1920 px wide at 96 dpi, PNG export uses more) and A4 landscape
PAPERS: dict[str, tuple[float, float]] = {"16:9": (20.0, 11.25), "a4": (297 / 25.4, 210 / 25.4)}
PAGE_SIZE = PAPERS["16:9"]
# font scale of the page relative to a stand-alone chart (16 pt): about 10 pt on the 20-inch page,
# 7 pt on A4 (the smallest type that stays legible on paper)
_PAGE_SCALE = {"16:9": 0.62, "a4": 0.44}
_MARGIN_IN = 0.4  # white margin round the page, inches (printers cannot print the last few mm)
_SOURCE_PT = {"16:9": 10.0, "a4": 7.0}  # type size of the source line
MAP_KPI = "one_trip_rate"  # the figure the brief's township map is coloured by (最多跑一次, per station)


def check_paper(paper: str) -> str:
    """``paper`` if it is one of :data:`PAPERS`, else a ``VetsimError`` naming the choices."""
    if paper not in PAPERS:
        raise VetsimError(*(tr("brief.error.bad_paper", lang, papers=tr("list.or", lang).join(PAPERS), paper=paper)
                            for lang in ("zh", "en")))
    return paper


def page_size(paper: str = "16:9") -> tuple[float, float]:
    """The page size in inches of ``paper`` ("16:9" or "a4", landscape)."""
    return PAPERS[check_paper(paper)]


@dataclass(frozen=True)
class BriefInputs:
    """Everything a brief shows, already computed: scenarios, simulation results, site costs, budget."""

    baseline: Any  # Scenario
    baseline_results: Any  # Results
    baseline_cost: pd.DataFrame
    budget: Any | None = None  # Budget of the scenario the meeting decides on (the proposal if any)
    proposal: Any | None = None
    proposal_results: Any | None = None
    proposal_cost: pd.DataFrame | None = None
    day: dt.date | None = None  # the date printed on the page (today by default)
    tasks: Any | None = None  # TaskBoard of the baseline: the second page (重点工作推进表), if given
    proposal_tasks: Any | None = None  # TaskBoard of the same tasks under the proposal

    @property
    def compare(self) -> bool:
        return self.proposal_results is not None

    @property
    def decided(self) -> Any:
        """The scenario the meeting decides on: the proposal if there is one."""
        return self.proposal if self.proposal is not None else self.baseline


def _draw_chart(name: str, inp: BriefInputs, lang: str, fig: Figure | SubFigure | None) -> Figure | SubFigure:
    b, p, sc = inp.baseline_results, inp.proposal_results, inp.baseline
    if name == "waits":
        return charts.waits_by_level(b, p, scenario=sc, lang=lang, fig=fig)
    if name == "one_trip":
        return charts.one_trip_by_level(b, p, scenario=sc, lang=lang, fig=fig)
    if name == "backlog":
        return charts.backlog_burndown(b, p, scenario=sc, lang=lang, fig=fig)
    if name == "utilisation":
        res = p if p is not None else b
        return _of_proposal(charts.utilisation_heatmap(res, scenario=inp.decided, lang=lang, fig=fig,
                                                       annotate=fig is None), inp, lang)
    if name == "staff_cost":
        return charts.staff_and_cost(inp.baseline_cost, inp.proposal_cost, lang=lang, fig=fig, meta=b.meta,
                                     scenario=sc)
    if name == "budget":
        return _of_proposal(charts.budget_by_tier(inp.budget, lang=lang, fig=fig), inp, lang)
    if name == "resolution":
        return charts.resolution_vs_deadline(b, p, scenario=sc, lang=lang, fig=fig)
    if name == "map":

        return _of_proposal(township_map(inp.decided, p if p is not None else b, kpi=MAP_KPI, lang=lang, fig=fig), inp, lang)
    raise KeyError(name)


def chart_numbers(name: str, inp: BriefInputs, lang: str) -> pd.DataFrame:
    """The numbers chart ``name`` of the brief draws, as a labelled table (:mod:`vetsim.charts.numbers`)."""

    b, p, sc = inp.baseline_results, inp.proposal_results, inp.baseline
    if name == "waits":
        return n.level_numbers(b, p, "wait_mean_min", lang=lang)
    if name == "one_trip":
        return n.level_numbers(b, p, "one_trip_rate", lang=lang, scale=100.0, with_overall=True)
    if name == "backlog":
        return n.backlog_numbers(b, p, scenario=sc, lang=lang)
    if name == "utilisation":
        return n.utilisation_numbers(p if p is not None else b, scenario=inp.decided, lang=lang)
    if name == "staff_cost":
        return n.staff_cost_numbers(inp.baseline_cost, inp.proposal_cost, lang=lang)
    if name == "budget":
        return n.budget_numbers(inp.budget, by="tier", lang=lang)
    if name == "resolution":
        return n.resolution_numbers(b, p, scenario=sc, lang=lang)
    if name == "map":

        return map_numbers(inp.decided, p if p is not None else b, MAP_KPI, lang)
    raise KeyError(name)


def chart_names(inp: BriefInputs) -> list[str]:
    """The names of the brief's charts: the page's six, then the township map (HTML brief and dashboard)."""
    return [*_charts_for(inp), "map"]


def _of_proposal(f: Figure | SubFigure, inp: BriefInputs, lang: str) -> Figure | SubFigure:
    """Say in the title that a one-scenario chart shows the proposal (when there is one)."""
    if inp.compare:
        ax = f.axes[0]
        title = ax.get_title(loc="left")
        # English titles are long: the note goes on a second line, so the title stays over its chart
        text = tr("brief.title_with_note", lang, title=title, note=tr("brief.proposal", lang))
        ax.set_title(text.replace(" (", "\n(", 1) if lang == "en" and len(text) > 40 else text, loc="left")
    return f


def _table_text(table: pd.DataFrame, key: str) -> str | None:
    """The decided scenario's value of a KPI row as the table writes it (the proposal's if any)."""
    rows = table[table["key"] == key]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return r["proposal_text"] or r["baseline_text"]


def backlog_task_target(inp: BriefInputs, lang: str) -> str | None:
    """The target of the progress table's petition-backlog task as the table writes it (None: no such task)."""
    if inp.tasks is None:
        return None
    frame = board_frame(inp.tasks, lang)
    hit = frame.loc[[r.task.measure == "backlog" for r in inp.tasks.rows], head("target", lang)]
    return str(hit.iloc[0]) if len(hit) else None


def pair_notes(inp: BriefInputs, table: pd.DataFrame, lang: str) -> dict[str, str]:
    """One line under each chart whose figure could seem to contradict a figure of the KPI table (or of the
    progress table), saying what each measures: chart name -> sentence."""
    notes = {}
    pressure = _table_text(table, "pressure_township")
    if pressure:
        notes["utilisation"] = tr("brief.note.pressure", lang, value=pressure)
    site = _table_text(table, "site_cost")
    if inp.budget is not None and site:
        notes["budget"] = tr("brief.note.budget", lang, site=site)
    chance, target = _table_text(table, "petition_chance"), backlog_task_target(inp, lang)
    if chance and target:
        notes["backlog"] = tr("brief.note.backlog", lang, chance=chance, target=target)
    return notes


def _note_under(sub: SubFigure, text: str, lang: str, width_in: float) -> None:
    """A short grey line (wrapped to the chart's width) under a chart of the page."""
    pt = rcParams["font.size"] * 0.85
    lines = _wrap(text, width_in * 72 / pt - 2, lang)
    sub.supxlabel("\n".join(lines), fontsize=pt, color="#4D4D4D", ha="left", x=0.02, linespacing=1.2)


def _charts_for(inp: BriefInputs) -> list[str]:
    """The six charts of the page; without a budget the time-to-resolution chart takes its place."""
    names = ["waits", "one_trip", "backlog", "utilisation", "staff_cost"]
    names.append("budget" if inp.budget is not None else "resolution")
    return names


def chart_figures(inp: BriefInputs, lang: str = "zh", names: list[str] | None = None) -> dict[str, Figure]:
    """The brief's charts as stand-alone figures (the HTML brief, the dashboard), each with its own source line:
    the page's six and the township map (too detailed for the one-page PDF); ``names``: only those of them."""
    wanted = [n for n in chart_names(inp) if names is None or n in names]
    with house_style(lang):  # titles changed after drawing (``_of_proposal``) keep the house style
        return {name: _draw_chart(name, inp, lang, None) for name in wanted}  # type: ignore[misc]


def title_text(inp: BriefInputs, lang: str) -> str:
    """The page title: 会议简报：基线 对比 方案."""
    base = inp.baseline.name(lang)
    if not inp.compare:
        return tr("brief.meeting_brief", lang, base=base)
    prop = inp.proposal.name(lang) if inp.proposal is not None else tr("brief.proposal", lang)
    return tr("brief.meeting_brief_vs", lang, base=base, prop=prop)


def _ledger_period(scenario: Any, lang: str) -> str:
    """"calibrated on the ledgers of <first day>–<last day>" for a scenario written by ``vetsim calibrate --ledger``."""
    meta = read_manifest(scenario.path) if getattr(scenario, "path", None) is not None else None
    if not meta or meta.get("kind") != "ledger_fit" or not meta.get("ledger_start"):
        return ""
    first, last = (dt.date.fromisoformat(meta[k]) for k in ("ledger_start", "ledger_last"))
    return tr("brief.source_ledger", lang, first=formats.date(first, lang), last=formats.date(last, lang))


def replications_text(meta: dict[str, Any], lang: str) -> str:
    """How many replications ran and, when the stopping rule decided (vetsim.replicate), why they stopped."""
    stop = meta.get("stop") or {}
    key = {"precision": "brief.replications_precise", "cap": "brief.replications_cap"}.get(stop.get("reason"),
                                                                                            "brief.replications")
    return tr(key, lang, reps=meta.get("replications"), cap=stop.get("cap"))


def source_info(inp: BriefInputs, lang: str) -> SourceInfo:
    """The page's source line: both scenarios with their hashes, seed, replications, budget draws, version."""
    meta = inp.baseline_results.meta
    extra = []
    reps = meta.get("replications")
    if reps:
        extra.append(replications_text(meta, lang))
    if inp.compare:
        pm = inp.proposal_results.meta
        pname = inp.proposal.name(lang) if inp.proposal is not None else ""
        same = pm.get("seed") == meta.get("seed")
        extra.append(tr("brief.source_proposal", lang, name=pname, hash=str(pm.get("scenario_hash", ""))[:12]))
        if same:
            extra.append(tr("brief.source_same_random_numbers", lang))
    calibrated = _ledger_period(inp.baseline, lang)
    if calibrated:
        extra.append(calibrated)
    if inp.budget is not None:
        draws = getattr(inp.budget, "meta", {}).get("draws")
        if draws:
            extra.append(tr("brief.budget_draws", lang, draws=draws))
    info = SourceInfo.from_meta({**meta, "scenario_name": inp.baseline.name(lang)}, lang=lang,
                                extra=(tr("punct.semicolon", lang)).join(extra))
    return SourceInfo(info.scenario_name, info.seed, info.vetsim_version, info.scenario_hash, inp.day, info.extra)


def _wrap(text: str, width_em: float, lang: str) -> list[str]:
    """Lines of ``text`` at most ``width_em`` wide: :func:`vetsim.charts.labels.wrap_text`."""
    return wrap_text(text, width_em, lang)


def _headline_panel(sub: SubFigure, sentences: list[str], lang: str, size_in: tuple[float, float]) -> None:
    """The headline sentences as a bulleted list, wrapped to the panel width, in type small enough to fit.

    One text holds every sentence (a blank line between them) and a second one the bullets, on the
    same lines: the sentences cannot run into each other whatever their wrapped length.
    """
    ax = sub.add_subplot()
    ax.set_axis_off()
    ax.set_title(tr("brief.key_points", lang), loc="left")
    pt = rcParams["font.size"] * 1.6
    title_in = rcParams["font.size"] * 3.0 / 72  # the panel's title and the gap below it
    for _ in range(8):
        width_em = size_in[0] * 0.86 * 72 / pt - 3  # the axes' width inside the panel, less the bullets' column
        wrapped = [_wrap(s, width_em, lang) for s in sentences]
        lines = sum(len(w) + 1 for w in wrapped)
        if lines * pt * 1.3 * 1.2 / 72 <= size_in[1] * 0.92 - title_in:
            break
        pt *= 0.92
    body = "\n\n".join("\n".join(w) for w in wrapped)
    bullets = "\n\n".join("\n".join(["■"] + [""] * (len(w) - 1)) for w in wrapped)
    for x, text, colour in ((0.0, bullets, BASELINE_COLOUR), (0.035, body, "black")):
        ax.text(x, 1.0, text, transform=ax.transAxes, ha="left", va="top", fontsize=pt, linespacing=1.3, color=colour)


def _kpi_panel(sub: SubFigure, table: pd.DataFrame, compare: bool, lang: str) -> None:
    """The KPI table; each value cell is filled by whether it meets its target and marked ✓/✗ too."""
    ax = sub.add_subplot()
    ax.set_axis_off()
    head = [tr(k, lang) for k in ("brief.col.indicator", "brief.col.target", "brief.col.baseline")]
    if compare:
        head.append(tr("brief.proposal", lang))

    def cell(text: str, ok: Any) -> str:
        return text if ok is None else f"{text} {'✓' if ok else '✗'}"

    body, colours = [], []
    table = table[table["key"].isin(PAGE_KEYS)]
    for _, r in table.iterrows():
        row = [r["label"], r["target_text"], cell(r["baseline_text"], r["baseline_ok"])]
        fill = ["white", "white", _fill(r["baseline_ok"])]
        if compare:
            row.append(cell(r["proposal_text"], r["proposal_ok"]))
            fill.append(_fill(r["proposal_ok"]))
        body.append(row)
        colours.append(fill)
    tab = ax.table(cellText=body, colLabels=head, cellColours=colours, loc="upper center", cellLoc="center",
                   colLoc="center", colWidths=[0.40, 0.2, 0.2, 0.2][: len(head)], bbox=(0, 0, 1, 1))
    tab.auto_set_font_size(False)
    tab.set_fontsize(rcParams["font.size"])
    for (i, j), c in tab.get_celld().items():
        c.set_edgecolor("#BBBBBB")
        if i == 0:
            c.set_facecolor("#E8E8E8")
            c.get_text().set_fontweight("bold")
        if j == 0 and i > 0:
            c.get_text().set_ha("left")
            c.PAD = 0.03
    note = (tr("brief.target_marks_legend", lang))
    ax.set_title((tr("brief.key_indicators", lang)) + "   " + note, loc="left")


def _fill(ok: Any) -> str:
    return "white" if ok is None else (GOOD_FILL if ok else BAD_FILL)


def draw_page(inp: BriefInputs, table: pd.DataFrame, sentences: list[str], lang: str = "zh",
              paper: str = "16:9") -> Figure:
    """Draw the whole page on ``paper``; call inside ``house_style(lang, scale=page_scale(paper))``."""
    w, h = page_size(paper)
    mx, my = _MARGIN_IN / w, _MARGIN_IN / h
    footer = len(_source_lines(inp, lang, paper)[0]) * _SOURCE_PT[paper] * 1.3 / 72 / h + 0.1 / h  # the source line(s)
    title_pt = FontProperties(size="xx-large").get_size_in_points()
    head = title_pt * 1.1 / 72 / h  # the title's line and the gap below it
    fig = Figure(figsize=(w, h), layout="constrained")
    # the title is placed by hand inside the margin, the panels are laid out below it
    fig.get_layout_engine().set(rect=(mx, my + footer, 1 - 2 * mx, 1 - 2 * my - footer - head),  # type: ignore[union-attr]
                                h_pad=0.02, w_pad=0.02)
    fig.suptitle(title_text(inp, lang), x=mx, y=1 - my, ha="left", va="top", fontsize=title_pt)
    top_h, left_w = 0.34, 0.45
    # subfigures fill the whole figure whatever the layout rect says: empty strips keep the title's line
    # (with the top margin) and the source line's strip (with the bottom margin) free of panels
    body = 1 - (my + head) - (my + footer)
    _, top, bottom, _ = fig.subfigures(4, 1, height_ratios=[my + head, body * top_h, body * (1 - top_h), my + footer])
    left, right = top.subfigures(1, 2, width_ratios=[left_w, 1 - left_w])
    _headline_panel(left, sentences, lang, (w * left_w, h * top_h))
    _kpi_panel(right, table, inp.compare, lang)
    grid = bottom.subfigures(2, 3)
    notes = pair_notes(inp, table, lang)
    for sub, name in zip(grid.flat, _charts_for(inp)):
        _draw_chart(name, inp, lang, sub)
        if name in notes:
            _note_under(sub, notes[name], lang, w * (1 - 2 * _MARGIN_IN / w) / 3)
    add_page_source(fig, inp, lang, paper)
    return fig


def _source_lines(inp: BriefInputs, lang: str, paper: str) -> tuple[list[str], float]:
    """The source line wrapped to the page's width (a long one, e.g. in English on A4, takes two lines)."""
    size = _SOURCE_PT[paper]
    width_em = (page_size(paper)[0] - 2 * _MARGIN_IN) * 72 / size - 1
    return _wrap(source_info(inp, lang).text(lang), width_em, lang), size


def source_height(fig: Figure, inp: BriefInputs, lang: str, paper: str) -> float:
    """The height of the page's source line(s), in figure fractions."""
    lines, size = _source_lines(inp, lang, paper)
    return len(lines) * size * 1.3 / 72 / fig.get_size_inches()[1]


def add_page_source(fig: Figure, inp: BriefInputs, lang: str, paper: str) -> None:
    """The source line at the bottom margin of a page, wrapped to the page's width."""
    lines, size = _source_lines(inp, lang, paper)
    w, h = page_size(paper)
    fig.text(_MARGIN_IN / w, _MARGIN_IN / h, "\n".join(lines), ha="left", va="bottom", fontsize=size,
             color="#4D4D4D", linespacing=1.3)


def page_scale(paper: str = "16:9") -> float:
    """Font scale of the page: six charts share one page, so their type is smaller than stand-alone."""
    return _PAGE_SCALE[check_paper(paper)]
