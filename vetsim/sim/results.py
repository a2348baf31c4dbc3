"""``Results`` of a simulation: tidy frames, a KPI summary with 95% confidence intervals, Parquet I/O."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..files import atomic_folder, verify_manifest
from ..kpis import KPIS, cut_interval
from ..stats import t_half_width, wilson_interval

__all__ = ["Results", "METRICS", "summarise"]

# metric -> (unit, Chinese label, English label): a view of the one KPI table, vetsim.kpis
METRICS: dict[str, tuple[str, str, str]] = {k.id: (k.unit, k.zh, k.en) for k in KPIS.values()}

FRAMES = ("cases", "visits", "site_days", "summary")


def summarise(per_rep: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% Student-t CI across replications for each (metric, level, case_type).

    Replications without a value (e.g. ``petition_backlog_zero_day`` when the backlog never
    reaches zero) are left out; ``replications`` says how many had one (0: the mean is NaN) and
    ``runs`` how many runs there were, so a figure over fewer runs can say "n of N runs". A chance
    over runs (``Kpi.binary``, 0 or 1 per run) gets Wilson's interval (:func:`vetsim.stats.wilson_interval`).
    The interval is cut to the metric's range (:func:`vetsim.kpis.cut_interval`): no metric can be
    negative and a share cannot exceed 1, except workload pressure (work due over time present).
    """
    g = per_rep.groupby(["metric", "level", "case_type"], sort=False)["value"]  # NaN values are skipped
    out = g.agg(mean="mean", sd="std", replications="count", hits="sum").reset_index()
    half = t_half_width(out["sd"].to_numpy(), out["replications"].to_numpy())
    out["unit"] = [METRICS[m][0] for m in out["metric"]]
    cut = [cut_interval(m, lo, hi) for m, lo, hi in zip(out["metric"], out["mean"] - half, out["mean"] + half)]
    out["ci_low"] = [lo for lo, _hi in cut]
    out["ci_high"] = [hi for _lo, hi in cut]
    binary = out["metric"].map(lambda m: KPIS[m].binary if m in KPIS else False).to_numpy(dtype=bool)
    if binary.any():  # a chance over runs: Wilson's interval (3 of 4 runs is not "0%-100%")
        lo, hi = wilson_interval(out.loc[binary, "hits"].to_numpy(), out.loc[binary, "replications"].to_numpy())
        out.loc[binary, "ci_low"], out.loc[binary, "ci_high"] = lo, hi
    # how many runs there were: a figure over fewer runs (a day reached in some runs only) says "n of N runs"
    out["runs"] = int(per_rep["replication"].nunique()) if "replication" in per_rep else out["replications"]
    out["label_zh"] = [METRICS[m][1] for m in out["metric"]]
    out["label_en"] = [METRICS[m][2] for m in out["metric"]]
    order = {m: i for i, m in enumerate(METRICS)}
    # "all" first, then the levels in the order the replication tables list them (the registry's, bottom to top)
    lv_order = {lv: i for i, lv in enumerate(dict.fromkeys(["all", *per_rep["level"].astype(str)]))}
    ct_order = {c: i for i, c in enumerate(dict.fromkeys(per_rep["case_type"]))}
    keys = {"metric": order, "level": lv_order, "case_type": ct_order}
    out = out.sort_values(["metric", "level", "case_type"], key=lambda s: s.map(keys[s.name]))
    cols = ["metric", "level", "case_type", "mean", "ci_low", "ci_high", "replications", "runs", "unit", "label_zh",
            "label_en"]
    return out[cols].reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Results:
    """Everything a simulation produced; frames are tidy, one row per case / visit / site-day / KPI.

    ``summary`` levels: visit metrics by the site's level; case metrics (arrived, finished, open,
    one-trip rate, on-time share, resolution time) by the level where the case started;
    ``backlog_end`` by the level where the open case now is (``partner`` included).
    Definitions: every KPI once in :mod:`vetsim.kpis` (formula, unit, direction); rates count every
    case of the window, open ones included. ``petition_backlog_*`` follow the petitions open at the
    start (信访积案).
    ``visits`` also has ``arrive_min`` (minutes from the start date 00:00), ``service_min`` and
    ``found_nobody``; ``site_days`` also has ``day`` (index from the start date), ``staff_present``,
    the minutes of each kind of work done (``busy_counter_min``, ``busy_backoffice_min``,
    ``busy_duties_min``, ``busy_campaign_min``, ``other_work_min``, ``cover_min``) and the casework that
    arrived (``casework_in_min``), and keeps a site's open days and any day with activity. ``work``:
    duties and campaigns per site and period, owed and done by the due day (see ``work_by_site``).
    A KPI-only run (``simulate(..., tables=False)``, ``meta["tables"] is False``) has ``summary``,
    ``per_replication`` and ``meta`` only: ``cases``, ``visits``, ``site_days`` and ``work`` are None.
    """

    cases: pd.DataFrame | None  # None in a KPI-only run, as visits and site_days
    visits: pd.DataFrame | None
    site_days: pd.DataFrame | None
    summary: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    per_replication: pd.DataFrame | None = None  # metric values of each replication (the input of summary)
    work: pd.DataFrame | None = None  # duties and campaigns per site and period: owed, done by the due day

    def kpi(self, metric: str, level: str = "all", case_type: str = "all") -> float:
        """Mean across replications of ``metric`` for ``level`` and ``case_type``."""
        s = self.summary
        hit = s[(s["metric"] == metric) & (s["level"] == level) & (s["case_type"] == case_type)]
        if hit.empty:
            if metric not in METRICS:
                raise KeyError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")
            raise KeyError(f"no value for {metric!r} at level {level!r}, case type {case_type!r}")
        return float(hit["mean"].iloc[0])

    def work_by_site(self, kind: str = "duty") -> pd.DataFrame:
        """Duties (``kind="duty"``) or campaigns per site and item: hours owed and done by the due date a year
        (mean over replications), and the share done on time -- where work is dropped, and what.

        Only periods due inside the simulated window count; sorted with the worst coverage first.
        """
        cols = ["site_id", "level", "item", "owed_h", "done_by_due_h", "coverage"]
        w = self.work
        if w is None or w.empty:
            return pd.DataFrame(columns=cols)
        w = w[(w["kind"] == kind) & w["done_by_due_min"].notna()]
        n = int(self.meta.get("replications") or w["replication"].nunique() or 1)
        g = w.groupby(["site_id", "level", "item"], observed=True)[["owed_min", "done_by_due_min"]].sum() / (60.0 * n)
        out = g.rename(columns={"owed_min": "owed_h", "done_by_due_min": "done_by_due_h"}).reset_index()
        out["coverage"] = out["done_by_due_h"] / out["owed_h"]
        return out.sort_values(["coverage", "site_id"], kind="stable").reset_index(drop=True)[cols]

    def to_parquet(self, folder: str | Path, force: bool = False) -> Path:
        """Write every frame as ``<name>.parquet`` and ``meta.json`` into ``folder`` as a whole.

        The folder is filled as a temp sibling and renamed into place with a manifest
        (:func:`vetsim.files.atomic_folder`): an interrupted write leaves the old folder or none,
        never new frames beside an old ``meta.json``. ``folder`` must not be a scenario or a
        non-empty folder vetsim did not write (unless ``force``); its parent must exist.
        """
        out = Path(folder)
        if self.cases is None:
            raise ValueError("a KPI-only run (simulate(..., tables=False)) has no tables to write")
        frames = {name: getattr(self, name) for name in FRAMES}
        if self.per_replication is not None:
            frames["per_replication"] = self.per_replication
        if self.work is not None:
            frames["work"] = self.work
        text = json.dumps(self.meta, ensure_ascii=False, indent=2, default=str)
        with atomic_folder(out, "results", force=force,
                           meta={"scenario_hash": self.meta.get("scenario_hash"), "seed": self.meta.get("seed")}) as tmp:
            for name, df in frames.items():
                df.to_parquet(tmp / f"{name}.parquet", index=False)
            (tmp / "meta.json").write_text(text, encoding="utf-8")
        return out

    @classmethod
    def from_parquet(cls, folder: str | Path) -> Results:
        """Read back what :meth:`to_parquet` wrote; a folder whose manifest does not match is refused."""
        src = Path(folder)
        listed = verify_manifest(src, "results", (*(f"{n}.parquet" for n in FRAMES), "meta.json"))["files"]
        frames = {name: pd.read_parquet(src / f"{name}.parquet") for name in FRAMES}
        per = src / "per_replication.parquet"
        work = src / "work.parquet"
        meta = json.loads((src / "meta.json").read_text(encoding="utf-8"))
        per_rep = pd.read_parquet(per) if "per_replication.parquet" in listed else None
        return cls(**frames, meta=meta, per_replication=per_rep,
                   work=pd.read_parquet(work) if "work.parquet" in listed else None)
