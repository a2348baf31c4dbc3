"""Running the simulation from an app: replications with a progress bar, results against the baseline.

Why a separate module: the staffing explorer and the meeting dashboard both run "baseline vs
proposal" the same way (same seed, so compared scenarios share random numbers). Runs come from
:func:`vetsim.cache.simulate_cached` (kept on disk, shared with ``vetsim report`` and other
sessions), so reopening a dashboard reads its results instead of simulating again; a first run shows
its progress in words ("正在模拟方案：第 3/20 次") rather than a bare spinner.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import formats
from ..cache import cached_results, simulate_cached
from ..kpis import KPIS
from ..replicate import default_workers, new_memo, simulate_until_sure
from ..scenario import Scenario
from ..scenario.levels import DEFAULT_LEVELS
from ..wording import both, check_lang, tr
from .common import frame_html

__all__ = ["SimRunner", "ProgressExecutor", "compare_table", "KEY_METRICS", "metric_label", "dropped_work_html"]

# Metrics the apps put side by side (those present in the Results are shown, in this order).
KEY_METRICS: tuple[str, ...] = ("wait_mean_min", "wait_p90_min", "service_level", "wasted_trip_share", "one_trip_rate",
                                "on_time_share", "finish_rate", "duty_coverage", "campaign_on_time", "utilisation",
                                "workload_pressure", "backlog_end", "petition_backlog_end", "petition_target_met")


def metric_label(summary_row: pd.Series | dict[str, Any], lang: str = "zh") -> str:
    """A metric's label: the Results' own label columns if present, else the KPI table's, else its name."""
    value = summary_row.get(f"label_{check_lang(lang)}") if hasattr(summary_row, "get") else None
    if isinstance(value, str) and value:
        return value
    name = str(summary_row["metric"])
    k = KPIS.get(name)
    return k.label(lang) if k else name


