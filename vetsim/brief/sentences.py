"""Headline sentences written from the KPI table, e.g. "乡镇站平均等待从 42.0 分钟降至 12.0 分钟".

Sentences only restate numbers of the KPI table (same formatting), so the page never says
something the table does not show. They are ranked by how far the KPI moves relative to its
target (or how far it misses the target, for a single scenario) and the top few are kept.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pandas as pd

from .. import formats
from ..charts.labels import MONEY_DIVISOR
from ..wording import tr
from .kpis import fmt_value

__all__ = ["headlines"]

def _subject(row: pd.Series) -> str:
    """The KPI's name in a sentence: its table label without the unit in brackets (one wording, the table's)."""
    return re.sub(r"\s*[（(][^）)]*[）)]$", "", str(row["label"]))


def _num(v: Any) -> float:
    return float(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else math.nan


def _unit(kind: str, lang: str) -> str:
    if kind == "minutes":
        return tr("brief.minutes", lang)
    if kind == "count":
        return tr("brief.cases", lang)
    if kind == "days":
        return tr("brief.working_days", lang)
    return ""


def _text(row: pd.Series, which: str, lang: str) -> str:
    if row["kind"] == "count" and row[which] is not None and not math.isnan(_num(row[which])):
        return f"{formats.count(_num(row[which]), lang)}{_unit('count', lang)}"  # a sentence speaks of whole cases
    return f"{row[which + '_text']}{_unit(row['kind'], lang)}"


def _within_ci(row: pd.Series, lang: str) -> str:
    """A clause when the two runs' 95% intervals overlap: the change may be chance, and the page says so."""
    b, p = row.get("baseline_ci"), row.get("proposal_ci")
    if not b or not p or b[0] > p[1] or p[0] > b[1]:
        return ""
    return tr("brief.within_ci_note", lang)


def _target_clause(row: pd.Series, lang: str) -> str:
    ok = row["proposal_ok"] if row["proposal"] is not None else row["baseline_ok"]
    if ok is None or row["target"] is None:
        return ""
    return tr("brief.s.meets_target" if ok else "brief.s.misses_target", lang, target=row["target_text"])


def _compare_sentence(row: pd.Series, lang: str) -> tuple[float, str] | None:
    key, kind = row["key"], row["kind"]
    b, p = row["baseline"], row["proposal"]
    if kind == "date":  # a date never reached may come back from the table's frame as NaN, not None
        b, p = (None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in (b, p))
    if kind == "date" and (b is None) != (p is None):  # one of them never clears the backlog
        return 2.0, tr("brief.s.backlog_pair", lang, baseline=row["baseline_text"],
                       proposal=row["proposal_text"]) + _target_clause(row, lang)
    if b is None or p is None:
        return None
    if kind == "date":
        change = (p - b).days
        if change == 0 and row["proposal_ok"] is not False:
            return None
        score = abs(change) / 30.0 if change else 0.5
        if change == 0:
            s = tr("brief.s.backlog_still_clears", lang, day=fmt_value(p, kind))
        else:
            s = tr("brief.s.backlog_clears_earlier" if change < 0 else "brief.s.backlog_clears_later", lang,
                   before=fmt_value(b, kind), day=fmt_value(p, kind))
        return score, s + _target_clause(row, lang)
    if kind == "money":
        div = MONEY_DIVISOR[lang]
        delta = (p - b) / div
        pct = (p - b) / b * 100 if b else math.nan
        score = abs(pct) / 10 if not math.isnan(pct) else 0.0
        if fmt_value(b, kind, lang) == fmt_value(p, kind, lang):
            same = fmt_value(p, kind, lang)
            return score, tr("brief.site_cost_unchanged", lang, same=same)
        return score, tr("brief.s.cost_rises" if delta > 0 else "brief.s.cost_falls", lang,
                         before=fmt_value(b, kind, lang), after=fmt_value(p, kind, lang),
                         change=formats.number(pct, lang, 1, signed=True, group=False))
    if key == "site_cost":
        return None
    bv, pv = _num(b), _num(p)
    if math.isnan(bv) or math.isnan(pv):
        return None
    scale = abs(_num(row["target"])) if row["target"] is not None else max(abs(bv), 1e-9)
    score = abs(pv - bv) / max(scale, 1e-9)
    subject = _subject(row)
    same = row["baseline_text"] == row["proposal_text"]
    if same:  # unchanged: worth a line only while it misses its target
        if row["proposal_ok"] is not False:
            return None
        score = 0.5
    if same:
        return score, tr("brief.s.stays", lang, subject=subject, value=_text(row, "proposal", lang)) \
            + _target_clause(row, lang)
    gap = "" if _unit(kind, lang) else " "  # Chinese: a space between a bare number and the verb
    return score, tr("brief.s.falls" if pv < bv else "brief.s.rises", lang, subject=subject,
                     before=_text(row, "baseline", lang) + (gap if lang == "zh" else ""),
                     after=_text(row, "proposal", lang)) + _within_ci(row, lang) + _target_clause(row, lang)


def _single_sentence(row: pd.Series, lang: str) -> tuple[float, str] | None:
    key, kind, v, ok = row["key"], row["kind"], row["baseline"], row["baseline_ok"]
    if kind == "date" and v is None and ok is False:
        return 3.0, tr("brief.s.backlog_state_missed", lang, state=row["baseline_text"], target=row["target_text"])
    if v is None or ok is None:
        return None
    if kind == "date" and row["baseline_text"] != fmt_value(v, kind):  # not every run cleared it
        return 2.5, tr("brief.s.backlog_partly_missed", lang, state=row["baseline_text"], target=row["target_text"])
    if kind == "date":
        tgt: dt.date = row["target"]
        days = (v - tgt).days
        score = abs(days) / 30.0 + (0 if ok else 1)
        return score, tr("brief.s.backlog_expected_late" if days > 0 else "brief.s.backlog_expected_early", lang,
                         day=fmt_value(v, kind), target=fmt_value(tgt, kind), days=abs(days))
    if key == "site_cost":
        return None
    target = _num(row["target"])
    score = abs(_num(v) - target) / max(abs(target), 1e-9) + (0 if ok else 1)
    subject = _subject(row)
    return score, tr("brief.s.is_meeting" if ok else "brief.s.is_missing", lang, subject=subject,
                     value=_text(row, "baseline", lang), target=row["target_text"])


