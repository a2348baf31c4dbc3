"""Reading the numbers charts show out of ``Results`` and ``Budget`` objects, without recomputing the model.

Only selection and aggregation of what the simulation and the fiscal model already produced:
picking KPI rows from ``Results.summary``, averaging ``Results.site_days`` over replications and
months, counting open cases per day from ``Results.cases``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..scenario.spec import SITE_LEVELS
from ..stats import t_half_width
from ..wording import LabelColumns

__all__ = [
    "has_kpi",
    "OVERALL",
    "Estimate",
    "kpi",
    "by_level",
    "by_case_type",
    "start_date",
    "day_to_date",
    "monthly_utilisation",
    "open_per_day",
    "petition_types",
]

OVERALL = ("all", "", None)  # how a summary row says "every level" / "every case type"


@dataclass(frozen=True)
class Estimate(LabelColumns):
    """A KPI value with its 95% confidence interval across replications (``lo``/``hi`` may be NaN)."""

    mean: float
    lo: float = math.nan
    hi: float = math.nan
    unit: str = ""
    label_zh: str = ""
    label_en: str = ""
    replications: int = 0  # how many replications had a value (e.g. cleared the backlog)



def _is_overall(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype("string").isin(["all", ""]).fillna(False)


def _select(summary: pd.DataFrame, metric: str, level: str | None, case_type: str | None) -> pd.DataFrame:
    rows = summary[summary["metric"] == metric]
    if "level" in rows:
        rows = rows[_is_overall(rows["level"])] if level in OVERALL else rows[rows["level"].astype("string") == level]
    if "case_type" in rows:
        rows = (rows[_is_overall(rows["case_type"])] if case_type in OVERALL
                else rows[rows["case_type"].astype("string") == case_type])
    return rows


def _estimate(row: pd.Series) -> Estimate:
    def num(key: str) -> float:
        v = row.get(key, math.nan)
        return float(v) if v is not None and not pd.isna(v) else math.nan

    reps = num("replications")
    return Estimate(num("mean"), num("ci_low"), num("ci_high"), str(row.get("unit", "") or ""),
                    str(row.get("label_zh", "") or ""), str(row.get("label_en", "") or ""),
                    0 if math.isnan(reps) else int(reps))


def kpi(results: Any, metric: str, level: str | None = None, case_type: str | None = None) -> Estimate | None:
    """One summary KPI (``None`` if the results do not have it, e.g. no petitions in the scenario)."""
    rows = _select(results.summary, metric, level, case_type)
    if rows.empty:
        return None
    est = _estimate(rows.iloc[0])
    return None if math.isnan(est.mean) else est


def has_kpi(results: Any, metric: str, level: str | None = None, case_type: str | None = None) -> bool:
    """Whether the results have a summary row for the KPI (its value may still be missing, e.g. nobody served)."""
    return not _select(results.summary, metric, level, case_type).empty


def site_levels(results: Any) -> tuple[str, ...]:
    """The site levels of the scenario the results came from (bottom to top); the bundled ones for
    results saved before ``meta["site_levels"]`` existed."""
    return tuple(getattr(results, "meta", {}).get("site_levels") or SITE_LEVELS)


def by_level(results: Any, metric: str, levels: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows (level, mean, ci_low, ci_high) of ``metric`` over every case type, for the levels present
    (default: the results' site levels)."""
    out = []
    for lv in (site_levels(results) if levels is None else levels):
        est = kpi(results, metric, lv)
        if est is not None:
            out.append((lv, est.mean, est.lo, est.hi))
    return pd.DataFrame(out, columns=["level", "mean", "ci_low", "ci_high"])


def by_case_type(results: Any, metric: str, case_types: Iterable[str]) -> pd.DataFrame:
    """Rows (case_type, mean, ci_low, ci_high) of ``metric`` over every level, for the case types present."""
    out = []
    for ct in case_types:
        est = kpi(results, metric, None, ct)
        if est is not None:
            out.append((ct, est.mean, est.lo, est.hi))
    return pd.DataFrame(out, columns=["case_type", "mean", "ci_low", "ci_high"])