class ProgressExecutor(Executor):
    """An ``Executor`` that runs each submitted replication and reports it to ``tick(done)``.

    Why: ``vetsim.simulate`` accepts any executor and submits one task per replication, so
    counting finished tasks drives the app's progress bar without touching the model. Without
    ``inner`` the tasks run in this process at submission (serial, same results by design);
    with ``inner`` (e.g. a process pool) they run there and are counted when done.
    """

    def __init__(self, tick: Callable[[int], None], inner: Executor | None = None):
        self.tick = tick
        self.inner = inner
        self.done = 0

    def _count(self, _fut: Future[Any] | None = None) -> None:
        self.done += 1
        self.tick(self.done)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.inner is not None:
            fut = self.inner.submit(fn, *args, **kwargs)
            fut.add_done_callback(self._count)
            return fut
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            fut.set_exception(exc)
        self._count()
        return fut

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.inner is not None:
            self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class SimRunner:
    """Runs the simulation with a progress bar; runs are cached on disk (:mod:`vetsim.cache`) and in memory."""

    def __init__(self, lang: str = "zh", workers: int | None = 1):

        self.lang = lang
        self.workers = default_workers() if workers is None else workers
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="",
                                            layout=widgets.Layout(width="320px", visibility="hidden"))
        self.progress_text = widgets.HTML()
        self.widget = widgets.HBox([self.progress, self.progress_text])
        self._cache: dict[tuple[Any, int, int], Any] = {}
        self._memo: Any = None  # replications kept for this session (vetsim.replicate), made on the first run
        self._pair: tuple[int, int, str, int] = (1, 1, "", 0)  # scenarios, cap, label, replications done

    def _tick(self, done: int, total: int, label: str = "") -> None:
        self.progress.max = max(int(total), 1)
        self.progress.value = min(int(done), self.progress.max)
        if done >= total:
            text = tr("ui.simulated_runs", self.lang, label=label, total=total)
        else:
            text = tr("ui.simulating_run", self.lang, label=label, run=done + 1, total=total)
        self.progress_text.value = f"<span class='vetsim-progress'>{html.escape(text)}</span>"

    def run(self, scenario: Scenario, replications: int, seed: int, label: str = "") -> Any:
        """``Results`` of ``scenario`` (from the cache if this run was done before); the bar counts replications."""
        key = (scenario.hash(), int(replications), int(seed))
        if key in self._cache:
            return self._cache[key]
        hit = cached_results(scenario, int(replications), int(seed))
        if hit is not None:
            self._remember(key, hit)
            self.progress_text.value = html.escape(tr("ui.cached_results", self.lang, label=label))
            return hit
        self.progress.layout.visibility = "visible"
        self.progress.bar_style = "info"
        self.progress.description = label
        self._tick(0, replications, label)
        inner = None
        if self.workers > 1 and replications > 1:
            inner = ProcessPoolExecutor(max_workers=min(self.workers, replications))
        executor = ProgressExecutor(lambda done: self._tick(done, replications, label), inner)
        try:
            results = simulate_cached(scenario, replications=int(replications), seed=int(seed), executor=executor)
        finally:
            executor.shutdown(cancel_futures=True)
        self._tick(replications, replications, label)
        self.progress.bar_style = "success"
        self._remember(key, results)
        return results

    def run_until_sure(self, scenarios: list[Scenario], cap: int, seed: int, label: str = "",
                       on_batch: Callable[[list[Any], Any], None] | None = None) -> list[Any]:
        """``Results`` of ``scenarios`` (same seed) simulated in batches until the headline KPIs are precise,
        at most ``cap`` runs each (:func:`vetsim.replicate.simulate_until_sure`; read from the cache when
        done before); ``on_batch`` sees the runs after every batch. Replications already run in this
        session (the baseline while the proposal changes) are not run again."""

        key = (tuple(s.hash() for s in scenarios), int(cap), int(seed))
        if key in self._cache:
            return self._cache[key]
        if getattr(self, "_memo", None) is None:
            self._memo = new_memo(self.workers, self._replication_done, spawn=True)
        self._pair = (len(scenarios), int(cap), label, 0)
        self._replication_done(count=False)
        self.progress.layout.visibility = "visible"
        self.progress.bar_style = "info"
        self.progress.description = label
        runs, _stop = simulate_until_sure(scenarios, cap, seed, workers=self.workers, on_batch=on_batch,
                                          memo=self._memo)
        self.progress.value = self.progress.max
        self.progress.bar_style = "success"
        from ..brief.page import replications_text  # lazy: brief.page loads matplotlib (not for the first cards)

        text = replications_text(runs[0].meta, self.lang)
        self.progress_text.value = (f"<span class='vetsim-progress'>"
                                    f"{html.escape(tr('ui.simulated_until_sure', self.lang, label=label, text=text))}</span>")
        self._remember(key, runs)
        return runs

    def _replication_done(self, count: bool = True) -> None:
        """One replication done (from a worker's callback thread): the bar and the words follow."""
        scenarios, cap, label, done = self._pair
        done += int(count)
        self._pair = (scenarios, cap, label, done)
        pairs = done // max(scenarios, 1)
        self.progress.max = max(cap, 1)
        self.progress.value = min(pairs, self.progress.max)
        text = tr("ui.simulating_until_sure", self.lang, label=label, run=min(pairs + 1, cap), cap=cap)
        self.progress_text.value = f"<span class='vetsim-progress'>{html.escape(text)}</span>"

    def _remember(self, key: tuple[Any, int, int], results: Any) -> None:
        if len(self._cache) > 8:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = results


