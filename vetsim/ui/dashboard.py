"""Meeting dashboard (会议仪表板): baseline vs proposal on one screen, the brief's charts large, KPI cards,
and a second tab with the key-task progress table (重点工作推进表, :class:`~vetsim.ui.taskview.TaskView`).

Built for Voilà (no code visible): the leader picks a baseline and a proposal, may change the
proposal's staff per level or site, clicks "运行模拟", and exports the one-page brief as PNG or PDF.
KPIs, charts and the page come from ``vetsim.brief`` / ``vetsim.charts``; this module only lays
them out and never recomputes the model.
"""

from __future__ import annotations

import html
import importlib
import os
import threading
import time
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ..files import atomic_write_bytes, check_output_target
from ..replicate import is_recorded, mark_computing, wait_for_recorded
from ..scenario import Scenario
from ..wording import both, tr
from .budget_app import DEFAULT_DRAWS, ENV_DRAWS
from .common import CSS, App, download_link, env_int, figure_png, kpi_card, strict_mode
from .estimate_cards import estimate_cards_html, partial_cards_html
from .fields import FieldSpec, build_widget, read_field, unit
from .mapview import MapView
from .scenarios import ScenarioPicker, find_data_dir, list_scenarios
from .sensitivity_view import SensitivityPanel
from .simview import SimRunner
from .staff import StaffEditor
from .staffing_app import ENV_REPLICATIONS
from .taskview import TaskView

__all__ = ["MeetingDashboard", "DASHBOARD_FIELDS", "CARD_KEYS", "ENV_LANG"]

DASHBOARD_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("replications", "int", *both("ui.replications_cap"), min=1, max=1000, **unit("unit.runs"),
              width="330px"),
)
# drawn with the live dashboard: the static preview of its cards (see MeetingDashboard.preview) goes away
HIDE_PREVIEW = "<style>.vetsim-static{display:none}</style>"

ENV_LANG = "VETSIM_LANG"  # the dashboard's language when the notebook does not pass one: zh (default) or en
# KPI cards shown large (keys of vetsim.brief's KPI table), in this order
CARD_KEYS: tuple[str, ...] = ("wait_township", "wasted_trip", "one_trip", "on_time", "duty_township",
                              "pressure_township", "petition_chance", "site_cost")
EXPORT_FIELD = FieldSpec("format", "choice", *both("ui.export_format"),
                         options=(("png", "PNG", "PNG"), ("pdf", "PDF", "PDF")))
_MIME = {"png": "image/png", "pdf": "application/pdf"}


def _preheated() -> bool:
    """True in a kernel Voilà runs ahead of any page request (its pool; ``VOILA_PREHEAT`` set by Voilà)."""
    return os.environ.get("VOILA_PREHEAT") == "True"


