"""The meeting brief: build it from computed results (:func:`make_brief`) and write it as PDF, PNG or HTML.

PDF: one page, fonts embedded as TrueType/CID so that the KPI names and numbers are real text.
PNG: at least 1920 px wide (projector). HTML: one self-contained file (images embedded as base64)
that can be e-mailed. Every file is written atomically.
"""

from __future__ import annotations

import base64
import html
import io
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..charts.frame import figure_bytes
from ..charts.style import BAD_FILL, GOOD_FILL, house_style
from ..errors import VetsimError
from ..files import atomic_folder, atomic_write_bytes, check_output_target, csv_bytes
from ..wording import tr
from .changes import proposal_changes
from .kpis import kpi_table
from .page import (
    BriefInputs,
    chart_figures,
    chart_names,
    chart_numbers,
    check_paper,
    draw_page,
    page_scale,
    pair_notes,
    source_info,
    title_text,
)
from .sentences import headlines
from .taskpage import TASK_TABLE_CSS, draw_task_page, task_page_html

__all__ = ["Brief", "make_brief", "BriefFormatError", "FORMATS", "PAGE_PNG_DPI", "CSV_SUFFIX"]

FORMATS = (".pdf", ".png", ".html", ".svg")
CSV_SUFFIX = ".csv"  # the numbers of chart NAME: NAME.csv
TASK_PAGE_SUFFIX = "-tasks"  # PNG/SVG: the task page goes to <name>-tasks.png
PAGE_PNG_DPI = 128  # 20 in x 128 dpi = 2560 px wide (projectors need >= 1920)
_CHART_PNG_DPI = 100  # charts in the HTML brief: 12.8 in x 100 dpi = 1280 px (2 per row on screen)