def compare_table(baseline: Any, proposal: Any, lang: str = "zh",
                  metrics: tuple[str, ...] = KEY_METRICS) -> pd.DataFrame:
    """Overall and per-level rows of the key metrics: baseline and proposal means with 95% CIs, and the change."""
    b, p = baseline.summary, proposal.summary
    keys = ["metric", "level", "case_type"]

    def overall_ct(df: pd.DataFrame) -> pd.DataFrame:
        ct = df["case_type"].astype("string")
        return df[ct.isna() | ct.isin(["all", ""])]

    b, p = overall_ct(b), overall_ct(p)
    merged = b.merge(p, on=keys, how="outer", suffixes=("_b", "_p"))
    present = [m for m in metrics if m in set(merged["metric"])]
    merged = merged[merged["metric"].isin(present)].copy()
    merged["order"] = merged["metric"].map({m: i for i, m in enumerate(present)})
    rows = []
    for r in merged.sort_values(["order", "level"]).to_dict("records"):
        level = r["level"]
        lvl = tr("charts.level_short.all", lang)
        if isinstance(level, str) and level in DEFAULT_LEVELS.by_id:
            lvl = DEFAULT_LEVELS.label(level, lang)
        label_row = {"metric": r["metric"], "label_zh": r.get("label_zh_b") or r.get("label_zh_p"),
                     "label_en": r.get("label_en_b") or r.get("label_en_p")}
        unit = str(r.get("unit_b") or r.get("unit_p") or "")
        rows.append({"metric": r["metric"], "label": metric_label(label_row, lang), "level": lvl, "unit": unit,
                     "baseline": _num(r.get("mean_b")), "baseline_ci": _ci(r.get("ci_low_b"), r.get("ci_high_b"), unit),
                     "proposal": _num(r.get("mean_p")), "proposal_ci": _ci(r.get("ci_low_p"), r.get("ci_high_p"), unit),
                     "change": _num(r.get("mean_p")) - _num(r.get("mean_b"))})
    return pd.DataFrame(rows, columns=["metric", "label", "level", "unit", "baseline", "baseline_ci", "proposal",
                                       "proposal_ci", "change"])


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def fmt_unit(v: float, unit: str, change: bool = False, lang: str = "zh") -> str:
    """A value as users read it: shares in %, minutes and days with one decimal, counts whole."""
    if v is None or math.isnan(v):
        return ""
    if math.isinf(v):
        return "∞"
    if unit == "share":
        if change:
            return tr("ui.percent_points", lang, value=formats.number(v * 100, lang, 1, signed=True))
        return formats.share(v, lang)
    if unit == "case":
        return formats.number(v, lang, 1 if abs(v - round(v)) > 1e-9 else 0, signed=change)
    return formats.number(v, lang, 2 if abs(v) < 1 else 1, signed=change)


def _ci(lo: Any, hi: Any, unit: str = "") -> str:
    lo_f, hi_f = _num(lo), _num(hi)
    if math.isnan(lo_f) or math.isnan(hi_f):
        return ""
    return f"[{fmt_unit(lo_f, unit)}, {fmt_unit(hi_f, unit)}]"


def dropped_work_html(results: Any, scenario: Scenario, lang: str = "zh", top: int = 10) -> str:
    """Where duties fall behind: the ``top`` site x duty pairs with the lowest share done by the due date."""
    table = results.work_by_site("duty")
    table = table[table["coverage"] < 0.995].head(top)
    if table.empty:
        return f"<p>{tr('ui.duties_all_on_time', lang)}</p>"
    labels = {r.duty: r.label(lang) for r in scenario.table("duties.csv")}
    names = {s.site_id: s.name(lang) for s in scenario.sites}
    shown = pd.DataFrame({
        tr("ui.site", lang): [names.get(str(x), str(x)) for x in table["site_id"]],
        tr("level", lang): [scenario.levels.label(str(x), lang) for x in table["level"]],
        tr("ui.duty", lang): [labels.get(str(x), str(x)) for x in table["item"]],
        tr("ui.owed_h_year", lang): [formats.count(v, lang) for v in table["owed_h"]],
        tr("ui.done_on_time_h", lang): [formats.count(v, lang) for v in table["done_by_due_h"]],
        tr("ui.done_on_time", lang): [formats.share(v, lang, 0) for v in table["coverage"]],
    })
    head = tr("ui.duties_behind_heading", lang, n=len(shown))
    return f"<h4>{head}</h4>" + frame_html(shown)


def compare_html(table: pd.DataFrame, lang: str = "zh") -> str:
    """The comparison as an HTML table, each number formatted by its unit (shares in %)."""
    lv = 0 if lang == "zh" else 1
    names = {"label": both("ui.names.label"), "level": both("level"), "baseline": both("charts.t.baseline"),
             "baseline_ci": both("ui.names.baseline_ci"), "proposal": both("brief.proposal"),
             "proposal_ci": both("ui.names.proposal_ci"), "change": both("ui.names.change")}
    shown = table.copy()
    for col in ("baseline", "proposal", "change"):
        shown[col] = [fmt_unit(v, u, col == "change", lang) for v, u in zip(table[col], table["unit"])]
    shown = shown.drop(columns=["metric", "unit"]).rename(columns={k: v[lv] for k, v in names.items()})
    return frame_html(shown)
