"""Observed vs simulated, and the back-test of a ledger fit (issue 12, item 4).

* :func:`validate`: the fitted overlay simulated over the ledgers' own window (same start date, same
  months), each replication's cases turned into records and measured like the observed ones; per
  level x case type the observed value beside the simulated mean and its 95% interval
  (:func:`vetsim.stats.t_interval`) and the 95% prediction interval of one more run (Student t).
* :func:`backtest`: fit on the first ``fit_months`` months, predict every later month's matters per
  level x case type, and count the observed months inside the 90% prediction interval. The
  prediction is the model's arrival process (Poisson counts of yearly volume x monthly share) with
  the fit's uncertainty: yearly rate ~ Gamma(n + 1/2, years) and pattern ~ Dirichlet(counts + 1/2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..ledgerfit.fit import fit_ledger, period_of
from ..ledgerfit.matters import matters
from ..scenario import Scenario
from ..stats import t_interval, t_quantile
from ..wording import tr
from .draw import records_from_results, simulate_years
from .measures import measures, month_labels

__all__ = ["validate", "backtest", "Backtest", "COMPARE_COLUMNS", "verdict", "Verdict"]

COMPARE_COLUMNS = ["level", "case_type", "measure", "month", "observed", "simulated", "ci_low", "ci_high",
                   "range_low", "range_high", "inside_range"]


def validate(records: Mapping[str, pd.DataFrame], fitted: Scenario, replications: int = 5, seed: int = 0,
             start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Observed vs simulated measures (``COMPARE_COLUMNS``) over the ledgers' window."""
    if start is None or end is None:
        p0, p1 = period_of(matters(records))
        start, end = start or p0, end or p1
    years = (end - start).days / 365.0
    long, res = simulate_years(fitted, years, seed, replications=replications, start=start)
    obs = measures(records, start, end).rename(columns={"value": "observed"})
    sims = [measures(records_from_results(long, res, r, seed), start, end).assign(rep=r) for r in range(replications)]
    sim = pd.concat(sims, ignore_index=True)
    keys = ["level", "case_type", "measure", "month"]
    rows = []
    for key, g in sim.groupby(keys, sort=False):
        x = g["value"].to_numpy(float)
        mean, lo, hi = t_interval(x)
        ok = x[~np.isnan(x)]
        # 95% prediction interval of one more run (one more year of records): mean +- t s sqrt(1 + 1/n)
        half = t_quantile(0.975, len(ok) - 1) * ok.std(ddof=1) * np.sqrt(1 + 1 / len(ok)) if len(ok) > 1 else np.nan
        r_lo, r_hi = max(mean - half, 0.0), mean + half
        rows.append((*key, mean, lo, hi, r_lo, r_hi))
    s = pd.DataFrame(rows, columns=[*keys, "simulated", "ci_low", "ci_high", "range_low", "range_high"])
    out = obs.merge(s, on=keys, how="outer")
    out["inside_range"] = (out["observed"] >= out["range_low"]) & (out["observed"] <= out["range_high"])
    return out[COMPARE_COLUMNS]


@dataclass(frozen=True)
class Backtest:
    """Monthly predictions of the later months and how many observed values fell inside."""

    table: pd.DataFrame  # level, case_type, month, observed, predicted, low, high, inside
    fit_start: dt.date
    fit_end: dt.date
    level: float

    @property
    def coverage(self) -> float:
        return float(self.table["inside"].mean()) if len(self.table) else float("nan")

    @property
    def n(self) -> int:
        return len(self.table)


def _add_months(d: dt.date, n: int) -> dt.date:
    k = d.month - 1 + n
    return dt.date(d.year + k // 12, k % 12 + 1, 1)


def backtest(records: Mapping[str, pd.DataFrame], scenario: Scenario, fit_months: int = 12, level: float = 0.9,
             draws: int = 4000, seed: int = 0) -> Backtest:
    """Fit on the first ``fit_months`` months of the records, predict the rest month by month."""
    m = matters(records)
    start, end = period_of(m)
    fit_end = _add_months(start, fit_months)
    fit = fit_ledger(records, scenario, start, fit_end)
    later = month_labels(fit_end, end)
    m = m[(m["date"] >= pd.Timestamp(fit_end)) & (m["date"] < pd.Timestamp(end))]
    obs = m.assign(month=m["date"].dt.strftime("%Y-%m")).groupby(["level", "case_type", "month"]).size()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4]))
    a = (1 - level) / 2
    rows = []
    vols = fit.level_volumes()
    for _, row in fit.monthly.iterrows():
        lv, ct = row["level"], row["case_type"]
        v = vols[(vols["level"] == lv) & (vols["case_type"] == ct)].iloc[0]
        n = float(v["n"])
        pattern_counts = np.array([row[f"m{i + 1:02d}"] for i in range(12)]) * n
        rate = rng.gamma(n + 0.5, 1.0 / fit.years, draws)
        pat = rng.dirichlet(pattern_counts + 0.5, draws)
        for mo in later:
            k = int(mo[5:]) - 1
            y = rng.poisson(rate * pat[:, k])
            lo, hi = np.quantile(y, [a, 1 - a])
            o = float(obs.get((lv, ct, mo), 0))
            rows.append((lv, ct, mo, o, float(np.mean(rate * pat[:, k])), float(lo), float(hi), bool(lo <= o <= hi)))
    table = pd.DataFrame(rows, columns=["level", "case_type", "month", "observed", "predicted", "low", "high", "inside"])
    return Backtest(table, start, fit_end, level)



