"""The bulletin's figures from the imported ledger records: per station and per township, for one period.

What is counted, per station (the site that received the matter), for the period [start, end]:

* ``visits``: ledger rows of walk-ins (channel ``visit``) dated in the period -- trips, not matters;
* ``found_nobody``: of those, the walk-ins that found the station unstaffed (无人接待);
* ``received``: matters (repeat trips of one person for one matter grouped, as the calibration does:
  :func:`vetsim.ledgerfit.matters.matters`) first received in the period;
* ``resolved``: matters resolved in the period, whenever received;
* one-trip rate, the KPI's own formula (:mod:`vetsim.kpis`): of the matters received in the period,
  those resolved by the period's end with at most one trip, over those resolved plus those still open
  that the veteran already came for;
* share resolved at this level: matters received in the period and resolved at the station without
  being handed on or referred, over **all** matters received in the period, open ones included;
* ``overdue_open``: matters open at the period's end whose limit (``caseload.csv``
  ``deadline_working_days`` of the case type at the station's level, in working days of the scenario's
  calendar) has passed, whenever received; its share is over the matters on hand in the period (received
  in it, or open at its start).

The records are cut at the period's end first (rows dated later dropped, a resolution after the end
counts as open), so a bulletin says what was known at the period's end and the previous period's
figures do not change when later months are imported. A township's figures are its own station's
plus its village stations' (sums of the counts, rates from the summed counts). Every rate counts the
open matters of its window: a station that stops closing matters does not look better.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..ledgerfit.matters import all_rows, matters
from ..ledgerfit.schema import MATTER_COLUMNS
from ..scenario import Scenario
from ..work.calendar import WorkCalendar
from .period import Period
from .rules import MEASURES, Rule

__all__ = ["COUNTS", "RATES", "station_counts", "figure_table", "score_table", "Figures", "period_figures"]

COUNTS: tuple[str, ...] = ("visits", "found_nobody", "received", "resolved", "trip_num", "trip_den", "here_num",
                           "overdue_open", "on_hand")
# rate -> (numerator, denominator)
RATES: dict[str, tuple[str, str]] = {"one_trip_rate": ("trip_num", "trip_den"), "resolved_here_share": ("here_num", "received"),
                                     "overdue_share": ("overdue_open", "on_hand"),
                                     "found_nobody_share": ("found_nobody", "visits")}
_STATION_LEVELS = ("county_center", "township", "village")


def _cut(records: Mapping[str, pd.DataFrame], end: pd.Timestamp) -> pd.DataFrame:
    rows = all_rows(records)
    rows = rows[rows["date"] <= end].copy()
    rows.loc[rows["resolved_date"] > end, "resolved_date"] = pd.NaT
    return rows


def _overdue(m: pd.DataFrame, scenario: Scenario, end: pd.Timestamp) -> pd.Series:
    """Open matters past their limit at ``end`` (working days of the scenario's calendar)."""
    limit = {(r.case_type, r.level): r.deadline_working_days for r in scenario.caseload}
    days = pd.Series([limit.get(k, math.nan) for k in zip(m["case_type"], m["level"], strict=True)], index=m.index, dtype=float)
    if m.empty:
        return pd.Series(False, index=m.index)
    origin = m["date"].min().date()
    last = (end.date() - origin).days
    cal = WorkCalendar.build(origin, 0, max(last, 0), scenario.spec.simulation.calendar, warn=False)
    first = (m["date"].dt.normalize() - pd.Timestamp(origin)).dt.days.to_numpy(np.int64)
    worked = cal.working_days_between(first, np.full(len(m), last, dtype=np.int64))
    return m["resolved_date"].isna() & (pd.Series(worked, index=m.index) > days)


def station_counts(records: Mapping[str, pd.DataFrame], scenario: Scenario, period: Period) -> pd.DataFrame:
    """The counts of :data:`COUNTS` per receiving site (``site_id`` index) for ``period``."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    rows = _cut(records, end)
    inside = rows["date"] >= start
    walk = rows[inside & (rows["channel"] == "visit")]
    out = pd.DataFrame({"visits": walk.groupby("site_id").size(),
                        "found_nobody": walk[walk["found_nobody"]].groupby("site_id").size()})
    m = matters({"visits": rows[list(MATTER_COLUMNS)]})
    done = m["resolved_date"].notna()
    new = m["date"] >= start
    direct = (m["referred_to"] == "") & (m["handed_to"] == "")
    flags = pd.DataFrame({
        "site_id": m["site_id"], "received": new,
        "resolved": done & (m["resolved_date"] >= start),
        "trip_num": new & done & (m["trips"] <= 1),
        "trip_den": new & (done | (m["trips"] >= 1)),
        "here_num": new & done & direct,
        "overdue_open": _overdue(m, scenario, end),
        "on_hand": new | (~done | (m["resolved_date"] >= start)),
    })
    out = out.join(flags.groupby("site_id").sum(), how="outer")
    return out.reindex(columns=list(COUNTS)).fillna(0).astype(np.int64)


def _rates(df: pd.DataFrame) -> pd.DataFrame:
    for rate, (num, den) in RATES.items():
        df[rate] = np.where(df[den] > 0, df[num] / df[den].where(df[den] > 0, 1), np.nan)
    return df


def figure_table(counts: pd.DataFrame, scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stations, townships): counts and rates per station of the township and village levels (and the
    county center), and per township (its station plus its villages), in the scenario's order."""
    sites = [s for s in scenario.sites if s.level in _STATION_LEVELS]
    township = {s.site_id: (s.site_id if s.level == "township" else s.parent_id if s.level == "village" else "")
                for s in sites}
    stations = pd.DataFrame({"site_id": [s.site_id for s in sites], "level": [s.level for s in sites],
                             "township_id": [township[s.site_id] for s in sites]})
    stations = stations.join(counts, on="site_id").fillna({c: 0 for c in COUNTS})
    stations[list(COUNTS)] = stations[list(COUNTS)].astype(np.int64)
    order = [s.site_id for s in sites if s.level == "township"]
    towns = stations[stations["township_id"] != ""].groupby("township_id")[list(COUNTS)].sum().reindex(order).fillna(0)
    towns = towns.astype(np.int64).rename_axis("site_id").reset_index()
    towns.insert(1, "level", "township")
    towns.insert(2, "township_id", towns["site_id"])
    return _rates(stations), _rates(towns)


def score_table(df: pd.DataFrame, rules: tuple[Rule, ...]) -> pd.DataFrame:
    """``df`` with per measure its component (``c_<measure>``, 0..1) and flag (``flag_<measure>``), the
    weights counted (``weight_used``) and the composite ``score`` (0..100; NaN without any figure)."""
    out = df.copy()
    num = np.zeros(len(out))
    den = np.zeros(len(out))
    for r in rules:
        comp = np.array([r.component(v) for v in out[r.measure]], dtype=float)
        out[f"c_{r.measure}"] = comp
        out[f"flag_{r.measure}"] = [r.flag(v) for v in out[r.measure]]
        have = ~np.isnan(comp)
        num += np.where(have, r.weight * np.nan_to_num(comp), 0.0)
        den += np.where(have, r.weight, 0.0)
    out["weight_used"] = den
    out["score"] = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)
    return out