class BriefFormatError(VetsimError, ValueError):
    """The output file name has a suffix the brief cannot be written as."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(self.user_message("zh"), self.user_message("en"))

    def user_message(self, lang: str = "zh") -> str:
        return tr("brief.bad_format", lang, path=self.path, allowed=tr("list.sep", lang).join(FORMATS))


@dataclass
class Brief:
    """A one-page meeting brief: the KPI table, headline sentences and the page figure.

    ``kpis`` is tidy (see :data:`vetsim.brief.kpis.KPI_COLUMNS`); ``headlines`` are the sentences
    on the page; ``figure`` is the page as a ``matplotlib.figure.Figure``.
    """

    inputs: BriefInputs
    lang: str
    kpis: pd.DataFrame
    headlines: list[str]
    path: Path | None = field(default=None)
    paper: str = "16:9"  # "16:9" (projector) or "a4" (A4 landscape, for printing)

    @cached_property
    def figure(self) -> Figure:
        with house_style(self.lang, scale=page_scale(self.paper)):
            return draw_page(self.inputs, self.kpis, self.headlines, self.lang, self.paper)

    @cached_property
    def task_figure(self) -> Figure | None:
        """The second page, the key-task progress table (None when the brief has no tasks)."""
        if self.inputs.tasks is None:
            return None
        with house_style(self.lang, scale=page_scale(self.paper)):
            return draw_task_page(self.inputs, self.lang, self.paper, self.notes.get("backlog"))

    @cached_property
    def notes(self) -> dict[str, str]:
        """The line under each chart that could seem to contradict a figure of the tables: chart -> sentence."""
        return pair_notes(self.inputs, self.kpis, self.lang)

    @property
    def title(self) -> str:
        return title_text(self.inputs, self.lang)

    def chart_tables(self) -> dict[str, pd.DataFrame]:
        """The numbers behind each chart of the brief (chart name -> labelled table), in page order."""
        return {name: chart_numbers(name, self.inputs, self.lang) for name in chart_names(self.inputs)}

    def chart_csvs(self) -> dict[str, bytes]:
        """Each chart's numbers as a CSV file (``<chart>.csv`` -> bytes: UTF-8 with BOM, formula-safe)."""
        return {f"{name}{CSV_SUFFIX}": csv_bytes(table) for name, table in self.chart_tables().items()}

    def save_chart_data(self, folder: str | os.PathLike[str], force: bool | str = False) -> Path:
        """Write :meth:`chart_csvs` into ``folder`` (a vetsim output folder, written as a whole)."""
        files = self.chart_csvs()
        with atomic_folder(folder, "chart_data", force=force, meta={"lang": self.lang}) as tmp:
            for name, data in files.items():
                atomic_write_bytes(tmp / name, data)
        return Path(folder)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the brief; the format follows the suffix (.pdf, .png, .html, .svg)."""
        out = Path(path)
        suffix = out.suffix.lower()
        if suffix not in FORMATS:
            raise BriefFormatError(str(path))
        fmt = suffix.lstrip(".")
        data = self.to_bytes(fmt)  # drawn first: a failed drawing leaves no file
        # PNG/SVG hold one page: the task page (when asked for) is a second file, checked before either is written
        second = out.with_name(f"{out.stem}{TASK_PAGE_SUFFIX}{out.suffix}") \
            if self.inputs.tasks is not None and fmt in ("png", "svg") else None
        extra = self.task_page_bytes(fmt) if second is not None else None
        target = check_output_target(out, "file")
        if second is not None:
            check_output_target(second, "file")
        atomic_write_bytes(target, data)
        if second is not None and extra is not None:
            atomic_write_bytes(second, extra)
        self.path = out
        return out

    def to_bytes(self, fmt: str = "pdf") -> bytes:
        """The brief as the bytes of a ``.fmt`` file (pdf, png, html, svg): what :meth:`save` writes."""
        if f".{fmt}" not in FORMATS:
            raise BriefFormatError(f"brief.{fmt}")
        if fmt == "html":
            return self.to_html().encode("utf-8")
        dpi = (PAGE_PNG_DPI if self.paper == "16:9" else 300) if fmt == "png" else 100
        with house_style(self.lang, scale=page_scale(self.paper)):
            if fmt == "pdf" and self.inputs.tasks is not None:  # the task page is page 2
                return _pdf_pages_bytes([self.figure, self.task_figure])
            return figure_bytes(self.figure, fmt, lang="", dpi=dpi)

    def task_page_bytes(self, fmt: str = "png") -> bytes:
        """The task page alone (PNG/SVG briefs save it as a second file ``NAME-tasks``)."""
        dpi = (PAGE_PNG_DPI if self.paper == "16:9" else 300) if fmt == "png" else 100
        with house_style(self.lang, scale=page_scale(self.paper)):
            return figure_bytes(self.task_figure, fmt, lang="", dpi=dpi)

    def to_html(self) -> str:
        """The brief as one self-contained HTML page (charts embedded as base64 PNG)."""
        lang = self.lang
        zh = lang == "zh"
        figs = chart_figures(self.inputs, lang)
        csvs = self.chart_csvs()
        imgs = []
        for name, fig in figs.items():
            title = fig.axes[0].get_title(loc="left") if fig.axes else name
            data = base64.b64encode(figure_bytes(fig, "png", lang=lang, dpi=_CHART_PNG_DPI)).decode("ascii")
            note = self.notes.get(name)
            link = _csv_link(csvs[f"{name}{CSV_SUFFIX}"], f"{name}{CSV_SUFFIX}", lang)
            caption = f"<figcaption>{html.escape(note) + '<br>' if note else ''}{link}</figcaption>"
            imgs.append(f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,{data}">'
                        f"{caption}</figure>")
        return _HTML.format(
            lang="zh-CN" if zh else "en",
            title=html.escape(self.title),
            points=tr("brief.key_points", lang),
            indicators=tr("brief.key_indicators", lang),
            headlines="".join(f"<li>{html.escape(s)}</li>" for s in self.headlines),
            table=_html_table(self.kpis, self.inputs.compare, lang),
            charts="\n".join(imgs),
            source=html.escape(source_info(self.inputs, lang).text(lang)),
            good=GOOD_FILL, bad=BAD_FILL, tasks=self._tasks_html(), task_css=TASK_TABLE_CSS,
        )

    def _tasks_html(self) -> str:
        if self.inputs.tasks is None:
            return ""
        return task_page_html(self.inputs, self.lang, self.notes.get("backlog"))


def make_brief(inputs: BriefInputs, lang: str = "zh", *, max_headlines: int = 5, paper: str = "16:9") -> Brief:
    """Build the brief from computed results (no simulation here): KPI table, then headlines;
    ``paper`` is "16:9" (projector, default) or "a4" (A4 landscape for printing)."""
    table = kpi_table(inputs.baseline_results, inputs.baseline.spec.targets, lang=lang,
                      proposal=inputs.proposal_results, baseline_cost=inputs.baseline_cost,
                      proposal_cost=inputs.proposal_cost)
    change = proposal_changes(inputs.baseline, inputs.proposal, lang) if inputs.compare else None
    return Brief(inputs, lang, table, headlines(table, lang, max_headlines, change), paper=check_paper(paper))


def _csv_link(data: bytes, filename: str, lang: str) -> str:
    """A link that downloads a chart's CSV; the file travels inside the page (a data: address), so the
    brief stays one file that can be e-mailed."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a class="chart-data" download="{html.escape(filename)}" href="data:text/csv;charset=utf-8;base64,{b64}">'
            f"⬇ {html.escape(tr('chartdata.download', lang))}</a>")


