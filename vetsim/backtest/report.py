"""The validation and back-test report of a ledger calibration: HTML, PDF or Excel, Chinese by default.

What it holds: the fitted volumes per level x case type (with n and SE), observed vs simulated
measures (matters per month, on-the-spot share, one-trip rate, days to resolution, backlog at the
end) with the simulation's 95% interval, and the back-test's coverage of the 90% prediction
interval. :func:`calibration_report` computes everything; :meth:`CalibrationReport.save` writes it
(atomically, through :mod:`vetsim.files`).
"""

from __future__ import annotations

import base64
import html
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..charts.style import house_style
from ..errors import VetsimError
from ..files import atomic_write, atomic_write_text, check_output_target, excel_safe_frame
from ..ledgerfit.changes import change_frame, change_table
from ..ledgerfit.fit import LedgerFit
from ..scenario import Scenario
from ..wording import both, check_lang, tr
from .compare import Backtest, Verdict, verdict
from .figures import backtest_figure, ct_label, shares_figure, volume_figure

__all__ = ["CalibrationReport", "ReportFormatError", "REPORT_FORMATS"]

REPORT_FORMATS = (".html", ".pdf", ".xlsx")


class ReportFormatError(VetsimError, ValueError):
    """The report's file name has a suffix other than .html, .pdf or .xlsx."""


