"""The dashboard's optional sensitivity section (敏感性：哪个假设最重要): a button, a check box, the tornado page.

Runs only when asked (a tornado takes seconds for the budget, minutes with the service KPIs), on the
scenario the dashboard is deciding, and shows :func:`vetsim.brief.sensitivity_page` as an image.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..wording import tr
from .common import figure_png

__all__ = ["SensitivityPanel"]


class SensitivityPanel:
    """A closed accordion: "run the sensitivity analysis", "include the service KPIs", then the tornado page."""

    def __init__(self, lang: str, scenario: Callable[[], Any], wrap: Callable[[Callable[..., Any]], Callable[..., Any]],
                 days: int | None = None, replications: int = 1):
        self.lang = lang
        self._scenario = scenario
        self.days, self.replications = days, replications
        self.tornado: Any = None
        self.button = widgets.Button(description=tr("sens.ui.run", lang), icon="sliders",
                                     layout=widgets.Layout(width="240px"))
        self.service = widgets.Checkbox(value=False, description=tr("sens.ui.service", lang), indent=False)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="98%", display="none"))
        self.button.on_click(wrap(lambda _b: self.run()))
        body = widgets.VBox([widgets.HBox([self.button, self.service]), self.image])
        self.widget = widgets.Accordion(children=[body])
        self.widget.set_title(0, tr("sens.section", lang))
        self.widget.selected_index = None

    def run(self) -> Any:
        """Compute the tornado of the current scenario and show its page; returns the tornado."""
        from ..brief.sensitivity import (
            sensitivity_section,  # deferred: the sensitivity analysis loads when it is run, not with the dashboard
        )

        self.button.disabled = True
        try:
            self.tornado, fig = sensitivity_section(self._scenario(), self.lang, service=self.service.value,
                                                    days=self.days, replications=self.replications)
        finally:
            self.button.disabled = False
        self.image.value = figure_png(fig, dpi=72)
        self.image.layout.display = None
        return self.tornado
