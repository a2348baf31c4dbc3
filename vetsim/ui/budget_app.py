"""Budget explorer (经费测算): change the key fiscal inputs, see the budget by year and tier with ranges.

The form edits a copy of the scenario's fiscal inputs (the numbers stay in ``data/``; the form only
overrides them for this session), then calls ``vetsim.budget``. Validation of the edited inputs
(e.g. tier shares that do not add up to 1) is the scenario's own, so its messages name the problem
in Chinese exactly as ``vetsim validate`` would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ..files import atomic_write_bytes, check_output_target
from ..fiscal import RANGE_DRAWS
from ..scenario import Overlay, RowUpdate, Scenario
from ..scenario.fiscal_spec import GOV_TIERS
from ..scenario.sources import REPLACE_KEY
from ..wording import both, tr
from .common import CSS, App, download_link, env_int, figure_png, frame_html
from .fields import FieldSpec, build_widget, read_fields, unit
from .scenarios import ScenarioPicker, find_data_dir

__all__ = ["BudgetExplorer", "BUDGET_FIELDS", "fiscal_variant", "ENV_DRAWS", "DEFAULT_DRAWS"]

ENV_DRAWS = "VETSIM_UI_DRAWS"  # e.g. 20 in tests
DEFAULT_DRAWS = RANGE_DRAWS  # Monte Carlo draws the form starts with

BUDGET_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("eligible_count", "float", *both("ui.si_continuation_people_to_verify"), min=0, max=1e6,
              **unit("unit.people"), width="330px"),
    FieldSpec("years_in_arrears", "float", *both("ui.years_in_arrears"), min=0, max=45, step=0.5,
              **unit("unit.years"), width="330px"),
    FieldSpec("base_share", "float", *both("ui.contribution_base_average_wage"), min=0, max=3,
              step=0.05, width="330px"),
    FieldSpec("central", "float", *both("ui.central_share"), min=0, max=1, step=0.05, width="200px"),
    FieldSpec("province", "float", *both("ui.province_share"), min=0, max=1, step=0.05, width="200px"),
    FieldSpec("city", "float", *both("ui.city_share"), min=0, max=1, step=0.05, width="200px"),
    FieldSpec("county", "float", *both("ui.county_share"), min=0, max=1, step=0.05, width="200px"),
    FieldSpec("yearly_rise", "float", *both("ui.yearly_rise_of_pension_standards"), min=-0.5, max=1,
              step=0.01, width="330px"),
    FieldSpec("draws", "int", *both("ui.monte_carlo_draws_0_exact"), min=0, max=20000,
              width="330px"),
)


def _scaled(q: Any, value: float) -> Any:
    """``q`` (an ``Uncertain``) with a new point value; its distribution is scaled by the same ratio."""
    upd: dict[str, Any] = {"value": value}
    if getattr(q, "dist", None) is not None:
        d = q.dist
        if q.value:
            r = value / q.value
            upd["dist"] = {"kind": d.kind, "low": d.low * r, "high": d.high * r,
                           **({"mode": d.mode * r} if d.mode is not None else {})}
        else:
            upd["dist"] = None
    return {**q.model_dump(), **upd}


def fiscal_variant(scenario: Scenario, values: dict[str, Any]) -> Scenario:
    """A revalidated copy of ``scenario`` with the form's fiscal inputs (``ScenarioError`` if inconsistent)."""
    spec = scenario.spec.model_dump()
    fiscal = spec["fiscal"]
    si = fiscal["si_continuation"]
    src = scenario.spec.fiscal.si_continuation
    if src.cohort is not None:
        si["cohort"]["count"] = _scaled(src.cohort.count, values["eligible_count"])
        si["cohort"]["years_in_arrears"] = _scaled(src.cohort.years_in_arrears, values["years_in_arrears"])
    base = fiscal["parameters"]["si_base_share"]
    first = min(base["values"])
    base["values"] = {first: values["base_share"]}
    fiscal["pensions"]["rise_after_last"] = _scaled(scenario.spec.fiscal.pensions.rise_after_last,
                                                    values["yearly_rise"])
    where = {"funding": src.funding, "region_tier": scenario.spec.fiscal.region_tier}
    tiers = RowUpdate("tier_shares.csv", where, {t: values[t] for t in GOV_TIERS})
    return Overlay({"fiscal": {REPLACE_KEY: True, **fiscal}}, (tiers,), label="budget").apply(scenario)


def _defaults(scenario: Scenario) -> dict[str, Any]:
    f = scenario.spec.fiscal
    si = f.si_continuation
    shares = [r for r in scenario.table("tier_shares.csv")
              if r.funding == si.funding and r.region_tier == f.region_tier]
    latest = max(shares, key=lambda r: r.from_year) if shares else None
    base_vals = f.parameters["si_base_share"].values
    return {
        "eligible_count": si.cohort.count.value if si.cohort else 0.0,
        "years_in_arrears": si.cohort.years_in_arrears.value if si.cohort else 0.0,
        "base_share": float(base_vals[max(base_vals)]),
        **{t: (getattr(latest, t) if latest else 0.0) for t in GOV_TIERS},
        "yearly_rise": f.pensions.rise_after_last.value,
        "draws": env_int(ENV_DRAWS, DEFAULT_DRAWS),
    }