def _chance_sentence(table: pd.DataFrame, lang: str, compare: bool) -> tuple[float, str] | None:
    """"The petition backlog is cleared by <target> in N% of the runs": ranked high while that is not sure."""
    rows = table.set_index("key")
    if "petition_chance" not in rows.index or "petition_zero" not in rows.index:
        return None
    c, z = rows.loc["petition_chance"], rows.loc["petition_zero"]
    b, p = _num(c["baseline"]), _num(c["proposal"]) if compare else math.nan
    if math.isnan(b) or z["target"] is None:
        return None
    when = fmt_value(z["target"], "date")
    worst = min(b, p) if compare and not math.isnan(p) else b
    score = 2.0 * (1.0 - worst)  # a backlog that may well miss its date is news; a sure one is not
    if compare and not math.isnan(p):
        same = c["baseline_text"] == c["proposal_text"]
        return score, tr("brief.s.chance_pair_same" if same else "brief.s.chance_pair", lang, when=when,
                         baseline=c["baseline_text"], proposal=c["proposal_text"])
    return score, tr("brief.s.chance", lang, when=when, baseline=c["baseline_text"])


def _change_sentence(change: str, cost: str | None, lang: str) -> str:
    """The first headline: what the proposal changes, with what it costs when the table has the cost."""
    if cost is None:
        return tr("brief.s.proposal", lang, changes=change)
    return tr("brief.s.proposal_cost", lang, changes=change, cost=cost[:1].lower() + cost[1:] if lang == "en" else cost)


def _overtime_sentence(table: pd.DataFrame, lang: str, compare: bool) -> str | None:
    """One sentence: the overtime per post a month the baseline needs at each level, and what the proposal saves."""
    rows = table[table["key"].astype(str).str.startswith("overtime_")]
    rows = rows[[not math.isnan(_num(v)) for v in rows["baseline"]]]
    if rows.empty or not any(_num(v) > 0 for v in rows["baseline"]):
        return None
    sep = tr("brief.s.overtime_sep", lang)
    parts = [tr("brief.s.overtime_level", lang, level=_subject(r), value=r["baseline_text"]) for _, r in rows.iterrows()]
    text = tr("brief.s.overtime_baseline", lang, levels=sep.join(parts))
    if compare:
        for verb, sign in (("saves", 1.0), ("adds", -1.0)):
            moved = [tr("brief.s.overtime_level", lang, level=_subject(r),
                        value=fmt_value(sign * (_num(r["baseline"]) - _num(r["proposal"])), "hours", lang))
                     for _, r in rows.iterrows() if sign * (_num(r["baseline"]) - _num(r["proposal"])) >= 0.05]
            if moved:
                text += tr(f"brief.s.overtime_{verb}", lang, levels=sep.join(moved))
    return text


def headlines(table: pd.DataFrame, lang: str = "zh", limit: int = 4, change: str | None = None) -> list[str]:
    """The ``limit`` most telling sentences about the KPI table (baseline vs proposal if it has one).

    A KPI whose target status flips (missed -> met, or met -> missed) ranks first. With a
    proposal, its cost is always said: last, or, given ``change`` (what the proposal changes, see
    :func:`vetsim.brief.changes.proposal_changes`), in the first sentence, which names the change.
    """
    compare = bool((table["proposal_text"] != "").any()) if len(table) else False
    scored: list[tuple[float, int, str, str]] = []
    for order, (_, row) in enumerate(table.iterrows()):
        out = _compare_sentence(row, lang) if compare else _single_sentence(row, lang)
        if out is not None:
            flips = compare and None not in (row["baseline_ok"], row["proposal_ok"]) \
                and row["baseline_ok"] != row["proposal_ok"]
            scored.append((out[0] + (1.0 if flips else 0.0), -order, row["key"], out[1]))
    keys = {x[2] for x in scored}
    chance = _chance_sentence(table, lang, compare)
    if chance is not None:  # the chance to clear the backlog on time says more than a mean clearing date
        scored = [x for x in scored if x[2] != "petition_zero"] + [(chance[0], 0, "petition_chance", chance[1])]
        keys = {x[2] for x in scored}
    # utilisation is capped at 100% and tells the same story as the workload pressure: say the pressure
    scored = [x for x in scored if not (x[2] == "util_township" and "pressure_township" in keys)]
    cost = [x for x in scored if x[2] == "site_cost"] if compare else []
    rest = sorted((x for x in scored if x not in cost), reverse=True)
    overtime = _overtime_sentence(table, lang, compare)
    extra = [(0.0, 0, "overtime", overtime)] if overtime is not None and limit > 1 else []
    end = tr("punct.full_stop", lang)
    if compare and change:  # the change (with its cost) first, then the KPIs, the overtime sentence last
        first = _change_sentence(change, cost[0][3] if cost else None, lang)
        chosen = rest[: max(limit - 1 - len(extra), 0)] + extra
        return [first + end] + [x[3] + end for x in chosen[: max(limit - 1, 0)]]
    chosen = rest[: max(limit - len(cost) - len(extra), 0)] + extra + cost[:1]
    return [x[3] + end for x in chosen[:limit]]