def start_date(results: Any) -> dt.date:
    """First simulated day (``meta['start_date']``, else the first date in ``site_days``)."""
    value = results.meta.get("start_date")
    if value is None and len(results.site_days):
        value = results.site_days["date"].min()
    return pd.Timestamp(value).date()


def day_to_date(results: Any, day: float) -> dt.date:
    """Calendar date of a simulation day number (day 0 is ``start_date``); dates pass through."""
    if isinstance(day, (dt.date, pd.Timestamp, np.datetime64)):
        return pd.Timestamp(day).date()
    return start_date(results) + dt.timedelta(days=float(day))


def monthly_utilisation(results: Any, village_rows: str = "mean") -> pd.DataFrame:
    """Mean staff utilisation per site and calendar month, over replications (tidy: site_id, level, month, value).

    Weighted by available staff minutes, so that closed days and holidays do not count as zeros.
    Village stations are many (~200): with ``village_rows="mean"`` they are pooled into one row
    with ``site_id="village"``. ``month`` is the first day of the month.
    """
    sd = results.site_days
    if sd.empty:
        return pd.DataFrame(columns=["site_id", "level", "month", "value"])
    df = pd.DataFrame({
        "site_id": sd["site_id"].astype(str),
        "level": sd["level"].astype(str),
        "month": pd.to_datetime(sd["date"]).dt.to_period("M").dt.to_timestamp(),
        "avail": sd["available_min"].astype(float),
    })
    df["busy"] = sd["utilisation"].astype(float).to_numpy() * df["avail"].to_numpy()
    if village_rows == "mean":
        df.loc[df["level"] == "village", "site_id"] = "village"
    g = df.groupby(["site_id", "level", "month"], sort=False)[["busy", "avail"]].sum().reset_index()
    g["value"] = np.where(g["avail"] > 0, g["busy"] / g["avail"].where(g["avail"] > 0, 1.0), np.nan)
    return g[["site_id", "level", "month", "value"]]


def petition_types(scenario: Any | None) -> list[str]:
    """Case types that are petitions (信访): from the scenario, else the conventional name ``petition``."""
    if scenario is None:
        return ["petition"]
    return [ct for ct, spec in scenario.spec.case_types.items() if spec.is_petition]


def open_per_day(cases: pd.DataFrame, days: int, replications: int) -> pd.DataFrame:
    """Mean number of open cases at the end of each day 0..days-1, with a 95% Student-t CI over replications.

    A case is open on day ``d`` if it arrived on or before ``d`` and has not finished by the end
    of ``d`` (unfinished cases have no ``finish_day``). Returns columns day, mean, ci_low, ci_high.
    """
    reps = max(int(replications), 1)
    counts = np.zeros((reps, days), dtype=float)
    if not cases.empty:
        rep_ids = {r: i for i, r in enumerate(sorted(cases["replication"].unique()))}
        rep = cases["replication"].map(rep_ids).to_numpy()
        start = np.clip(np.floor(_as_day(cases["arrival_day"])).astype(int), 0, days)
        fin = _as_day(cases["finish_day"])
        end = np.where(np.isnan(fin), days, np.clip(np.floor(fin).astype(float), 0, days)).astype(int)
        diff = np.zeros((reps, days + 1))
        keep = end > start
        np.add.at(diff, (rep[keep], start[keep]), 1.0)
        np.add.at(diff, (rep[keep], end[keep]), -1.0)
        counts = np.cumsum(diff, axis=1)[:, :days]
    mean = counts.mean(axis=0)
    if reps > 1:  # Student-t interval, as in Results.summary
        half = t_half_width(counts.std(axis=0, ddof=1), reps)
    else:
        half = np.full(days, np.nan)
    return pd.DataFrame({"day": np.arange(days), "mean": mean, "ci_low": mean - half, "ci_high": mean + half})


def _as_day(col: pd.Series) -> np.ndarray:
    """Day numbers as floats (NaN where a case has not finished)."""
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