@dataclass
class CalibrationReport:
    """Everything the report shows; ``figures()`` and ``save()`` render it in ``lang``."""

    scenario: Scenario  # the fitted overlay
    fit: LedgerFit
    compare: pd.DataFrame  # vetsim.backtest.compare.COMPARE_COLUMNS
    backtest: Backtest | None
    replications: int
    lang: str = "zh"
    base: Scenario | None = None  # the scenario before calibration (old values of the change table)
    _figs: dict[str, dict[str, Figure]] = field(default_factory=dict, repr=False)  # per language, drawn once

    @property
    def verdict(self) -> Verdict:
        """Fits / does not fit, per measure (shares, one-trip rate, days, channels, closed-station visits, volumes)."""
        return verdict(self.compare, self.backtest, self.replications)

    def source(self, lang: str) -> str:
        return tr("calibration.report_source", lang, label=self.fit.label, reps=self.replications)

    def figures(self, lang: str | None = None) -> dict[str, Figure]:
        lang = check_lang(lang or self.lang)
        if lang not in self._figs:
            self._figs[lang] = self._draw(lang)
        return self._figs[lang]

    def _draw(self, lang: str) -> dict[str, Figure]:
        src = self.source(lang)
        figs: dict[str, Figure] = {}
        for lv in self.scenario.levels.site_ids:
            if ((self.compare["level"] == lv) & (self.compare["measure"] == "volume")).any():
                figs[f"volume_{lv}"] = volume_figure(self.compare, self.scenario, lv, lang, src)
        for m in ("on_spot_share", "one_trip_rate"):
            if ((self.compare["measure"] == m) & self.compare["observed"].notna()).any():
                figs[m] = shares_figure(self.compare, self.scenario, m, lang, src)
        if self.backtest is not None and self.backtest.n:
            figs["backtest"] = backtest_figure(self.backtest.table, self.scenario, self.backtest.coverage,
                                               self.backtest.fit_end, lang, src)
        return figs

    # ---- tables people read ------------------------------------------------------------------------
    def summary_lines(self, lang: str) -> list[str]:
        out = [tr("calibration.line_fit", lang, label=self.fit.label, n=f"{int(self.fit.level_volumes()['n'].sum()):,}")]
        c = self.compare
        vol = c[(c["measure"] == "volume") & c["range_low"].notna()]
        out.append(tr("calibration.line_inside", lang, share=f"{vol['inside_range'].mean():.0%}", n=len(vol)))
        if self.backtest is not None and self.backtest.n:
            out.append(tr("calibration.line_backtest", lang, coverage=f"{self.backtest.coverage:.1%}",
                          n=self.backtest.n, fit_end=self.backtest.fit_end.isoformat()))
        out.append(tr("calibration.verdict_line", lang, text=self.verdict.line(lang)))  # the verdict last
        return out

    def measures_table(self, lang: str) -> pd.DataFrame:
        """Non-monthly measures per level x case type, observed beside simulated (95% interval)."""
        c = self.compare[(self.compare["measure"] != "volume")].copy()
        vol = self.compare[self.compare["measure"] == "volume"].groupby(["level", "case_type"], sort=False)[
            ["observed", "simulated", "ci_low", "ci_high"]].sum(min_count=1).reset_index()
        vol["measure"] = "volume"
        c = pd.concat([vol, c], ignore_index=True)
        return pd.DataFrame({
            tr("level", lang): [self.scenario.levels.label(v, lang) for v in c["level"]],
            tr("case_type", lang): [ct_label(self.scenario, v, lang) for v in c["case_type"]],
            tr("calibration.col_measure", lang): [tr(f"calibration.measure.{m}", lang) for m in c["measure"]],
            tr("calibration.observed", lang): c["observed"].round(3),
            tr("calibration.simulated", lang): c["simulated"].round(3),
            tr("calibration.col_ci_low", lang): c["ci_low"].round(3),
            tr("calibration.col_ci_high", lang): c["ci_high"].round(3),
        })

    def backtest_table(self, lang: str) -> pd.DataFrame:
        """The back-test's monthly predictions with labels in ``lang``."""
        b = self.backtest.table if self.backtest is not None else pd.DataFrame(
            columns=["level", "case_type", "month", "observed", "predicted", "low", "high", "inside"])
        return pd.DataFrame({
            tr("level", lang): [self.scenario.levels.label(v, lang) for v in b["level"]],
            tr("case_type", lang): [ct_label(self.scenario, v, lang) for v in b["case_type"]],
            tr("calibration.col_month", lang): b["month"], tr("calibration.observed", lang): b["observed"],
            tr("calibration.col_predicted", lang): b["predicted"].round(2),
            tr("calibration.col_pi_low", lang): b["low"], tr("calibration.col_pi_high", lang): b["high"],
            tr("calibration.col_inside", lang): [tr("calibration.yes" if v else "calibration.no", lang) for v in b["inside"]]})

    def fit_table(self, lang: str) -> pd.DataFrame:
        t = self.fit.table
        return pd.DataFrame({
            tr("calibration.col_parameter", lang): [tr(f"calibration.param.{p}", lang) for p in t["parameter"]],
            tr("level", lang): [self.scenario.levels.label(v, lang) if v else "" for v in t["level"]],
            tr("calibration.col_site", lang): t["site_id"], tr("case_type", lang): t["case_type"],
            tr("calibration.col_what", lang): t["what"], tr("calibration.col_estimate", lang): t["estimate"].round(4),
            tr("calibration.col_se", lang): t["se"].round(4), "n": t["n"], tr("calibration.col_source", lang): t["source"]})

    # ---- output ---------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], lang: str | None = None) -> Path:
        lang = check_lang(lang or self.lang)
        out = Path(path)
        suffix = out.suffix.lower()
        if suffix not in REPORT_FORMATS:
            raise ReportFormatError(*both("calibration.report_format", path=out.name, allowed=", ".join(REPORT_FORMATS)))
        check_output_target(out, "file")
        if suffix == ".html":
            return atomic_write_text(out, self.to_html(lang))
        if suffix == ".xlsx":
            return atomic_write(out, lambda fh: self._write_xlsx(fh, lang))
        return atomic_write(out, lambda fh: self._write_pdf(fh, lang))

    def to_html(self, lang: str | None = None) -> str:
        lang = check_lang(lang or self.lang)
        imgs = []
        for fig in self.figures(lang).values():
            buf = io.BytesIO()
            with house_style(lang):
                fig.savefig(buf, format="png", dpi=110, metadata={"Software": "vetsim"})
            imgs.append(f'<figure><img alt="{html.escape(fig.get_suptitle())}" '
                        f'src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode("ascii")}"></figure>')
        title = tr("calibration.report_title", lang, name=self.scenario.name(lang))
        table = self.measures_table(lang).to_html(index=False, na_rep="—", float_format=lambda v: f"{v:,.3f}", escape=True)
        return _HTML.format(lang="zh-CN" if lang == "zh" else "en", title=html.escape(title),
                            points="".join(f"<li>{html.escape(s)}</li>" for s in self.summary_lines(lang)),
                            charts="\n".join(imgs), table=table, heading=html.escape(tr("calibration.table_heading", lang)),
                            source=html.escape(self.source(lang)))

    def _write_pdf(self, fh, lang: str) -> None:
        from matplotlib.backends.backend_pdf import PdfPages  # heavy: matplotlib's PDF backend, loaded only for a PDF report

        with house_style(lang, scale=0.8):
            cover = Figure(figsize=(12.8, 7.2))
            cover.text(0.05, 0.9, tr("calibration.report_title", lang, name=self.scenario.name(lang)),
                       fontsize=22, weight="bold", va="top")
            for i, line in enumerate(self.summary_lines(lang)):
                cover.text(0.05, 0.78 - 0.07 * i, "• " + line, fontsize=14, va="top", wrap=True)
            cover.text(0.05, 0.04, self.source(lang), fontsize=9, color="#4D4D4D")
            with PdfPages(fh, metadata={"Creator": "vetsim", "Producer": "vetsim"}) as pdf:
                pdf.savefig(cover)
                for fig in self.figures(lang).values():
                    pdf.savefig(fig)

    def _write_xlsx(self, fh, lang: str) -> None:
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            pd.DataFrame({tr("calibration.sheet_summary", lang): self.summary_lines(lang)}).pipe(excel_safe_frame).to_excel(
                xw, sheet_name=tr("calibration.sheet_summary", lang), index=False)
            excel_safe_frame(self.measures_table(lang)).to_excel(xw, sheet_name=tr("calibration.sheet_measures", lang), index=False)
            excel_safe_frame(change_frame(change_table(self.fit, self.base or self.scenario), self.scenario, lang)).to_excel(
                xw, sheet_name=tr("calibration.sheet_changes", lang), index=False)
            excel_safe_frame(self.fit_table(lang)).to_excel(xw, sheet_name=tr("calibration.sheet_fit", lang), index=False)
            if self.backtest is not None:
                excel_safe_frame(self.backtest_table(lang)).to_excel(xw, sheet_name=tr("calibration.sheet_backtest", lang), index=False)
        fh.write(buf.getvalue())


_HTML = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
 body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
        margin: 1.5em auto; max-width: 1400px; color: #111; font-size: 17px; }}
 h1 {{ font-size: 1.6em; }} ul {{ line-height: 1.6; }} figure {{ margin: 0; }} img {{ width: 100%; height: auto; }}
 table {{ border-collapse: collapse; width: 100%; font-size: .9em; }} thead th {{ background: #e8e8e8; }}
 th, td {{ border: 1px solid #bbb; padding: .3em .5em; text-align: right; }}
 .charts {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(620px, 1fr)); gap: 1em; margin: 1.5em 0; }}
 footer {{ margin-top: 1em; color: #555; font-size: .85em; }}
</style></head>
<body>
<h1>{title}</h1>
<ul>{points}</ul>
<div class="charts">{charts}</div>
<h2>{heading}</h2>
{table}
<footer>{source}</footer>
</body></html>
"""
