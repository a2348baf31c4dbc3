"""The township map (乡镇分布图): the county's stations where they are, coloured by one figure per site.

Positions come from ``sites.csv`` (optional columns, read by no model): ``lon``/``lat`` (degrees, drawn
with the east-west distance shrunk by the cosine of the county's latitude, so that a kilometre is as long
either way) or ``grid_x``/``grid_y`` (a schematic position on a grid, when real coordinates are not at
hand). Without them (or when a station lacks them), a layout is drawn from the site tree: the county
center in the middle, the township stations round it in the order of their ids, each township's
village stations round their station. No tiles and nothing else from the internet.

The colour is one per-site figure (:data:`SITE_KPIS`): the WISN ratio and the workload pressure of
the scenario's staff (``vetsim.staffing.wisn_table``), and, from simulation ``Results``, the share of
visits that found nobody, the open cases past their limit and the one-trip rate, each by the station
where the cases started, with the very rule of the simulation's summary (``vetsim.sim.records``).
Every township station and the county center carry their value as text; village stations are small
grey points. :func:`site_kpis` gives the same numbers as a table (the map's CSV, the dashboard's
click-through, the bulletin).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import PercentFormatter

from .. import formats
from ..wording import tr
from .frame import chart_frame
from .labels import level_short
from .network import _short_site
from .numbers import labelled
from .sitekpis import SITE_KPIS, SiteKpi

__all__ = ["SITE_KPIS", "SiteKpi", "site_positions", "site_kpis", "township_map", "map_numbers", "kpi_text",
           "site_anchors"]


_VILLAGE_RING = 0.16  # radius of a township's village ring in the tree layout (townships at radius 1)


def _layout(scenario: Any) -> dict[str, tuple[float, float]]:
    """Positions from the site tree: center at 0, townships on the unit circle, villages round their station."""
    center = scenario.county_center.site_id
    pos = {center: (0.0, 0.0)}
    towns = sorted(s.site_id for s in scenario.sites if s.parent_id == center)
    for i, t in enumerate(towns):
        a = math.pi / 2 - 2 * math.pi * i / max(len(towns), 1)
        pos[t] = (math.cos(a), math.sin(a))
    _villages_round(scenario, pos)
    return pos


def _villages_round(scenario: Any, pos: dict[str, tuple[float, float]]) -> None:
    """Put every site without a position on a small ring round its parent (in id order)."""
    scale = _spread(pos)
    kids: dict[str, list[str]] = {}
    for s in sorted(scenario.sites, key=lambda s: s.site_id):
        if s.site_id not in pos and s.parent_id is not None:
            kids.setdefault(s.parent_id, []).append(s.site_id)
    for parent, ids in kids.items():
        px, py = pos.get(parent, (0.0, 0.0))
        for j, sid in enumerate(ids):
            a = 2 * math.pi * j / len(ids)
            pos[sid] = (px + _VILLAGE_RING * scale * math.cos(a), py + _VILLAGE_RING * scale * math.sin(a))


def _spread(pos: dict[str, tuple[float, float]]) -> float:
    """The size of the drawn county (largest distance from the middle), so village rings scale with it."""
    if len(pos) < 2:
        return 1.0
    xy = np.array(list(pos.values()))
    return float(np.max(np.hypot(*(xy - xy.mean(axis=0)).T))) or 1.0


def site_positions(scenario: Any) -> pd.DataFrame:
    """Where each site is drawn: site_id, level, parent_id, x, y and ``how`` ("lonlat", "grid" or "layout").

    Coordinates (or grid positions) are used when the county center and every township station have
    them; village stations without their own are put round their station.
    """
    center = scenario.county_center.site_id
    main = [s for s in scenario.sites if s.site_id == center or s.parent_id == center]
    how, pos = "layout", {}
    if all(s.lon is not None for s in main):
        lat0 = float(np.mean([s.lat for s in main]))
        lon0 = float(np.mean([s.lon for s in main]))
        k = math.cos(math.radians(lat0))
        how, pos = "lonlat", {s.site_id: ((s.lon - lon0) * k, s.lat - lat0) for s in scenario.sites if s.lon is not None}
    elif all(s.grid_x is not None for s in main):
        how, pos = "grid", {s.site_id: (float(s.grid_x), float(s.grid_y)) for s in scenario.sites if s.grid_x is not None}
    if how == "layout":
        pos = _layout(scenario)
    else:
        _villages_round(scenario, pos)
    rows = [(s.site_id, s.level, s.parent_id, *pos[s.site_id]) for s in scenario.sites]
    out = pd.DataFrame(rows, columns=["site_id", "level", "parent_id", "x", "y"])
    out["how"] = how
    return out


def _per_rep_mean(values: pd.DataFrame, site_ids: list[str], reps: int) -> pd.Series:
    """Mean over replications of a per-(replication, site) value; a replication without a value counts 0."""
    grid = values.reindex(pd.MultiIndex.from_product([range(reps), site_ids]), fill_value=0.0)
    return grid.groupby(level=1).mean().reindex(site_ids)


def _case_kpis(results: Any, site_ids: list[str]) -> pd.DataFrame:
    """One-trip rate and open cases past their limit per station where the cases started (the rule of
    the summary in ``vetsim.sim.records``: a case counts for the one-trip rate once finished, or while open
    after a trip; the rate of a replication is taken over its cases, then averaged over replications)."""
    c = results.cases
    reps = sorted(c["replication"].unique()) if len(c) else [0]
    rep = c["replication"].map({r: i for i, r in enumerate(reps)})
    fin = ~c["open_at_end"].astype(bool)
    new = ~c["from_backlog"].astype(bool)
    trips = c["trips"].astype(float)
    base = (new & fin) | (new & ~fin & (trips >= 1))
    overdue_col = c["overdue_open"].astype(bool) if "overdue_open" in c else pd.Series(False, index=c.index)
    df = pd.DataFrame({"rep": rep, "site": c["origin_site"].astype(str), "base": base, "one": base & fin & (trips <= 1),
                       "overdue": overdue_col})
    g = df.groupby(["rep", "site"])[["base", "one", "overdue"]].sum()
    rate = (g["one"] / g["base"].where(g["base"] > 0)).groupby(level=1).mean().reindex(site_ids)
    overdue = _per_rep_mean(g["overdue"].astype(float), site_ids, len(reps))
    return pd.DataFrame({"one_trip_rate": rate.to_numpy(), "overdue_open": overdue.to_numpy()}, index=site_ids)


def _nobody(results: Any, site_ids: list[str]) -> pd.Series:
    """Share of visits that found nobody per station: per replication, then averaged over replications."""
    sd = results.site_days
    if "found_nobody" not in sd:
        return pd.Series(np.nan, index=site_ids)
    g = sd.assign(site=sd["site_id"].astype(str)).groupby(["replication", "site"])[["found_nobody", "arrivals"]].sum()
    share = g["found_nobody"] / g["arrivals"].where(g["arrivals"] > 0)
    return share.groupby(level=1).mean().reindex(site_ids)


_RECENT: list[tuple[str, Any, pd.DataFrame]] = []  # the last two site_kpis (scenario hash, results, table)


def site_kpis(scenario: Any, results: Any | None = None) -> pd.DataFrame:
    """Per site (index site_id): level, name_zh, name_en and every figure of :data:`SITE_KPIS` that can be
    computed (the simulated ones only with ``results``). The last two are kept (a brief and the dashboard
    ask for the same run's figures several times: map, its CSV, the click-through); a copy is returned."""
    key = scenario.hash()
    for k, r, table in _RECENT:
        if k == key and r is results:  # the very same results object (held here, so its id is not reused)
            return table.copy()
    table = _site_kpis(scenario, results)
    _RECENT.insert(0, (key, results, table))
    del _RECENT[2:]  # results are large: the two runs of a dashboard page at most
    return table.copy()


def _site_kpis(scenario: Any, results: Any | None) -> pd.DataFrame:
    from ..staffing import wisn_table  # lazy: the map of a brief loads the estimate only when drawn

    ids = [s.site_id for s in scenario.sites]
    out = pd.DataFrame({"level": [s.level for s in scenario.sites], "name_zh": [s.name_zh for s in scenario.sites],
                        "name_en": [s.name_en for s in scenario.sites]}, index=ids)
    w = wisn_table(scenario).set_index("site_id")
    for k in ("wisn_ratio", "pressure"):
        out[k] = w[k].reindex(ids).to_numpy(dtype=float)
    if results is not None:
        out["wasted_trip_share"] = _nobody(results, ids).to_numpy()
        out = out.join(_case_kpis(results, ids))
    out.index.name = "site_id"
    return out


def kpi_text(value: float, kpi: str, lang: str) -> str:
    """A map label's value as the tables write it."""
    kind = SITE_KPIS[kpi].kind
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return formats.MISSING if not (isinstance(value, float) and math.isinf(value)) else "∞"
    if kind == "share":
        return formats.share(value, lang, 0)
    return formats.number(value, lang, 2 if kind == "ratio" else 1)


def map_numbers(scenario: Any, results: Any | None = None, kpi: str = "wisn_ratio", lang: str = "zh", *,
                data: pd.DataFrame | None = None) -> pd.DataFrame:
    """The numbers the map shows, one row per township station and the county center: site id, name,
    level, position and the figure (for the map's CSV and the dashboard's click-through). ``data``: the
    per-site figures in the form of :func:`site_kpis` when they come from elsewhere (the bulletin's)."""

    data = site_kpis(scenario, results) if data is None else data
    pos = site_positions(scenario).set_index("site_id")
    shown = [s.site_id for s in scenario.sites if s.level != "village"]
    out = pd.DataFrame({"site_id": shown, "site": [data.at[s, "name_zh" if lang == "zh" else "name_en"] for s in shown],
                        "level": [level_short(data.at[s, "level"], lang) for s in shown],
                        "x": pos.loc[shown, "x"].round(6).to_numpy(), "y": pos.loc[shown, "y"].round(6).to_numpy(),
                        "value": data.loc[shown, kpi].to_numpy(dtype=float)})
    label = tr(SITE_KPIS[kpi].label_key, lang)
    if SITE_KPIS[kpi].kind == "share":  # in percent, as the chart tables of the brief
        out["value"] = out["value"] * 100
        label = tr("charts.axis_with_unit", lang, label=label, unit="%")
    return labelled(out, lang, {"value": label, "x": tr("sitemap.col.x", lang), "y": tr("sitemap.col.y", lang)})


def township_map(scenario: Any, results: Any | None = None, *, kpi: str = "wisn_ratio", lang: str = "zh",
                 fig: Figure | SubFigure | None = None, data: pd.DataFrame | None = None) -> Figure | SubFigure:
    """The township map coloured by ``kpi`` (a key of :data:`SITE_KPIS`), each station's value written
    under its name. ``data``: :func:`site_kpis` if already computed."""
    if kpi not in SITE_KPIS:
        raise KeyError(kpi)
    spec = SITE_KPIS[kpi]
    data = site_kpis(scenario, results) if data is None else data
    if kpi not in data:
        raise ValueError(f"{kpi} needs simulation results")
    pos = site_positions(scenario).set_index("site_id")
    meta = getattr(results, "meta", None) or {"scenario_name": scenario.name(lang), "scenario_hash": scenario.hash(),
                                               "seed": scenario.spec.seed}
    with chart_frame(fig, lang, meta, scenario=scenario) as f:
        ax = f.add_subplot()
        _draw(ax, scenario, pos, data, kpi, lang, f)
        ax.set_title(tr("sitemap.title", lang, kpi=tr(spec.label_key, lang)))
    return f


def _draw(ax: Any, scenario: Any, pos: pd.DataFrame, data: pd.DataFrame, kpi: str, lang: str, f: Any) -> None:
    center = scenario.county_center.site_id
    villages = pos[pos["level"] == "village"]
    for _, r in villages.iterrows():  # thin spokes to the station a village belongs to
        if r["parent_id"] in pos.index:
            p = pos.loc[r["parent_id"]]
            ax.plot([r["x"], p["x"]], [r["y"], p["y"]], color="#CCCCCC", linewidth=0.5, zorder=1)
    ax.scatter(villages["x"], villages["y"], s=6, color="#999999", zorder=2, label=level_short("village", lang))
    main = pos[pos["level"] != "village"]
    for sid, r in main.iterrows():
        if sid != center and r["parent_id"] in pos.index:
            p = pos.loc[r["parent_id"]]
            ax.plot([r["x"], p["x"]], [r["y"], p["y"]], color="#888888", linewidth=0.8, zorder=1)
    vals = data.loc[main.index, kpi].to_numpy(dtype=float)
    finite = vals[np.isfinite(vals)]
    norm = Normalize(float(finite.min()) if len(finite) else 0.0, float(finite.max()) if len(finite) else 1.0)
    if norm.vmin == norm.vmax:
        norm = Normalize(norm.vmin - 0.5, norm.vmax + 0.5)
    cmap = "cividis" if SITE_KPIS[kpi].higher_is_better else "cividis_r"  # darker is worse, either way
    sizes = np.where(main.index == center, 420, 260)
    markers = main.index == center
    pts = None
    for is_center, marker in ((False, "o"), (True, "s")):
        m = markers == is_center
        pts = ax.scatter(main["x"][m], main["y"][m], c=np.where(np.isfinite(vals[m]), vals[m], np.nan), cmap=cmap,
                         norm=norm, s=sizes[m], marker=marker, edgecolors="black", linewidths=0.8, zorder=3,
                         plotnonfinite=True)
    col = "name_zh" if lang == "zh" else "name_en"
    for sid, r in main.iterrows():
        text = f"{_short_site(str(data.at[sid, col]), lang)}\n{kpi_text(float(data.at[sid, kpi]), kpi, lang)}"
        ax.annotate(text, (r["x"], r["y"]), xytext=(0, -11), textcoords="offset points", ha="center", va="top",
                    fontsize="x-small", zorder=4, gid=f"site-{sid}", linespacing=1.1,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    if pts is not None:
        bar = f.colorbar(pts, ax=ax, fraction=0.04, pad=0.01)
        bar.set_label(tr(SITE_KPIS[kpi].label_key, lang), fontsize="x-small")
        if SITE_KPIS[kpi].kind == "share":
            bar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.12)
    ax.set_axis_off()


def site_anchors(fig: Figure) -> dict[str, tuple[float, float]]:
    """Where each station of a drawn map lies on the figure, as fractions of its width and height from the
    top left (site_id -> (x, y)): for clickable spots over the map's picture (the dashboard)."""
    fig.canvas.draw()
    w, h = fig.bbox.width, fig.bbox.height
    out = {}
    for ax in fig.axes:
        for t in ax.texts:
            gid = t.get_gid() or ""
            if gid.startswith("site-"):
                x, y = ax.transData.transform(t.xy)
                out[gid[5:]] = (float(x / w), float(1 - y / h))
    return out