# a measure fails when more of its values fall outside their 95% interval than chance makes likely
# (the 99.5% quantile of Binomial(n, 0.05)); the monthly back-test when its coverage of the 90%
# prediction interval lies below 90% by more than 2.58 binomial standard errors
VERDICT_QUANTILE = 0.995
# a prediction interval from fewer runs rests on a standard deviation too rough to judge by (two runs
# that happen to agree give an interval of almost nothing): the comparison is then shown, not judged
VERDICT_MIN_REPLICATIONS = 5


@dataclass(frozen=True)
class Verdict:
    """Per measure: values compared, values outside their interval, how many chance allows; fits or not."""

    table: pd.DataFrame  # measure, n, outside, allowed, fails
    fits: bool
    runs_too_few: bool = False  # the measures were not judged (fewer than VERDICT_MIN_REPLICATIONS runs)

    def failing(self) -> list[str]:
        return self.table.loc[self.table["fails"], "measure"].tolist()

    def line(self, lang: str = "zh") -> str:
        few = tr("calibration.verdict_few_runs", lang, most=VERDICT_MIN_REPLICATIONS) if self.runs_too_few else ""
        if self.fits:
            return tr("calibration.verdict_fits", lang, n=int(self.table["n"].sum())) + few
        items = []
        for _, r in self.table[self.table["fails"]].iterrows():
            name = tr(f"calibration.measure.{r['measure']}", lang)
            if r["measure"] == "backtest_volume":
                items.append(tr("calibration.verdict_item_backtest", lang, measure=name, coverage=f"{r['coverage']:.1%}",
                                floor=f"{r['floor']:.1%}"))
            else:
                items.append(tr("calibration.verdict_item", lang, measure=name, outside=int(r["outside"]), n=int(r["n"]),
                                allowed=int(r["allowed"])))
        return tr("calibration.verdict_fails", lang, where=tr("punct.semicolon", lang).join(items)) + few


def verdict(compare: pd.DataFrame, bt: Backtest | None = None, replications: int | None = None) -> Verdict:
    """Fits / does not fit, per measure, from :func:`validate`'s table (and the monthly back-test).

    ``replications``: the runs behind ``compare``; with fewer than ``VERDICT_MIN_REPLICATIONS`` only the
    back-test is judged (and the verdict says so).
    """
    from scipy.stats import binom  # heavy: scipy.stats (about 1 s), loaded only when a verdict is judged

    few = replications is not None and replications < VERDICT_MIN_REPLICATIONS
    c = compare[compare["observed"].notna() & compare["range_low"].notna() & compare["range_high"].notna()]
    if few:
        c = c.iloc[0:0]
    tol = 1e-9
    inside = (c["observed"] >= c["range_low"] - tol) & (c["observed"] <= c["range_high"] + tol)
    rows = []
    for m, g in inside.groupby(c["measure"], sort=False):
        n, out = len(g), int((~g).sum())
        allowed = int(binom.ppf(VERDICT_QUANTILE, n, 0.05))
        rows.append({"measure": m, "n": n, "outside": out, "allowed": allowed, "fails": out > allowed,
                     "coverage": float(g.mean()), "floor": float("nan")})
    if bt is not None and bt.n:
        floor = bt.level - 2.58 * float(np.sqrt(bt.level * (1 - bt.level) / bt.n))
        rows.append({"measure": "backtest_volume", "n": bt.n, "outside": int((~bt.table["inside"]).sum()),
                     "allowed": int(bt.n - np.ceil(floor * bt.n)), "fails": bt.coverage < floor,
                     "coverage": bt.coverage, "floor": floor})
    table = pd.DataFrame(rows, columns=["measure", "n", "outside", "allowed", "fails", "coverage", "floor"])
    return Verdict(table, not bool(table["fails"].any()), few)