class BudgetExplorer(App):
    """Fiscal inputs in, budget by year and tier (with P10-P90 band), table and downloads out."""

    def __init__(self, data_dir: str | Path | None = None, scenario: str | Path | None = None, lang: str = "zh",
                 draws: int | None = None, compute: bool = True):
        super().__init__(lang)
        self.data_dir = Path(data_dir) if data_dir is not None else find_data_dir()
        self.picker = ScenarioPicker(self.data_dir, lang, value=scenario)
        self.base: Scenario = self.picker.load()
        self.budget: Any = None
        self.figure: Any = None
        self.csv_bytes = b""
        self.xlsx_bytes = b""
        self._draws = draws
        self.inputs = {s.name: build_widget(s, lang) for s in BUDGET_FIELDS}
        self._fill_defaults()
        self.button = widgets.Button(description=tr("ui.compute", lang), button_style="primary",
                                     icon="calculator")
        self.button.on_click(self.runner.wrap(lambda _b: self.compute()))
        self.picker.observe(self.runner.wrap(lambda _ch: self.choose(self.picker.path)))
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="1100px", display="none"))
        self.table_html = widgets.HTML()
        self.links = widgets.HTML()
        i = self.inputs
        tiers = tr("ui.field.tier_shares", self.lang)
        self.widget = widgets.VBox([
            widgets.HTML(CSS), self.picker.widget, self.runner.status,
            widgets.HBox([i["eligible_count"], i["years_in_arrears"]]),
            widgets.HBox([i["base_share"], i["yearly_rise"]]),
            widgets.HTML(f"<b>{tiers}</b>"), widgets.HBox([i[t] for t in GOV_TIERS]),
            widgets.HBox([i["draws"], self.button]),
            self.image, self.links, self.table_html,
        ])
        if compute:
            self.runner.run(self.compute)

    def input_widgets(self) -> dict[str, widgets.ValueWidget]:
        """Every input of the app by a stable name (for tests and scripted use)."""
        return {"scenario": self.picker.widget, **self.inputs}

    def _fill_defaults(self) -> None:
        values = _defaults(self.base)
        if self._draws is not None:
            values["draws"] = self._draws
        for name, v in values.items():
            self.inputs[name].value = v
        has_cohort = self.base.spec.fiscal.si_continuation.cohort is not None
        self.inputs["eligible_count"].disabled = self.inputs["years_in_arrears"].disabled = not has_cohort

    def choose(self, path: str | Path) -> None:
        """Switch scenario; the form takes that scenario's values."""
        if not self.picker.select(path):
            return  # the dropdown's observer comes back here with the new value
        self.base = self.picker.load()
        self._fill_defaults()
        self.compute()

    def scenario(self) -> Scenario:
        """The base scenario with the form's fiscal inputs (checked)."""
        values = read_fields(BUDGET_FIELDS, self.inputs)
        return fiscal_variant(self.base, values)

    def compute(self) -> Any:
        """Run ``vetsim.budget`` for the form and show chart, table and download links."""
        from ..charts.budget import budget_by_tier  # lazy: matplotlib and openpyxl only when a budget is drawn
        from ..fiscal.budget import budget as run_budget  # lazy: the dashboard's first cards load none of this (issue 25)
        from ..fiscal.excel import (  # lazy: the dashboard's first cards load none of this (issue 25)
            budget_csv_bytes,
            budget_xlsx_bytes,
        )

        draws = read_fields(BUDGET_FIELDS[-1:], self.inputs)["draws"]
        scenario = self.scenario()
        self.budget = run_budget(scenario, draws=draws, seed=scenario.spec.seed)
        self.figure = budget_by_tier(self.budget, lang=self.lang)
        self.image.value = figure_png(self.figure, dpi=80)
        self.image.layout.display = None
        wide = self.budget.wide(self.lang)
        self.table_html.value = frame_html(wide.reset_index(), {c: "{:,.0f}" for c in wide.columns})
        self.csv_bytes = budget_csv_bytes(self.budget, self.lang)
        self.xlsx_bytes = budget_xlsx_bytes(self.budget, self.lang)
        stem = f"budget_{Path(str(self.base.path or 'scenario')).name}"
        self.links.value = (download_link(self.xlsx_bytes, f"{stem}.xlsx",
                                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                          tr("ui.download_excel", self.lang))
                            + download_link(self.csv_bytes, f"{stem}.csv", "text/csv",
                                            tr("ui.download_csv", self.lang)))
        return self.budget

    def csv_table(self) -> pd.DataFrame:
        """The tidy budget table with labels in the app's language (what the CSV download holds)."""
        from ..fiscal.excel import budget_csv_frame  # lazy: openpyxl

        return budget_csv_frame(self.budget, self.lang)

    def save_downloads(self, folder: str | Path) -> dict[str, Path]:
        """Write the Excel and CSV files into ``folder`` atomically (for scripts; the app shows links)."""
        out = {}
        for name, data in (("budget.xlsx", self.xlsx_bytes), ("budget.csv", self.csv_bytes)):
            out[name] = atomic_write_bytes(check_output_target(Path(folder) / name, "file"), data)
        return out
