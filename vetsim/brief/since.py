"""What changed since the last meeting (与上次会议相比): two runs of the same kind side by side.

Where :mod:`vetsim.brief.changes` says in one clause what a *proposal* changes, this compares any two runs
(two briefs' results, two versions of a scenario) and lists three things:

* the inputs that changed: every field of ``scenario.yaml`` (dotted path) and every row of every table
  (by its key columns: added, removed, or the fields that differ), from the scenarios' canonical content;
* the figures that moved beyond their noise: a KPI of the summary moved when the change is larger than
  the 95% half-width of the difference of two independent estimates (the root of the sum of the squared
  half-widths of their intervals). With one replication there is no interval and the figure is not judged.
  Runs made with the same seed share their random numbers, so this band is conservative for them;
* method changes: a different vetsim version, different KPI definitions (when both runs carry their
  fingerprint) or a different calibration (the calibration targets or the ledger period of a calibrated
  scenario). A figure of a run whose method changed carries a flag, so that a change of method is never
  read as a change in the county.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import formats
from ..files import read_manifest
from ..wording import tr

__all__ = ["RunComparison", "compare_runs", "scenario_diff", "moved_figures", "method_changes"]

_KEYS = ["metric", "level", "case_type"]
_CALIBRATION_TABLES = ("calibration.csv",)


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: node}


def _table_diff(name: str, keys: tuple[str, ...], old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[tuple]:
    def key(r: dict[str, Any]) -> str:
        return "/".join(str(r.get(k)) for k in keys)

    a, b = {key(r): r for r in old}, {key(r): r for r in new}
    rows = []
    for k in sorted(set(a) | set(b)):
        if k not in b:
            rows.append((name, k, "", "removed", "", ""))
        elif k not in a:
            rows.append((name, k, "", "added", "", ""))
        else:
            rows += [(name, k, f, "changed", a[k].get(f), b[k].get(f)) for f in b[k] if a[k].get(f) != b[k].get(f)]
    return rows


def scenario_diff(old: Any, new: Any) -> pd.DataFrame:
    """The inputs that differ between two scenarios: file, row (key columns, '' for scenario.yaml), field,
    change (changed / added / removed), before, after. Rows of the key-task tables are left out, as in the hash."""
    from ..scenario.rows import TABLES

    a, b = old.canonical(), new.canonical()
    rows = []
    sa, sb = _flatten(a.pop("spec")), _flatten(b.pop("spec"))
    for f in sorted(set(sa) | set(sb)):
        if sa.get(f) != sb.get(f):
            change = "added" if f not in sa else "removed" if f not in sb else "changed"
            rows.append(("scenario.yaml", "", f, change, sa.get(f), sb.get(f)))
    for name in sorted(set(a) | set(b)):
        rows += _table_diff(name, TABLES[name][1], a.get(name, []), b.get(name, []))
    return pd.DataFrame(rows, columns=["file", "row", "field", "change", "before", "after"])


def _half(row: pd.Series, side: str) -> float:
    lo, hi = row.get(f"ci_low_{side}"), row.get(f"ci_high_{side}")
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return math.nan
    return (float(hi) - float(lo)) / 2


def moved_figures(old_results: Any, new_results: Any) -> pd.DataFrame:
    """Every KPI of both summaries: metric, level, case_type, before, after, change, noise (95% half-width
    of the difference), moved (True/False, or None when there is no interval to judge by)."""
    cols = [*_KEYS, "mean", "ci_low", "ci_high"]
    a = old_results.summary[cols].copy()
    b = new_results.summary[cols].copy()
    for d in (a, b):
        for k in ("level", "case_type"):
            d[k] = d[k].astype("string").fillna("all").replace("", "all")
    m = a.merge(b, on=_KEYS, suffixes=("_old", "_new"))
    m = m[m["mean_old"].notna() & m["mean_new"].notna()]
    noise = [math.hypot(_half(r, "old"), _half(r, "new")) for _, r in m.iterrows()]
    out = pd.DataFrame({**{k: m[k].to_numpy() for k in _KEYS}, "before": m["mean_old"].to_numpy(float),
                        "after": m["mean_new"].to_numpy(float)})
    out["change"] = out["after"] - out["before"]
    out["noise"] = noise
    out["moved"] = [None if math.isnan(n) else bool(abs(c) > n) for c, n in zip(out["change"], out["noise"], strict=True)]
    return out


def _calibration(scenario: Any) -> tuple[Any, ...]:
    meta = read_manifest(scenario.path) if getattr(scenario, "path", None) is not None else None
    period = (meta.get("ledger_start"), meta.get("ledger_last")) if meta and meta.get("kind") == "ledger_fit" else None
    rows = tuple(r.model_dump(mode="json").items() for r in scenario.table(_CALIBRATION_TABLES[0])) \
        if _CALIBRATION_TABLES[0] in dict(scenario.extra_tables) else ()
    return period, tuple(tuple(r) for r in rows)


def method_changes(old_scenario: Any, old_results: Any, new_scenario: Any, new_results: Any) -> list[tuple[str, str, str]]:
    """The changes of method between two runs: (what, before, after) for the vetsim version, the KPI
    definitions (when both runs carry ``meta['kpi_definitions']``) and the calibration."""
    out = []
    ma, mb = old_results.meta, new_results.meta
    if ma.get("vetsim_version") != mb.get("vetsim_version"):
        out.append(("version", str(ma.get("vetsim_version")), str(mb.get("vetsim_version"))))
    ka, kb = ma.get("kpi_definitions"), mb.get("kpi_definitions")
    if ka is not None and kb is not None and ka != kb:
        out.append(("kpi_definitions", str(ka)[:12], str(kb)[:12]))
    ca, cb = _calibration(old_scenario), _calibration(new_scenario)
    if ca != cb:
        out.append(("calibration", str(ca[0] or ""), str(cb[0] or "")))
    return out


@dataclass(frozen=True)
class RunComparison:
    """Two runs compared: ``inputs`` (:func:`scenario_diff`), ``figures`` (:func:`moved_figures`, with
    ``method_changed``), ``method`` (:func:`method_changes`)."""

    inputs: pd.DataFrame
    figures: pd.DataFrame
    method: list[tuple[str, str, str]]
    case_types: dict[str, tuple[str, str]] = field(default_factory=dict)  # case type -> (zh, en) label

    @property
    def moved(self) -> pd.DataFrame:
        """The figures that moved beyond their noise."""
        return self.figures[self.figures["moved"].eq(True)]

    def lines(self, lang: str = "zh", most: int = 12) -> list[str]:
        """What changed, in words: method changes first, then the inputs, then the figures that moved."""
        from ..charts.labels import level_short
        from ..kpis import KPIS

        out = [tr(f"since.method.{what}", lang, before=a, after=b) for what, a, b in self.method]
        out.append(tr("since.inputs", lang, n=len(self.inputs), rows=self.inputs["row"].ne("").sum()))
        for r in self.inputs.head(most).itertuples():
            out.append("  " + tr(f"since.input.{r.change}", lang, file=r.file, row=r.row or "—", field=r.field,
                                 before=r.before, after=r.after))
        out.append(tr("since.moved", lang, n=len(self.moved), of=len(self.figures)))
        for r in self.moved.head(most).itertuples():
            k = KPIS.get(r.metric)
            label = (k.label(lang) if k is not None else r.metric)
            flag = tr("since.flag", lang) if self.method else ""
            ct = tr("calibration.all_types", lang) if r.case_type == "all" else \
                self.case_types.get(r.case_type, (r.case_type, r.case_type))[0 if lang == "zh" else 1]
            out.append("  " + tr("since.figure", lang, label=label, level=level_short(r.level, lang), case_type=ct,
                                 before=formats.number(r.before, lang, 3), after=formats.number(r.after, lang, 3),
                                 change=formats.number(r.change, lang, 3, signed=True),
                                 noise=formats.number(r.noise, lang, 3), flag=flag))
        return out


def compare_runs(old_scenario: Any, old_results: Any, new_scenario: Any, new_results: Any) -> RunComparison:
    """Compare two runs (the last meeting's and this one's)."""
    figures = moved_figures(old_results, new_results)
    method = method_changes(old_scenario, old_results, new_scenario, new_results)
    figures["method_changed"] = bool(method)
    labels = {ct: (c.label("zh"), c.label("en")) for sc in (old_scenario, new_scenario)
              for ct, c in sc.spec.case_types.items()}
    return RunComparison(scenario_diff(old_scenario, new_scenario), figures, method, labels)