def _in_kernel() -> bool:
    """True inside a running IPython kernel (where widget updates from a thread reach the page)."""
    try:
        from IPython import get_ipython  # only inside a kernel: the module also loads in plain Python (tests)
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class MeetingDashboard(App):
    """Baseline vs proposal: KPI cards, the brief's charts, staffing of the proposal, PNG/PDF export.

    ``auto_run`` simulates both scenarios when the dashboard opens, so charts are there at once;
    ``replications`` (or ``$VETSIM_UI_REPLICATIONS``) overrides the scenario's count for quick runs.
    """

    _estimate_html: str | None = None  # the instant estimate's cards shown when the dashboard opened
    _estimate_pending = False  # ... and not yet taken by the opening run

    def __init__(self, data_dir: str | Path | None = None, baseline: str | Path | None = None,
                 proposal: str | Path | None = None, lang: str | None = None, replications: int | None = None,
                 workers: int | None = None, auto_run: bool = True, budget_draws: int | None = None):
        super().__init__(lang or os.environ.get(ENV_LANG) or "zh")  # one language on the page: zh unless chosen
        lang = self.lang
        self.data_dir = Path(data_dir) if data_dir is not None else find_data_dir()
        listed = [p for _n, p in list_scenarios(self.data_dir, lang)]
        self.base_picker = ScenarioPicker(self.data_dir, lang, value=baseline or (listed[0] if listed else None),
                                          description=tr("charts.t.baseline", self.lang))
        default_prop = proposal or (listed[1] if len(listed) > 1 else listed[0] if listed else None)
        self.prop_picker = ScenarioPicker(self.data_dir, lang, value=default_prop,
                                          description=tr("brief.proposal", self.lang))
        self.baseline: Scenario = self.base_picker.load()
        self.proposal_base: Scenario = self.prop_picker.load()
        self.budget_draws = budget_draws if budget_draws is not None else env_int(ENV_DRAWS, DEFAULT_DRAWS)
        self._replications = replications
        self.baseline_results: Any = None
        self.results: Any = None
        self.budget: Any = None
        self.kpis: pd.DataFrame | None = None
        self.figures: dict[str, Any] = {}
        self.brief_inputs: Any = None
        self.exports: dict[str, bytes] = {}
        self.brief: Any = None
        self.editor = StaffEditor(self.proposal_base, lang, wrap=self.runner.wrap, on_change=self._staff_changed)
        self.inputs = {s.name: build_widget(s, lang, self._default_reps()) for s in DASHBOARD_FIELDS}
        self.sim = SimRunner(lang, workers)
        self.run_button = widgets.Button(description=tr("ui.run_simulation", self.lang), button_style="primary",
                                         icon="play", layout=widgets.Layout(width="160px"))
        self.run_button.add_class("vetsim-run")
        self.run_button.on_click(self.runner.wrap(lambda _b: self.run()))
        self.cards = widgets.HTML()
        self.headline_html = widgets.HTML()
        self.images = {name: widgets.Image(format="png", layout=widgets.Layout(width="49%", display="none"))
                       for name in ("waits", "one_trip", "backlog", "utilisation", "staff_cost", "budget")}
        self.export_buttons = {fmt: widgets.Button(description=tr("ui.export", self.lang, fmt_upper=fmt.upper()),
                                                   icon="download") for fmt in ("png", "pdf")}
        for fmt, b in self.export_buttons.items():
            b.on_click(self.runner.wrap(lambda _b, fmt=fmt: self.export(fmt)))
        self.export_links = widgets.HTML()
        self.chart_data_links = widgets.HTML()  # the numbers behind each chart, one CSV per chart
        self.chart_data_links.add_class("vetsim-chart-data")
        self.base_picker.observe(self.runner.wrap(lambda _ch: self._choose_baseline()))
        self.prop_picker.observe(self.runner.wrap(lambda _ch: self._choose_proposal()))
        staff_acc = widgets.Accordion(children=[widgets.VBox([self.editor.level_form, self.editor.site_table])])
        staff_acc.set_title(0, tr("ui.proposal_staffing_heading", self.lang))
        staff_acc.selected_index = 0
        self.title = widgets.HTML()
        # the page's heading and what the cards show, in the page's language only (the notebook's own
        # bilingual text is for Jupyter; the Voilà page hides it)
        self.heading = widgets.HTML(f"<h2 style='margin:4px 0'>{html.escape(tr('ui.dashboard.title', lang))}</h2>"
                                    f"<p style='margin:2px 0 6px'>{html.escape(tr('ui.dashboard.intro', lang))}</p>")
        # optional: which assumption matters most for the scenario being decided (run on request)
        self.sensitivity = SensitivityPanel(lang, lambda: self.proposal, self.runner.wrap)
        grid = [widgets.HBox([self.images[a], self.images[b]])
                for a, b in (("waits", "one_trip"), ("backlog", "utilisation"), ("staff_cost", "budget"))]
        overview = widgets.VBox([
            self.cards, self.headline_html, staff_acc,
            widgets.HBox([*self.inputs.values(), self.run_button, self.sim.widget],
                         layout=widgets.Layout(padding="0 0 0 6px")),
            *grid, self.chart_data_links, self.sensitivity.widget, widgets.HBox([*self.export_buttons.values()]), self.export_links,
        ], layout=widgets.Layout(width="100%"))
        self.task_view = TaskView(lang, self.runner.wrap)
        self.map_view = MapView(lang, self.runner.wrap)
        self.changes = widgets.HTML()  # what changed: baseline against proposal (vetsim.brief.diff)
        self.tabs = widgets.Tab(children=[overview, self.task_view.widget, self.map_view.widget, self.changes])
        self.tabs.set_title(0, tr("tasks.ui.tab_overview", lang))
        self.tabs.set_title(1, tr("tasks.sheet", lang))
        self.tabs.set_title(2, tr("sitemap.ui.tab", lang))
        self.tabs.set_title(3, tr("compare.ui.tab", lang))
        self.tabs.add_class("vetsim-tabs")
        self.widget = widgets.VBox([
            widgets.HTML(CSS + HIDE_PREVIEW), self.heading, self.title, widgets.HBox([self.base_picker.widget, self.prop_picker.widget]),
            self.runner.status, self.tabs,
        ], layout=widgets.Layout(width="100%"))
        self._show_title()
        if auto_run:
            self._auto_run()
        else:
            self.cards.value = f"<p>{tr('ui.run_hint', self.lang)}</p>"

    def _auto_run(self) -> None:
        """Fill the dashboard when it opens. In a kernel (Voilà, Jupyter) this runs in a thread, so the
        page appears at once and shows the progress of a first run; elsewhere (tests, scripts) and with
        ``$VETSIM_UI_STRICT`` (notebooks run in CI, where a failure must fail the run) inline. A first
        run's thread starts once the instant estimate's cards are shown (computed here, so that the
        notebook's :meth:`preview` writes them into the page)."""
        if not _in_kernel() or strict_mode() or self._all_cached(wait=_preheated()):
            # runs already on disk (and where they stopped) fill the page at once; a preheated kernel (nobody
            # waits for it) first waits for the runs another page is simulating, so the next page has its cards
            self.runner.run(self.run)
            return
        self.cards.value = f"<p class='vetsim-loading'>{html.escape(tr('ui.computing', self.lang))}</p>"
        # from now on the preheated kernel of the next page waits for this run instead of simulating the pair too
        marker = self._mark_opening()
        # the instant estimate's cards before the thread starts: the cell's output (preview) can carry them
        if self.runner.run(self._show_estimate) is None:
            if marker is not None:
                marker.unlink(missing_ok=True)
            return  # the estimate failed: its message is shown, as a failed run's would be
        self._loader = threading.Thread(target=self._opening_run, args=(marker,), name="vetsim-dashboard", daemon=True)
        self._loader.start()
        threading.Thread(target=_prewarm, name="vetsim-prewarm", daemon=True).start()

    def _mark_opening(self) -> Path | None:
        """The opening run's computing marker (:func:`vetsim.replicate.mark_computing`), written before its
        estimate; None if it cannot be written."""
        try:
            reps = read_field(DASHBOARD_FIELDS[0], self.inputs["replications"].value)
            return mark_computing([self.baseline, self.proposal], reps, self.baseline.spec.seed)
        except Exception:  # noqa: BLE001 - without a marker the next page may simulate the pair too, nothing worse
            return None

    def _opening_run(self, marker: Path | None) -> None:
        """The opening run (its thread); the marker written before the estimate goes with it, whether the run
        started (it then removed the marker itself) or failed before."""
        try:
            self.runner.run(self.run)
        finally:
            if marker is not None:
                marker.unlink(missing_ok=True)

    def _show_estimate(self) -> str:
        """Show the instant estimate's cards of the baseline and the proposal now; the opening run (its
        thread) takes them as shown instead of computing them again."""
        self._estimate_html = estimate_cards_html(self.baseline, self.proposal, CARD_KEYS, self.lang)
        self._estimate_pending = True
        self.cards.value = self._estimate_html
        return self._estimate_html

    def _all_cached(self, wait: bool = False) -> bool:
        """Both opening runs and where they stopped are in the results cache (the page can be filled
        without simulating); with ``wait``, runs another process is simulating right now are waited for."""
        reps, seed = read_field(DASHBOARD_FIELDS[0], self.inputs["replications"].value), self.baseline.spec.seed
        pair = [self.baseline, self.proposal]
        try:
            return wait_for_recorded(pair, reps, seed) if wait else is_recorded(pair, reps, seed)  # read by run()
        except Exception:  # noqa: BLE001 - a cache that cannot be read only means: simulate
            return False

    def preview(self) -> None:
        """Display the KPI cards as plain HTML, for the moment before the page's widgets are drawn.

        Why: Voilà sends the executed notebook at once but draws widgets only after its scripts have
        loaded (seconds on a meeting-room laptop). The cards, when already computed (a repeated view,
        results from the cache), are shown as static HTML in the page itself; they disappear when the
        live dashboard (the same cards, interactive) is drawn. While a first run is still being
        simulated, the instant estimate's cards (shown when the dashboard opened) are written the same
        way; the live page then shows them too, with the progress of the runs.
        """
        from IPython.display import HTML, display  # only inside a kernel, as in _in_kernel

        if getattr(self, "kpis", None) is not None:
            cards = self._cards_html(self.kpis).replace('class="vetsim-card kpi-', 'class="vetsim-card static-kpi-')
        elif getattr(self, "_estimate_html", None):
            cards = self._estimate_html  # cards of class estimate-kpi-KEY: never mistaken for the result
        else:
            return
        # Voilà hides the outputs behind a spinner until the widgets are drawn: show them, not the spinner
        reveal = "<style>#rendered_cells{display:block!important}#loading{display:none!important}</style>"
        display(HTML(f"{reveal}{CSS}<div class='vetsim-static'>{self.heading.value}{self.title.value}{cards}</div>"))

    # ---- settings ---------------------------------------------------------------------------------
    def _default_reps(self) -> int:
        return self._replications or env_int(ENV_REPLICATIONS, self.baseline.spec.simulation.replications)

    def _show_title(self) -> None:
        colon = tr("punct.colon", self.lang)
        self.title.value = (f"<h3 style='margin:4px 0'>{html.escape(tr('charts.t.baseline', self.lang))}{colon}"
                            f"{html.escape(self.baseline.name(self.lang))} ⇄ {html.escape(tr('brief.proposal', self.lang))}"
                            f"{colon}{html.escape(self.proposal_base.name(self.lang))}</h3>")

    def _choose_baseline(self) -> None:
        self.baseline = self.base_picker.load()
        self._show_title()

    def _choose_proposal(self) -> None:
        self.proposal_base = self.prop_picker.load()
        self.editor.reset(self.proposal_base)
        self._show_title()

    def _staff_changed(self) -> None:
        self.export_links.value = ""

    def input_widgets(self) -> dict[str, widgets.ValueWidget]:
        """Every input of the dashboard by a stable name (for tests and scripted use)."""
        return {"baseline": self.base_picker.widget, "proposal": self.prop_picker.widget,
                **{f"staff.{k}": w for k, w in self.editor.input_widgets().items()}, **self.inputs}

    @property
    def proposal(self) -> Scenario:
        """The chosen proposal with the staffing edited on the dashboard."""
        return self.editor.scenario()

    # ---- actions ----------------------------------------------------------------------------------
    def run(self) -> pd.DataFrame:
        """Simulate baseline and proposal (same seed), then refresh KPI cards, headlines and charts."""
        loader = getattr(self, "_loader", None)
        if loader is not None and loader is not threading.current_thread() and loader.is_alive():
            loader.join()  # the opening run first: one run at a time, its results never overwrite a newer one
        reps = read_field(DASHBOARD_FIELDS[0], self.inputs["replications"].value)
        proposal = self.proposal
        seed = self.baseline.spec.seed
        self.run_button.disabled = True
        try:
            # a page with no simulated cards yet: the instant estimate's cards at once, refined as runs arrive
            # (a later run keeps the simulated cards it has until the new ones are there)
            first = self.kpis is None and not self._all_cached()
            shown, self._estimate_pending = self._estimate_pending, False  # by _auto_run, for this opening run
            if first and not shown:
                self.cards.value = estimate_cards_html(self.baseline, proposal, CARD_KEYS, self.lang)
            self.baseline_results, self.results = self.sim.run_until_sure(
                [self.baseline, proposal], reps, seed, tr("ui.baseline_and_proposal", self.lang),
                on_batch=(lambda runs, stop: self._refine(proposal, runs, stop)) if first else None)
        finally:
            self.run_button.disabled = False
        # the one brief builder of `vetsim report`: same costs, same budget (with the simulated caseload)
        from ..brief.page import chart_figures  # lazy: matplotlib and the brief, after the first cards
        from ..brief.run import build_brief  # lazy: the dashboard's first cards load none of this (issue 25)

        self.brief = build_brief(self.baseline, self.baseline_results, proposal, self.results, lang=self.lang,
                                 seed=seed, draws=self.budget_draws)
        self.brief_inputs = self.brief.inputs
        self.budget = self.brief_inputs.budget
        self.kpis = self.brief.kpis
        self.cards.value = self._cards_html(self.kpis)
        self.headline_html.value = "<ul style='font-size:16px;margin:4px 0'>" + "".join(
            f"<li>{html.escape(s)}</li>" for s in self.brief.headlines) + "</ul>"
        self.task_view.show(self.baseline, self.baseline_results, proposal, self.results)
        self.map_view.show(proposal, self.results)
        self.changes.value = _changes_html(self.baseline, self.baseline_results, proposal, self.results, self.lang)
        self.figures = chart_figures(self.brief_inputs, self.lang, list(self.images))  # the map has its own tab
        for name, img in self.images.items():
            fig = self.figures.get(name)
            img.value = figure_png(fig, dpi=60) if fig is not None else b""
            img.layout.display = None if fig is not None else "none"
        self.chart_data_links.value = self._chart_data_html()
        self.export_links.value = ""
        self.exports = {}
        return self.kpis

    def _refine(self, proposal: Scenario, runs: list[Any], stop: Any) -> None:
        """The cards from the runs so far, after each batch but the last (whose cards :meth:`run` shows)."""
        if stop is None:
            self.cards.value = partial_cards_html(self.baseline, runs[0], proposal, runs[1], CARD_KEYS, self.lang)

    def _chart_data_html(self) -> str:
        """One download link per chart: its numbers as CSV (the same tables as the brief's)."""
        links = []
        for name, data in self.brief.chart_csvs().items():
            fig = self.figures.get(name.removesuffix(".csv"))
            title = fig.axes[0].get_title(loc="left").replace("\n", " ") if fig is not None and fig.axes \
                else tr("sitemap.ui.tab", self.lang)  # the map, drawn on its own tab
            links.append(download_link(data, name, "text/csv", tr("chartdata.download_named", self.lang, title=title)))
        return "<div>" + "".join(links) + "</div>"

    def _cards_html(self, table: pd.DataFrame) -> str:
        rows = {r["key"]: r for r in table.to_dict("records")}
        cards = []
        for key in CARD_KEYS:
            r = rows.get(key)
            if r is None:
                continue
            base = tr("ui.baseline_target", self.lang, baseline_text=r['baseline_text'], target_text=r['target_text'])
            ok = r["proposal_ok"] if r["proposal_ok"] is not None else None
            cards.append(kpi_card(r["label"], r["proposal_text"], base, ok, cls=f"kpi-{key}"))
        return f'<div class="vetsim-cards">{"".join(cards)}</div>'

    def export(self, fmt: str = "pdf", path: str | Path | None = None) -> bytes:
        """The one-page brief (``vetsim.report``) as PNG or PDF bytes, shown as a download link;
        also written to ``path`` (atomically) if given."""
        fmt = read_field(EXPORT_FIELD, fmt)
        target = check_output_target(path, "file") if path is not None else None  # before the work
        if self.brief is None:
            self.run()
        data = self.brief.to_bytes(fmt)
        if target is not None:
            atomic_write_bytes(target, data)
        self.exports[fmt] = data
        self.export_links.value = "".join(
            download_link(d, f"brief.{f}", _MIME[f], tr("ui.download_brief", self.lang, f_upper=f.upper()))
            for f, d in self.exports.items())
        return data


