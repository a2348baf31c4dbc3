"""The bulletin's tables and sentences in ``lang``: what the PDF, the Word file and the Excel annex show.

Every text comes from the catalogue (``vetsim/wording/bulletin.yaml``), every number through
:mod:`vetsim.formats`. Flags are written as words (红 / 黄 / 绿) beside their colour, so a black-and-white
print and a text search say the same as the colours.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..formats import count, number, share
from ..tasks.text import board_frame, head
from ..wording import tr
from .build import Bulletin, arrow
from .rules import MEASURES

__all__ = ["FLAG_FILL", "fmt_change", "township_table", "station_table", "annex_frame", "rules_table", "task_table",
           "headlines", "method_lines", "site_name", "flag_word", "notes_table", "problem_lines"]

FLAG_FILL = {"red": "#FFC7CE", "yellow": "#FFEB9C", "green": "#C6EFCE", "none": "#FFFFFF"}
_COUNTS_SHOWN = ("visits", "resolved", "overdue_open", "found_nobody")


def site_name(b: Bulletin, site_id: str, lang: str) -> str:
    s = b.scenario.site(site_id)
    return s.name_zh if lang == "zh" else s.name_en


def flag_word(flag: str, lang: str) -> str:
    return tr(f"bulletin.flag.{flag}", lang) if flag in ("red", "yellow", "green") else ""


def fmt_change(delta: float, kind: str, lang: str) -> str:
    """``↑ 3.2 个百分点`` (share), ``↓ 1.5 分`` (score), ``↑ 2 位`` (rank), ``→``; "" without a previous figure."""
    a = arrow(delta, kind)
    if a in ("", "→"):
        return a
    size = abs(delta)
    if kind == "share":
        return tr("bulletin.change.points", lang, arrow=a, size=number(100 * size, lang, 1))
    if kind == "score":
        return tr("bulletin.change.score", lang, arrow=a, size=number(size, lang, 1))
    return tr("bulletin.change.rank", lang, arrow=a, size=count(size, lang))


def _flags_text(row: pd.Series, b: Bulletin, lang: str) -> str:
    parts = []
    for flag in ("red", "yellow"):
        hit = [r.label(lang) for r in b.rules if row[f"flag_{r.measure}"] == flag]
        if hit:
            parts.append(tr("bulletin.flags_of", lang, flag=flag_word(flag, lang), measures=tr("bulletin.sep.list", lang).join(hit)))
    return tr("punct.semicolon", lang).join(parts)


def _rate(v: Any, lang: str) -> str:
    return share(v, lang)


def township_table(b: Bulletin, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, flags): the ranking table in rank order, and per shown cell its flag (for the colours)."""
    t = b.townships().sort_values(["rank", "site_id"], na_position="last", kind="stable")
    head = {c: tr(f"bulletin.col.{c}", lang) for c in ("rank", "township", *_COUNTS_SHOWN, *MEASURES, "score", "change", "flags")}
    rows, flags = [], []
    for _, r in t.iterrows():
        rank = "—" if math.isnan(r["rank"]) else count(r["rank"], lang)
        change = fmt_change(r["d_rank"], "rank", lang)
        score_change = fmt_change(r["d_score"], "score", lang)
        rows.append({head["rank"]: rank, head["township"]: site_name(b, r["site_id"], lang),
                     **{head[c]: count(r[c], lang) for c in _COUNTS_SHOWN},
                     **{head[m]: _rate(r[m], lang) for m in MEASURES},
                     head["score"]: number(r["score"], lang, 1),
                     head["change"]: tr("bulletin.change.both", lang, rank=change, score=score_change) if change else "—",
                     head["flags"]: _flags_text(r, b, lang) or tr("bulletin.flag.none_missed", lang)})
        flags.append({head[m]: r[f"flag_{m}"] for m in MEASURES})
    shown = pd.DataFrame(rows, columns=list(head.values()))
    return shown, pd.DataFrame(flags, index=shown.index, dtype=object).reindex(columns=shown.columns, fill_value="none")


