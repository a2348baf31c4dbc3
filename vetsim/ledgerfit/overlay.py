"""Write a ledger fit as an overlay scenario folder (``base:`` + the fitted changes), never over a scenario.

What goes where (the scenario schema's places for these numbers):

* ``caseload.csv`` rows (case type x level present in the base): ``yearly_volume`` with
  ``yearly_volume_se``, ``m01..m12`` (the level's pattern), ``resolved_here_share`` with
  ``resolved_here_share_se`` (only where the ledger shows decisions), and ``source`` saying
  "台账 2027, n = ..." with the standard errors;
* ``scenario.yaml`` ``case_types.<ct>``: ``hotline_share`` and ``letter_share`` with their source and SE;
* ``sites.csv`` rows: ``online_share`` per site (beta-binomial, shrunk toward the level);
* ``scenario.yaml`` ``presence.<level>.away_share``: the away share fitted from walk-ins written
  as finding nobody (levels whose interval is too wide keep the scenario's);
* ``calibration_changes.csv``: per parameter old -> fitted value, 95% interval, n and basis (fitted,
  pooled to the level, too thin, still an assumption), Chinese headers (:mod:`.changes`);
* ``ledger_fit.csv``: every fitted number (also per site: volumes, patterns, on-the-spot shares,
  referrals, time to resolution, trips) with ``n``, ``se`` and source. The scenario has no place for
  per-site volumes (a level's volume is split by ``veterans``), so those stay in this table.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .. import __version__
from ..files import excel_safe_frame
from ..scenario import Scenario
from ..scenario.overlay import Overlay, OverlayWriteError
from ..scenario.rows import MONTHS
from ..wording import both, tr
from .changes import change_frame, change_table
from .fit import LedgerFit

__all__ = ["write_overlay", "fit_overlay", "overlay_tables", "OverlayError"]

_DEC = 6


class OverlayError(OverlayWriteError, ValueError):
    """The overlay cannot be written (no base folder, the base itself as target)."""


def _pattern(row) -> list[float]:
    vals = [round(float(row[m]), _DEC) for m in MONTHS]
    vals[-1] = round(1.0 - sum(vals[:-1]), _DEC)  # sums to 1 exactly as written
    return vals


def overlay_tables(fit: LedgerFit, base: Scenario) -> tuple[list[list[str]], dict, list[list[str]]]:
    """(caseload.csv rows incl. header, scenario.yaml case_types changes, sites.csv rows incl. header)."""
    head = ["case_type", "level", "yearly_volume", "yearly_volume_se", *MONTHS, "resolved_here_share",
            "resolved_here_share_se", "source"]
    load = [head]
    monthly = {(r["level"], r["case_type"]): r for _, r in fit.monthly.iterrows()}
    fitted_types = set(fit.monthly["case_type"])
    for r in base.caseload:
        if r.level == base.levels.partner or r.case_type not in fitted_types:
            continue
        vol = fit.get("yearly_volume", r.level, r.case_type)
        res = fit.get("resolved_here_share", r.level, r.case_type)
        n = int(vol["n"]) if vol is not None else 0
        est, se = (float(vol["estimate"]), float(vol["se"])) if vol is not None else (0.0, 1.0 / fit.years)
        pat = _pattern(monthly[(r.level, r.case_type)]) if (r.level, r.case_type) in monthly else list(r.seasonality)
        has = res is not None and res["n"] > 0
        share, share_se = (f"{float(res['estimate']):.4f}", f"{float(res['se']):.4f}") if has else (f"{r.resolved_here_share:g}", "")
        zh, en = both("calibration.source_row", label=fit.label, n=f"{n:,}", se=f"{se:,.1f}",
                      share=(f"{float(res['estimate']):.3f} ± {float(res['se']):.3f}" if has else "-"))
        load.append([r.case_type, r.level, f"{est:.2f}", f"{se:.2f}", *(f"{v:.6f}" for v in pat),
                     share, share_se, f"{zh} / {en}"])
    cts: dict = {}
    for ct in sorted(fitted_types | set(fit.table.loc[fit.table["parameter"] == "hotline_share", "case_type"])):
        h, l = fit.get("hotline_share", "", ct), fit.get("letter_share", "", ct)
        if h is None or l is None:
            continue
        zh, en = both("calibration.source_channels", label=fit.label, n=f"{int(h['n']):,}",
                      hotline=f"{h['estimate']:.3f} ± {h['se']:.3f}", letter=f"{l['estimate']:.3f} ± {l['se']:.3f}")
        cts[ct] = {"hotline_share": round(float(h["estimate"]), 4), "letter_share": round(float(l["estimate"]), 4),
                   "source": f"{zh} / {en}"}
    sites = [["site_id", "online_share"]]
    t = fit.table
    online = t[(t["parameter"] == "online_share") & (t["site_id"] != "")]
    for _, r in online.sort_values("site_id").iterrows():
        sites.append([r["site_id"], f"{float(r['estimate']):.4f}"])
    return load, cts, sites


def _presence_changes(fit: LedgerFit) -> dict:
    """``presence.<level>.away_share`` of every level whose away share the ledgers fitted (not too thin)."""
    t = fit.table
    out: dict = {}
    for _, h in t[(t["parameter"] == "away_share") & (t["site_id"] == "") & (t["basis"] == "fitted")].iterrows():
        shut = fit.get("closed_share", h["level"])
        zh, en = both("calibration.source_presence", label=fit.label, days=f"{int(h['n']):,}",
                      shut=f"{int(round(float(shut['estimate']) * int(shut['n']))):,}" if shut is not None else "-",
                      value=f"{h['estimate']:.3f}", low=f"{h['ci_low']:.3f}", high=f"{h['ci_high']:.3f}")
        out[h["level"]] = {"away_share": {"value": round(float(h["estimate"]), 4), "source": f"{zh} / {en}"}}
    return out


def _sensitivity_rows(fit: LedgerFit, base: Scenario) -> list[list[str]]:
    """Rows of the base's ``sensitivity.csv`` whose range must widen to hold a fitted away share and its interval.

    The base's range was an assumption; the ledgers now show where the number lies, so a range that
    leaves it out (the overlay would be refused) is widened to the fitted 95% interval, and says so.
    """
    if not any(name == "sensitivity.csv" for name, _ in base.extra_tables):
        return []
    ranges = {str(r.key): r for r in base.table("sensitivity.csv")}
    t = fit.table
    out = [["key", "low", "high", "source"]]
    for _, h in t[(t["parameter"] == "away_share") & (t["site_id"] == "") & (t["basis"] == "fitted")].iterrows():
        key = f"presence.{h['level']}.away_share"
        r = ranges.get(key)
        if r is None or r.low <= round(float(h["estimate"]), 4) <= r.high:
            continue
        low, high = min(float(r.low), round(float(h["ci_low"]), 4)), max(float(r.high), round(float(h["ci_high"]), 4))
        zh, en = both("calibration.source_range", label=fit.label, low=f"{low:g}", high=f"{high:g}")
        out.append([key, f"{low:g}", f"{min(high, 0.99):g}", f"{zh} / {en}"])
    return out if len(out) > 1 else []


def _patch(rows: list[list[str]]) -> tuple[dict[str, str], ...]:
    """Table rows (header first) as the patch rows of an overlay (cells by column)."""
    return tuple(dict(zip(rows[0], r, strict=True)) for r in rows[1:])


def fit_overlay(fit: LedgerFit, base: Scenario) -> Overlay:
    """The calibrated scenario as a change of ``base``: fitted settings and patches of its tables."""
    load, cts, sites = overlay_tables(fit, base)
    settings: dict = {}
    if cts:
        settings["case_types"] = cts
    presence = _presence_changes(fit)
    if presence:
        settings["presence"] = presence
    patches = {"caseload.csv": _patch(load)}
    sens = _sensitivity_rows(fit, base)
    if sens:
        patches["sensitivity.csv"] = _patch(sens)
    if len(sites) > 1:
        patches["sites.csv"] = _patch(sites)
    return Overlay(settings, patches=patches, label=fit.label)


def write_overlay(fit: LedgerFit, base: Scenario, folder: str | os.PathLike[str], force: bool = False) -> Path:
    """Write ``fit`` as an overlay of ``base`` into ``folder`` (:meth:`Overlay.write`: as a whole, loaded back
    and checked); return the folder. ``ledger_fit.csv`` and ``calibration_changes.csv`` go with it."""
    name = base.spec.name
    header = ("# {} / {}\n".format(*both("calibration.overlay_header"))
              + f"# vetsim {__version__}; base scenario hash {base.hash()[:12]}; ledger {fit.label}\n")
    table = excel_safe_frame(fit.table.round({"estimate": 6, "se": 6}))
    changes = excel_safe_frame(change_frame(change_table(fit, base), base, "zh"))
    return fit_overlay(fit, base).write(
        folder, base, kind="ledger_fit", force=force, header=header, error=OverlayError,
        words={"no_base_folder": "calibration.no_base_folder", "target_is_base": "calibration.overlay_is_base"},
        name={"zh": tr("calibration.overlay_name", "zh", name=name.zh, label=fit.label),
              "en": tr("calibration.overlay_name", "en", name=name.en, label=fit.label)},
        description={"zh": tr("calibration.overlay_description", "zh", label=fit.label),
                     "en": tr("calibration.overlay_description", "en", label=fit.label)},
        attachments={"ledger_fit.csv": table.to_csv(index=False, lineterminator="\n"),
                     "calibration_changes.csv": changes.to_csv(index=False, lineterminator="\n")},
        meta={"ledger": fit.label, "ledger_start": fit.start.isoformat(),
              "ledger_last": (fit.end - dt.timedelta(days=1)).isoformat()})