# what the opening run imports once its replications are in (the brief, its charts, the comparison)
PREWARM_MODULES = ("vetsim.brief.run", "vetsim.brief.page", "vetsim.brief.diff_text", "vetsim.charts.sitemap")
PREWARM_DELAY_S = 1.0  # after the page's first cards are sent


def _prewarm() -> None:
    """Import :data:`PREWARM_MODULES` while the workers simulate, a moment after the dashboard was built (its
    first cards are sent by then): the simulated cards then do not wait for matplotlib and the brief, which
    the first cards do not load. An import that fails here fails again in :meth:`MeetingDashboard.run`,
    which reports it."""
    time.sleep(PREWARM_DELAY_S)
    for name in PREWARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - reported where the module is used (see the docstring)
            return


def _changes_html(baseline: Scenario, base_res: Any, proposal: Scenario, prop_res: Any, lang: str) -> str:
    """The tab "what changed": figures beyond their noise, inputs and method, baseline against proposal."""
    from ..brief.diff import Run, compare_runs  # lazy, as in MeetingDashboard.run
    from ..brief.diff_text import comparison_fragment  # lazy: the dashboard's first cards load none of this (issue 25)

    c = compare_runs(Run(base_res, baseline), Run(prop_res, proposal))
    return f"<p>{html.escape(tr('compare.ui.hint', lang))}</p>{comparison_fragment(c, lang)}"