def station_table(b: Bulletin, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, flags): every station (county center, township and village stations) in the scenario's order."""
    s = b.stations()
    head = {c: tr(f"bulletin.col.{c}", lang) for c in ("township", "station", "level", *_COUNTS_SHOWN, *MEASURES, "score")}
    rows, flags = [], []
    for _, r in s.iterrows():
        rows.append({head["township"]: site_name(b, r["township_id"], lang) if r["township_id"] else "—",
                     head["station"]: site_name(b, r["site_id"], lang), head["level"]: tr(f"level.{r['level']}.short", lang),
                     **{head[c]: count(r[c], lang) for c in _COUNTS_SHOWN},
                     **{head[m]: _rate(r[m], lang) for m in MEASURES}, head["score"]: number(r["score"], lang, 1)})
        flags.append({head[m]: r[f"flag_{m}"] for m in MEASURES})
    shown = pd.DataFrame(rows, columns=list(head.values()))
    return shown, pd.DataFrame(flags, index=shown.index, dtype=object).reindex(columns=shown.columns, fill_value="none")


def annex_frame(b: Bulletin, which: str, lang: str) -> pd.DataFrame:
    """The Excel annex's sheet of ``which`` (``townships`` / ``stations``): numbers as numbers, every count
    behind each rate, each measure's component and weight, the score, rank, flags and the change."""
    df = b.townships() if which == "townships" else b.stations()
    cols: dict[str, Any] = {tr("bulletin.col.site_id", lang): df["site_id"],
                            tr("bulletin.col.station", lang): [site_name(b, x, lang) for x in df["site_id"]]}
    if which == "stations":
        cols[tr("bulletin.col.township", lang)] = [site_name(b, x, lang) if x else "" for x in df["township_id"]]
        cols[tr("bulletin.col.level", lang)] = [tr(f"level.{x}.short", lang) for x in df["level"]]
    for c in ("visits", "found_nobody", "received", "resolved", "trip_num", "trip_den", "here_num", "overdue_open", "on_hand"):
        cols[tr(f"bulletin.col.{c}", lang)] = df[c]
    for r in b.rules:
        cols[r.label(lang)] = df[r.measure].round(4)
        cols[tr("bulletin.col.component", lang, measure=r.label(lang))] = df[f"c_{r.measure}"].round(4)
        cols[tr("bulletin.col.weight", lang, measure=r.label(lang))] = [r.weight if not math.isnan(v) else 0.0
                                                                        for v in df[f"c_{r.measure}"]]
        cols[tr("bulletin.col.flag_of", lang, measure=r.label(lang))] = [flag_word(f, lang) for f in df[f"flag_{r.measure}"]]
    cols[tr("bulletin.col.weight_used", lang)] = df["weight_used"].round(4)
    cols[tr("bulletin.col.score", lang)] = df["score"].round(2)
    if which == "townships":
        cols[tr("bulletin.col.rank", lang)] = df["rank"]
        cols[tr("bulletin.col.prev_rank", lang)] = df.get("prev_rank", pd.Series(math.nan, index=df.index))
        cols[tr("bulletin.col.d_rank", lang)] = df["d_rank"]
    cols[tr("bulletin.col.prev_score", lang)] = df.get("prev_score", pd.Series(math.nan, index=df.index)).round(2)
    cols[tr("bulletin.col.d_score", lang)] = df["d_score"].round(2)
    cols[tr("bulletin.col.arrow_score", lang)] = [arrow(v, "score") for v in df["d_score"]]
    for r in b.rules:
        cols[tr("bulletin.col.d_of", lang, measure=r.label(lang))] = df[f"d_{r.measure}"].round(4)
        cols[tr("bulletin.col.arrow_of", lang, measure=r.label(lang))] = [arrow(v, "share") for v in df[f"d_{r.measure}"]]
    return pd.DataFrame(cols)


def rules_table(b: Bulletin, lang: str) -> pd.DataFrame:
    """The composite's rules as stated in the bulletin: measure, weight, better, target (and whence), yellow band, source."""
    return pd.DataFrame([{tr("bulletin.col.measure", lang): r.label(lang), tr("bulletin.col.weight_plain", lang): number(r.weight, lang, 2),
                          tr("bulletin.col.better", lang): tr(f"bulletin.better.{r.better}", lang),
                          tr("bulletin.col.target", lang): share(r.target, lang),
                          tr("bulletin.col.target_from", lang): tr(f"bulletin.target_from.{r.target_from}", lang),
                          tr("bulletin.col.yellow_band", lang): tr("bulletin.band", lang, size=number(100 * r.yellow_band, lang, 1)),
                          tr("bulletin.col.source", lang): r.source} for r in b.rules])