def _html_table(table: pd.DataFrame, compare: bool, lang: str) -> str:
    head = [tr(k, lang) for k in ("brief.col.indicator", "brief.col.target", "brief.col.baseline")]
    if compare:
        head.append(tr("brief.proposal", lang))

    def td(text: str, ok: object) -> str:
        if ok is None:
            return f"<td>{html.escape(text)}</td>"
        mark = "✓" if ok else "✗"
        return f'<td class="{"ok" if ok else "bad"}">{html.escape(text)} {mark}</td>'

    rows = []
    for _, r in table.iterrows():
        cells = [f'<th scope="row">{html.escape(r["label"])}</th>', f"<td>{html.escape(r['target_text'])}</td>",
                 td(r["baseline_text"], r["baseline_ok"])]
        if compare:
            cells.append(td(r["proposal_text"], r["proposal_ok"]))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    thead = "<tr>" + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head) + "</tr>"
    return f"<table><thead>{thead}</thead><tbody>{''.join(rows)}</tbody></table>"


def _pdf_pages_bytes(figures: list[Figure]) -> bytes:
    """Several figures as the pages of one PDF, in memory (fonts embedded as with one page)."""
    from matplotlib.backends.backend_pdf import PdfPages  # lazy: only a brief with a task page needs it

    from ..charts.fontcache import install  # the CJK subset made once and kept

    install()
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Creator": "vetsim", "Producer": "vetsim", "CreationDate": None, "ModDate": None}) as pdf:
        for f in figures:
            pdf.savefig(f)
    return buf.getvalue()


_HTML = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
 body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
        margin: 1.5em auto; max-width: 1400px; color: #111; font-size: 18px; }}
 h1 {{ font-size: 1.7em; margin: 0 0 .6em; }}
 .top {{ display: flex; gap: 2em; flex-wrap: wrap; }}
 .top section {{ flex: 1 1 560px; }}
 ul {{ padding-left: 1.2em; line-height: 1.6; font-size: 1.1em; }}
 table {{ border-collapse: collapse; width: 100%; }}
 th, td {{ border: 1px solid #bbb; padding: .35em .6em; text-align: center; }}
 tbody th {{ text-align: left; font-weight: normal; }}
 thead th {{ background: #e8e8e8; }}
 td.ok {{ background: {good}; }}
 td.bad {{ background: {bad}; }}
 .charts {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(600px, 1fr)); gap: 1em; margin-top: 1.5em; }}
 figure {{ margin: 0; }}
 img {{ width: 100%; height: auto; }}
 footer {{ margin-top: 1em; color: #555; font-size: .85em; }}
 figcaption, .pair-note {{ color: #555; font-size: .85em; }}
 .tasks-page {{ break-before: page; margin-top: 2em; }}
 table.tasks td {{ font-size: .9em; }}
 {task_css}
</style>
</head>
<body>
<h1>{title}</h1>
<div class="top">
<section><h2>{points}</h2><ul>{headlines}</ul></section>
<section><h2>{indicators}</h2>{table}</section>
</div>
<div class="charts">
{charts}
</div>
<footer>{source}</footer>
{tasks}
</body>
</html>
"""
