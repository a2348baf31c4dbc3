"""The optional sensitivity page of the brief (敏感性：哪个假设最重要): tornado charts side by side.

``sensitivity_page(tornado)`` draws the budget's tornado and, when the tornado has service KPIs,
the one of the KPI the assumptions move most (relative to its middle value), on one projector
page with its source line. ``sensitivity_section(scenario)`` runs the tornado first. The brief and
the dashboard show it as an extra page; the one-page brief itself is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from ..charts import tornado_chart
from ..charts.style import SCREEN_SIZE, SourceInfo, add_source_line, house_style, new_figure
from ..sensitivity import SERVICE_OUTPUTS, Tornado, tornado
from ..wording import tr

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["sensitivity_page", "sensitivity_section", "page_outputs"]


def page_outputs(t: Tornado) -> list[str]:
    """``budget_total`` and, if simulated, the service KPI with the largest swing relative to its middle value."""
    out = ["budget_total"]
    table = t.table[t.table["output"].isin(SERVICE_OUTPUTS) & (t.table["base"].abs() > 0)]
    if not table.empty:
        rel = (table["swing"] / table["base"].abs()).groupby(table["output"]).max()
        if rel.max() > 0:
            out.append(str(rel.idxmax()))
    return out


def sensitivity_page(t: Tornado, lang: str = "zh", outputs: list[str] | None = None) -> Figure:
    """One page with the tornado of each of ``outputs`` (default :func:`page_outputs`) and a source line."""
    outputs = outputs or page_outputs(t)
    with house_style(lang):
        fig = new_figure(SCREEN_SIZE)
        fig.suptitle(tr("sens.section", lang), x=0.01, ha="left", fontsize="x-large", fontweight="bold")
        subs = fig.subfigures(1, len(outputs)) if len(outputs) > 1 else [fig.subfigures(1, 1)]
        for sub, output in zip(subs, outputs):
            note = "" if output == "budget_total" else tr("sens.sim_short", lang, reps=t.meta["replications"],
                                                          days=t.meta["days"])
            tornado_chart(t, output, lang=lang, top=6, fig=sub, note=note)
        add_source_line(fig, SourceInfo.from_meta(t.meta, lang=lang), lang, size=9)
    return fig


def sensitivity_section(scenario: Scenario, lang: str = "zh", *, service: bool = False, **kw: Any) -> tuple[Tornado, Figure]:
    """Run the tornado of ``scenario`` (budget; with ``service`` also the KPIs) and draw its page."""
    t = tornado(scenario, service=service, **kw)
    return t, sensitivity_page(t, lang)
