"""What the ledgers changed: per parameter the scenario's value, the fitted one with its interval and n.

Why: a bureau head must see which numbers now rest on their own records, which stayed an
assumption because the ledgers are silent on them, and which were too thin to fit on their own and
took their level's figure (pooled upwards, township -> level). :func:`change_table` is that table
(codes, one row per parameter); :func:`change_frame` gives it Chinese (or English) headers and
labels for the overlay folder's ``calibration_changes.csv`` and the report's sheet.
"""

from __future__ import annotations

import math

import pandas as pd

from ..scenario import Scenario
from ..wording import tr
from ..work.presence import level_presence, site_presence
from .fit import LedgerFit

__all__ = ["change_table", "change_frame", "CHANGE_COLUMNS", "ASSUMED"]

CHANGE_COLUMNS = ["parameter", "level", "case_type", "old", "fitted", "ci_low", "ci_high", "n", "basis"]
# numbers a ledger of matters cannot show: they stay the scenario's (basis "assumption")
ASSUMED = ("backoffice_hours", "referral_delay_days", "other_duties_share")


def change_table(fit: LedgerFit, base: Scenario) -> pd.DataFrame:
    """One row per parameter the fit speaks to (or cannot): old -> fitted, 95% interval, n, basis."""
    t = fit.table
    rows: list[tuple] = []
    for r in base.caseload:
        for par, old in (("yearly_volume", r.yearly_volume), ("resolved_here_share", r.resolved_here_share)):
            hit = fit.get(par, r.level, r.case_type)
            if hit is not None:
                rows.append((par, r.level, r.case_type, float(old), hit["estimate"], hit["ci_low"], hit["ci_high"],
                             int(hit["n"]), hit["basis"]))
    for ct, c in base.spec.case_types.items():
        for par, old in (("hotline_share", c.hotline_share), ("letter_share", c.letter_share)):
            hit = fit.get(par, "", ct)
            if hit is not None:
                rows.append((par, "", ct, float(old or 0.0), hit["estimate"], hit["ci_low"], hit["ci_high"],
                             int(hit["n"]), hit["basis"]))
    for _, h in t[(t["parameter"] == "away_share") & (t["site_id"] == "")].iterrows():
        rows.append(("away_share", h["level"], "", level_presence(base, h["level"])[0], h["estimate"], h["ci_low"],
                     h["ci_high"], int(h["n"]), h["basis"]))
    pooled = t[(t["parameter"] == "away_share") & (t["basis"] == "pooled")]
    for level, g in pooled.groupby("level", sort=True):
        rows.append(("away_share_sites_pooled", level, "", math.nan, float(len(g)), math.nan, math.nan,
                     int(g["n"].sum()), "pooled"))
    if not (t["parameter"] == "away_share").any():
        away, _other, _closed = site_presence(base)
        rows.append(("away_share", "", "", float(max(away, default=0.0)), math.nan, math.nan, math.nan, 0, "assumption"))
    for par in ASSUMED:
        rows.append((par, "", "", math.nan, math.nan, math.nan, math.nan, 0, "assumption"))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def change_frame(table: pd.DataFrame, base: Scenario, lang: str = "zh") -> pd.DataFrame:
    """``table`` with headers and labels in ``lang`` (the wording catalogue)."""
    def level(v: str) -> str:
        return tr(f"level.{v}", lang) if v else ""

    def ct(v: str) -> str:
        c = base.spec.case_types.get(v)
        return c.label(lang) if c is not None else v

    return pd.DataFrame({
        tr("calibration.col_parameter", lang): [tr(f"calibration.param.{p}", lang) for p in table["parameter"]],
        tr("level", lang): [level(v) for v in table["level"]],
        tr("case_type", lang): [ct(v) for v in table["case_type"]],
        tr("calibration.col_old", lang): table["old"].round(4),
        tr("calibration.col_fitted", lang): table["fitted"].round(4),
        tr("calibration.col_ci_low", lang): table["ci_low"].round(4),
        tr("calibration.col_ci_high", lang): table["ci_high"].round(4),
        "n": table["n"],
        tr("calibration.col_basis", lang): [tr(f"calibration.basis.{b}", lang) for b in table["basis"]],
    })
