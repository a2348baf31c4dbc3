"""The one-page brief: title, headline sentences, the KPI table coloured against the targets, six charts
and a source line, laid out on one ``Figure``: 16:9 for the projector, or A4 landscape for printing
(:data:`PAPERS`), with a margin all round so that a printer does not cut the title or the source line."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib import rcParams
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties

from .. import charts
from ..charts.labels import t
from ..charts.style import BAD_FILL, BASELINE_COLOUR, GOOD_FILL, SourceInfo, add_source_line, house_style
from .kpis import PAGE_KEYS
from .. import formats
from ..files import read_manifest
from ..wording import tr

__all__ = ["BriefInputs", "PAGE_SIZE", "PAPERS", "draw_page", "chart_figures", "page_scale", "page_size",
           "check_paper", "title_text", "source_info"]

# paper -> page size in inches: 16:9 (1920 px wide at 96 dpi, PNG export uses more) and A4 landscape
PAPERS: dict[str, tuple[float, float]] = {"16:9": (20.0, 11.25), "a4": (297 / 25.4, 210 / 25.4)}
PAGE_SIZE = PAPERS["16:9"]
# font scale of the page relative to a stand-alone chart (16 pt): about 10 pt on the 20-inch page,
# 7 pt on A4 (the smallest type that stays legible on paper)
_PAGE_SCALE = {"16:9": 0.62, "a4": 0.44}
_MARGIN_IN = 0.4  # white margin round the page, inches (printers cannot print the last few mm)


def check_paper(paper: str) -> str:
    """``paper`` if it is one of :data:`PAPERS`, else a ``VetsimError`` naming the choices."""
    if paper not in PAPERS:
        from ..errors import VetsimError

        raise VetsimError(*(tr("brief.paper_must_be_not", lang, papers=tr("list.or", lang).join(PAPERS), paper=paper)
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
    raise KeyError(name)


def _of_proposal(f: Figure | SubFigure, inp: BriefInputs, lang: str) -> Figure | SubFigure:
    """Say in the title that a one-scenario chart shows the proposal (when there is one)."""
    if inp.compare:
        ax = f.axes[0]
        title = ax.get_title(loc="left")
        ax.set_title(tr("brief.title_with_note", lang, title=title, note=t("proposal", lang)),
                     loc="left")
    return f


def _charts_for(inp: BriefInputs) -> list[str]:
    """The six charts of the page; without a budget the time-to-resolution chart takes its place."""
    names = ["waits", "one_trip", "backlog", "utilisation", "staff_cost"]
    names.append("budget" if inp.budget is not None else "resolution")
    return names


def chart_figures(inp: BriefInputs, lang: str = "zh") -> dict[str, Figure]:
    """The page's charts as stand-alone figures (for the HTML brief), each with its own source line."""
    with house_style(lang):  # titles changed after drawing (``_of_proposal``) keep the house style
        return {name: _draw_chart(name, inp, lang, None) for name in _charts_for(inp)}  # type: ignore[misc]


def title_text(inp: BriefInputs, lang: str) -> str:
    """The page title: 会议简报：基线 对比 方案."""
    base = inp.baseline.name(lang)
    if not inp.compare:
        return tr("brief.meeting_brief", lang, base=base)
    prop = inp.proposal.name(lang) if inp.proposal is not None else t("proposal", lang)
    return tr("brief.meeting_brief_vs", lang, base=base, prop=prop)


def _ledger_period(scenario: Any, lang: str) -> str:
    """"calibrated on the ledgers of <first day>–<last day>" for a scenario written by ``vetsim calibrate --ledger``."""
    meta = read_manifest(scenario.path) if getattr(scenario, "path", None) is not None else None
    if not meta or meta.get("kind") != "ledger_fit" or not meta.get("ledger_start"):
        return ""
    first, last = (dt.date.fromisoformat(meta[k]) for k in ("ledger_start", "ledger_last"))
    return tr("brief.source_ledger", lang, first=formats.date(first, lang), last=formats.date(last, lang))


def source_info(inp: BriefInputs, lang: str) -> SourceInfo:
    """The page's source line: both scenarios with their hashes, seed, replications, budget draws, version."""
    meta = inp.baseline_results.meta
    extra = []
    reps = meta.get("replications")
    if reps:
        extra.append(tr("brief.replications", lang, reps=reps))
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


_NO_LINE_START = "，。、；：！？）》」』%"  # punctuation that must not begin a line (禁则)


def _wrap(text: str, width_em: float, lang: str) -> list[str]:
    """Break ``text`` into lines at most ``width_em`` wide (CJK characters 1 em, others about 0.55 em).

    Chinese breaks between any two characters, but never inside a number, date or Latin word.
    """
    if lang == "en":
        return textwrap.wrap(text, width=max(int(width_em / 0.55), 10))
    tokens = re.findall(r"[\u2e80-\U0002ffff]|[^\u2e80-\U0002ffff\s]+|\s+", text)
    lines, cur, used = [], "", 0.0
    for tok in tokens:
        w = sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in tok)
        if used + w > width_em and cur.strip() and tok[0] not in _NO_LINE_START:
            lines.append(cur.rstrip())
            cur, used = "", 0.0
            if tok.isspace():
                continue
        cur += tok
        used += w
    return [*lines, cur.rstrip()] if cur.strip() else lines


def _headline_panel(sub: SubFigure, sentences: list[str], lang: str, size_in: tuple[float, float]) -> None:
    """The headline sentences as a bulleted list, wrapped to the panel width."""
    ax = sub.add_subplot()
    ax.set_axis_off()
    ax.set_title(tr("brief.key_points", lang), loc="left")
    pt = rcParams["font.size"] * 1.6
    width_em = size_in[0] * 72 / pt - 2.5
    line_h = pt * 1.45 / 72 / (size_in[1] * 0.85)  # one line in axes fraction
    y = 0.98
    for s in sentences:
        lines = _wrap(s, width_em, lang)
        ax.text(0.0, y, "■", transform=ax.transAxes, ha="left", va="top", fontsize=pt * 0.8,
                color=BASELINE_COLOUR)
        ax.text(0.035, y, "\n".join(lines), transform=ax.transAxes, ha="left", va="top", fontsize=pt,
                linespacing=1.3)
        y -= line_h * len(lines) + line_h * 0.6


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
    note = (tr("brief.meets_the_target_misses_the", lang))
    ax.set_title((tr("brief.key_indicators", lang)) + "   " + note, loc="left")


def _fill(ok: Any) -> str:
    return "white" if ok is None else (GOOD_FILL if ok else BAD_FILL)


def draw_page(inp: BriefInputs, table: pd.DataFrame, sentences: list[str], lang: str = "zh",
              paper: str = "16:9") -> Figure:
    """Draw the whole page on ``paper``; call inside ``house_style(lang, scale=page_scale(paper))``."""
    w, h = page_size(paper)
    mx, my = _MARGIN_IN / w, _MARGIN_IN / h
    footer = 0.3 / h  # the source line's strip
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
    for sub, name in zip(grid.flat, _charts_for(inp)):
        _draw_chart(name, inp, lang, sub)
    add_source_line(fig, source_info(inp, lang), lang, size=10 if paper == "16:9" else 7, at=(mx, my))
    return fig


def page_scale(paper: str = "16:9") -> float:
    """Font scale of the page: six charts share one page, so their type is smaller than stand-alone."""
    return _PAGE_SCALE[check_paper(paper)]
