"""Ledger import page (notebooks/04_ledger.ipynb): upload or choose a ledger, import it, see the summary.

Why an app: the bureau's staff import their spreadsheets without writing code. The page takes a
file (uploaded, or a path on the serving machine), imports it against the chosen scenario with
:func:`vetsim.ledger.import_ledger`, and shows the summary, the first problems (file, sheet, row,
column; cell values masked) and download links for the records and the full problem list. An
uploaded file is imported from memory (it is never written to disk); the records shown and offered
for download hold no personal data.
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..files import excel_safe_frame
from ..ledger.importer import import_ledger
from ..ledger.limits import check_ledger_limit
from ..ledger.records import KINDS
from ..ledger.synthetic import render_ledger, synthetic_records
from ..wording import tr
from .common import App, download_link, frame_html
from .scenarios import ScenarioPicker, find_data_dir

__all__ = ["LedgerImporter"]

_SHOWN = 50


class LedgerImporter(App):
    """Upload or choose a ledger file, import it, show the summary and the problems."""

    def __init__(self, scenario: str | Path | None = "sample_county", data_dir: str | Path | None = None,
                 lang: str = "zh"):
        super().__init__(lang)
        self.picker = ScenarioPicker(data_dir or find_data_dir(), lang, scenario)
        self.upload = widgets.FileUpload(accept=".xlsx,.xlsm,.xls,.csv", multiple=False,
                                         description=tr("ledger.ui.upload", lang), layout=widgets.Layout(width="220px"))
        self.path = widgets.Text(placeholder=tr("ledger.ui.path", lang), layout=widgets.Layout(width="360px"))
        kinds = [(tr("ledger.ui.kind_auto", lang), "")] + [(tr(f"ledger.kind.{k}", lang), k) for k in KINDS]
        self.kind = widgets.Dropdown(options=kinds, value="", description=tr("ledger.ui.kind", lang))
        self.run_button = widgets.Button(description=tr("ledger.ui.run", lang), button_style="primary")
        self.sample_button = widgets.Button(description=tr("ledger.ui.sample", lang), layout=widgets.Layout(width="240px"))
        self.output = widgets.HTML()
        self.result: Any = None
        self.run_button.on_click(self.runner.wrap(lambda _b: self.import_chosen()))
        self.sample_button.on_click(self.runner.wrap(lambda _b: self.import_sample()))
        self.widget = widgets.VBox([
            self.picker.widget, widgets.HBox([self.upload, self.path, self.kind]),
            widgets.HBox([self.run_button, self.sample_button]), self.runner.status, self.output])

    def import_chosen(self) -> Any:
        """Import the uploaded file, else the path typed in."""
        if self.upload.value:
            item = self.upload.value[0]
            name = Path(str(item["name"])).name
            content = bytes(item["content"])
            check_ledger_limit("file_bytes", len(content), tr("ledger.ui.uploaded", self.lang))  # not its name: may be a person's
            return self.import_path(Path(name), data=content)
        if self.path.value.strip():
            return self.import_path(Path(self.path.value.strip()).expanduser())
        self.runner.show_error(tr("ledger.ui.no_file", self.lang))
        return None

    def import_sample(self) -> Any:
        """Render a small synthetic ledger of the chosen scenario (fake people) and import it."""
        sc = self.picker.load()
        recs = synthetic_records(sc, "visits", 200, seed=1)
        r = render_ledger(recs, sc, "visits", 2, tr("ledger.ui.sample_file", self.lang), in_memory=True)
        return self.import_path(r.path, data=r.data)

    def import_path(self, path: Path, data: bytes | None = None) -> Any:
        """Import ``path`` (or ``data``, a file held in memory that ``path`` names) against the chosen
        scenario and show the result."""
        t = time.perf_counter()
        res = import_ledger(path, self.picker.load(), kind=self.kind.value or None, data=data)
        self.result = res
        s = res.summary
        self.runner.show_info(tr("ledger.ui.done", self.lang, used=s["rows_used"], rejected=s["rows_rejected"],
                                 sec=time.perf_counter() - t))
        links = []
        for kind, df in res.records.items():
            data = excel_safe_frame(df).to_csv(index=False).encode("utf-8-sig")
            links.append(download_link(data, f"{kind}.csv", "text/csv", f"{tr('ledger.ui.records', self.lang)} · {kind}"))
        probs = res.problems_frame(self.lang)
        links.append(download_link(excel_safe_frame(probs).to_csv(index=False).encode("utf-8-sig"), "problems.csv",
                                   "text/csv", tr("ledger.ui.problems", self.lang)))
        body = [f"<pre style='font-size:13px'>{html.escape(res.text(self.lang, shown=0))}</pre>", " ".join(links)]
        if len(probs):
            body += [f"<h4>{html.escape(tr('ledger.ui.problems_title', self.lang, n=min(_SHOWN, len(probs))))}</h4>",
                     frame_html(probs.head(_SHOWN).drop(columns=["file"]))]
        self.output.value = "\n".join(body)
        return res