def task_table(b: Bulletin, lang: str) -> pd.DataFrame | None:
    """The key tasks as the 推进表 shows them (worst first), or None when the scenario has none."""
    if b.tasks is None:
        return None

    frame = board_frame(b.tasks, lang)
    keep = [head(c, lang) for c in ("seq", "status", "change", "task", "owner_unit", "deadline", "target", "actual")]
    return frame[keep + ["_status"]]


def notes_table(b: Bulletin, lang: str) -> pd.DataFrame:
    rows = [{tr("bulletin.col.township", lang): site_name(b, n.township, lang), tr("bulletin.col.note", lang): n.text}
            for n in b.notes]
    return pd.DataFrame(rows, columns=[tr("bulletin.col.township", lang), tr("bulletin.col.note", lang)])


def headlines(b: Bulletin, lang: str) -> list[str]:
    """The bulletin's opening points: volume, first and last place, the flags, the biggest moves."""
    t = b.townships()
    cur = b.current.stations
    out = [tr("bulletin.head.volume", lang, visits=count(cur["visits"].sum(), lang), received=count(cur["received"].sum(), lang),
              resolved=count(cur["resolved"].sum(), lang), overdue=count(cur["overdue_open"].sum(), lang),
              nobody=count(cur["found_nobody"].sum(), lang))]
    ranked = t.dropna(subset=["rank"]).sort_values(["rank", "site_id"], kind="stable")
    if len(ranked):
        first, last = ranked.iloc[0], ranked.iloc[-1]
        out.append(tr("bulletin.head.first_last", lang, first=site_name(b, first["site_id"], lang), first_score=number(first["score"], lang, 1),
                      last=site_name(b, last["site_id"], lang), last_score=number(last["score"], lang, 1)))
    reds = {r.measure: int((t[f"flag_{r.measure}"] == "red").sum()) for r in b.rules}
    yellows = {r.measure: int((t[f"flag_{r.measure}"] == "yellow").sum()) for r in b.rules}
    out.append(tr("bulletin.head.flags", lang, red=sum(reds.values()), yellow=sum(yellows.values()),
                  towns=int(((t[[f"flag_{m}" for m in MEASURES]] == "red").any(axis=1)).sum())))
    if b.has_previous:
        moved = t.dropna(subset=["d_rank"])
        up, down = moved.sort_values("d_rank", ascending=False).iloc[0], moved.sort_values("d_rank").iloc[0]
        if up["d_rank"] > 0:
            out.append(tr("bulletin.head.up", lang, town=site_name(b, up["site_id"], lang), change=fmt_change(up["d_rank"], "rank", lang)))
        if down["d_rank"] < 0:
            out.append(tr("bulletin.head.down", lang, town=site_name(b, down["site_id"], lang), change=fmt_change(down["d_rank"], "rank", lang)))
    else:
        out.append(tr("bulletin.head.no_previous", lang, period=b.previous.period.label(lang)))
    if b.tasks is not None:
        counts = b.tasks.counts()
        out.append(tr("bulletin.head.tasks", lang, late=counts["late"], at_risk=counts["at_risk"], on_track=counts["on_track"],
                      done=counts["done"]))
    return out


def problem_lines(b: Bulletin, lang: str) -> list[str]:
    """One line per township with a red flag (rank order): each red figure beside its target."""
    t = b.townships().sort_values(["rank", "site_id"], na_position="last", kind="stable")
    out = []
    for _, r in t.iterrows():
        reds = [tr("bulletin.problem.item", lang, measure=rule.label(lang), value=share(r[rule.measure], lang),
                   target=share(rule.target, lang)) for rule in b.rules if r[f"flag_{rule.measure}"] == "red"]
        if reds:
            out.append(tr("bulletin.problem.line", lang, town=site_name(b, r["site_id"], lang),
                          items=tr("bulletin.sep.list", lang).join(reds)))
    return out


def method_lines(b: Bulletin, lang: str) -> list[str]:
    """How the figures, the score and the flags are made (the bulletin's last section)."""
    terms = tr("bulletin.sep.plus", lang).join(
        tr(f"bulletin.term.{r.better}", lang, weight=number(r.weight, lang, 2), measure=r.label(lang)) for r in b.rules)
    return [tr("bulletin.method.counts", lang), tr("bulletin.method.rates", lang),
            tr("bulletin.method.score", lang, terms=terms), tr("bulletin.method.flags", lang),
            tr("bulletin.method.change", lang, previous=b.previous.period.label(lang)),
            tr("bulletin.method.privacy", lang)]