def _rank(towns: pd.DataFrame) -> pd.Series:
    """通报排名: 1 = highest score; equal scores (to 0.01) share a place; no score, no place."""
    return towns["score"].round(2).rank(ascending=False, method="min")


@dataclass(frozen=True)
class Figures:
    """One period's figures: ``stations`` and ``townships`` (counts, rates, components, flags, score;
    townships also ``rank``)."""

    period: Period
    stations: pd.DataFrame
    townships: pd.DataFrame
    rows: int  # ledger rows dated in the period

    @property
    def empty(self) -> bool:
        return self.rows == 0


def period_figures(records: Mapping[str, pd.DataFrame], scenario: Scenario, period: Period,
                   rules: tuple[Rule, ...]) -> Figures:
    """The figures of ``period`` from ``records`` (by kind, as the import writes them)."""
    counts = station_counts(records, scenario, period)
    stations, towns = figure_table(counts, scenario)
    stations, towns = score_table(stations, rules), score_table(towns, rules)
    towns["rank"] = _rank(towns)
    rows = sum(int(((df["date"] >= pd.Timestamp(period.start)) & (df["date"] <= pd.Timestamp(period.end))).sum())
               for k, df in records.items() if k != "register" and "date" in df)
    assert set(MEASURES) <= set(stations.columns)
    return Figures(period, stations, towns, rows)
