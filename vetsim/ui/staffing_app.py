"""Staffing explorer (人员配置探索): edit staff per level or site, see the instant estimate, simulate, save.

The app holds its widgets and its current result (``estimate``, ``results``, ``baseline_results``,
``saved``); callbacks only call the model (``vetsim.staffing`` for the estimate, ``vetsim.simulate``
for the run) and lay out what comes back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ..scenario import Scenario
from ..wording import both, tr
from .common import CSS, App, env_int, figure_png
from .estimate_view import InstantEstimate, summary_html, wisn_html
from .fields import FieldSpec, build_widget, hint, read_field, read_fields, unit
from .overlay import FOLDER_PATTERN, save_overlay
from .scenarios import ScenarioPicker, find_data_dir
from .simview import SimRunner, compare_html, compare_table, dropped_work_html
from .staff import StaffEditor

__all__ = ["StaffingExplorer", "SIM_FIELDS", "SAVE_FIELD", "ENV_REPLICATIONS"]

ENV_REPLICATIONS = "VETSIM_UI_REPLICATIONS"  # e.g. 2 in tests and the browser test

SIM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("replications", "int", *both("ui.replications"), min=1, max=1000, **unit("unit.runs"),
              width="270px"),
    FieldSpec("seed", "int", *both("seed"), min=0, max=2**32 - 1, width="260px"),
)
SAVE_FIELD = FieldSpec("folder", "text", *both("ui.proposal_folder_name"), pattern=FOLDER_PATTERN,
                       **hint("ui.folder_name_hint"), width="380px")


class StaffingExplorer(App):
    """Choose a scenario, edit staffing, see the instant estimate on every change, simulate, save an overlay.

    ``replications`` overrides the scenario's setting (and ``$VETSIM_UI_REPLICATIONS``) for quick runs.
    """

    def __init__(self, data_dir: str | Path | None = None, scenario: str | Path | None = None, lang: str = "zh",
                 replications: int | None = None, workers: int = 1, debounce: float = 0.15):
        super().__init__(lang, debounce)
        self.data_dir = Path(data_dir) if data_dir is not None else find_data_dir()
        self.picker = ScenarioPicker(self.data_dir, lang, value=scenario)
        self.base: Scenario = self.picker.load()
        self.estimator = InstantEstimate(self.base, lang)
        self.estimate: pd.DataFrame | None = None
        self.results: Any = None
        self.baseline_results: Any = None
        self.comparison: pd.DataFrame | None = None
        self.saved: Path | None = None
        self._replications = replications
        self._refresh = self.runner.debounced(self.refresh_estimate)
        self.editor = StaffEditor(self.base, lang, wrap=self.runner.wrap, on_change=self._refresh)
        self.estimate_html = widgets.HTML()
        self.sim = SimRunner(lang, workers)
        self.inputs = {s.name: build_widget(s, lang, self._default(s.name)) for s in SIM_FIELDS}
        self.run_button = widgets.Button(description=tr("ui.run_simulation", lang),
                                         button_style="primary", icon="play")
        self.run_button.on_click(self.runner.wrap(lambda _b: self.run_simulation()))
        self.results_html = widgets.HTML()
        self.results_image = widgets.Image(format="png", layout=widgets.Layout(max_width="1100px", display="none"))
        self.save_input = build_widget(SAVE_FIELD, lang, "")
        self.save_button = widgets.Button(description=tr("ui.save_as_proposal", lang),
                                          icon="save")
        self.save_button.on_click(self.runner.wrap(lambda _b: self.save()))
        self.save_html = widgets.HTML()
        self.picker.observe(self.runner.wrap(lambda _ch: self.choose(self.picker.path)))
        site_acc = widgets.Accordion(children=[self.editor.site_table])
        site_acc.set_title(0, tr("ui.per_site_table", self.lang))
        site_acc.selected_index = None
        self.widget = widgets.VBox([
            widgets.HTML(CSS), self.picker.widget, self.runner.status,
            widgets.HTML(f"<h3>{tr('ui.staffing', self.lang)}</h3>"), self.editor.level_form, site_acc,
            self.estimate_html,
            widgets.HTML(f"<h3>{tr('ui.simulation_heading', self.lang)}</h3>"),
            widgets.HBox([*self.inputs.values(), self.run_button], layout=widgets.Layout(padding="0 0 0 6px")),
            self.sim.widget,
            self.results_html, self.results_image,
            widgets.HTML(f"<h3>{tr('ui.save_the_proposal', self.lang)}</h3>"),
            widgets.HBox([self.save_input, self.save_button]), self.save_html,
        ])
        self.runner.run(self.refresh_estimate)

    # ---- settings -------------------------------------------------------------------------------
    def _default(self, name: str) -> int:
        if name == "replications":
            return self._replications or env_int(ENV_REPLICATIONS, self.base.spec.simulation.replications)
        return self.base.spec.seed

    def input_widgets(self) -> dict[str, widgets.ValueWidget]:
        """Every input of the app by a stable name (for tests and scripted use)."""
        return {"scenario": self.picker.widget,
                **{f"staff.{k}": w for k, w in self.editor.input_widgets().items()},
                **self.inputs, "folder": self.save_input}

    @property
    def scenario(self) -> Scenario:
        """The base scenario with the edited staffing (revalidated)."""
        return self.editor.scenario()

    # ---- actions --------------------------------------------------------------------------------
    def choose(self, path: str | Path) -> None:
        """Switch to the scenario folder ``path``: staffing, estimate and results start over."""
        if not self.picker.select(path):
            return  # the dropdown's observer comes back here with the new value
        base = self.picker.load()
        self.base = base
        self.estimator = InstantEstimate(base, self.lang)
        self.editor.reset(base)
        for spec in SIM_FIELDS:
            self.inputs[spec.name].value = self._default(spec.name)
        self.results = self.baseline_results = self.comparison = None
        self.results_html.value = ""
        self.results_image.value = b""
        self.results_image.layout.display = "none"
        self.refresh_estimate()

    def refresh_estimate(self) -> pd.DataFrame:
        """Recompute the instant estimate for the current staffing and show it."""
        self.estimate = self.estimator.table(self.editor.values)
        self.estimate_html.value = (summary_html(self.estimate, self.estimator.max_util, self.lang)
                                    + wisn_html(self.estimator.wisn(self.editor.values), self.lang))
        return self.estimate

    def run_simulation(self) -> pd.DataFrame:
        """Simulate baseline and edited staffing with the same seed; show the comparison."""
        opts = read_fields(SIM_FIELDS, self.inputs)
        proposal = self.editor.scenario()
        self.run_button.disabled = True
        try:
            self.baseline_results = self.sim.run(self.base, opts["replications"], opts["seed"],
                                                 tr("charts.t.baseline", self.lang))
            self.results = self.sim.run(proposal, opts["replications"], opts["seed"], tr("brief.proposal", self.lang))
        finally:
            self.run_button.disabled = False
        self.comparison = compare_table(self.baseline_results, self.results, self.lang)
        self.results_html.value = (compare_html(self.comparison, self.lang)
                                   + dropped_work_html(self.results, proposal, self.lang))
        self.results_image.value = self._chart()
        self.results_image.layout.display = None
        return self.comparison

    def _chart(self) -> bytes:
        from ..charts import waits_by_level  # type: ignore[attr-defined]

        fig = waits_by_level(self.baseline_results, self.results, scenario=self.base, lang=self.lang)
        return figure_png(fig, dpi=80)

    def save(self, folder: str | None = None) -> Path:
        """Save the edited staffing as an overlay folder next to the scenarios (name from the text box)."""
        if folder is not None:
            self.save_input.value = folder
        name = read_field(SAVE_FIELD, self.save_input.value)
        self.editor.check()  # never save the previous value of a box that shows an invalid one
        self.saved = save_overlay(self.base, self.editor.changes(), self.data_dir / name)
        self.save_html.value = tr("ui.saved", self.lang, saved=self.saved)
        self.picker.refresh()
        return self.saved
