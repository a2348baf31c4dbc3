"""The meeting brief as files: a one-page PDF with real text, a projector-size PNG, a self-contained HTML.

``test_real_pipeline`` runs the real pipeline once (``vetsim report`` on the sample county against the
proposal, few replications) and checks that the extracted text carries the Chinese KPI names and
the very numbers of the Results.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pypdf
import pytest
from PIL import Image

import vetsim
import vetsim.sim
from vetsim.brief import BriefFormatError, BriefInputs, make_brief
from vetsim.charts.data import open_per_day, petition_types
from vetsim.cli import main
from vetsim.work import site_costs

sys.path.insert(0, str(Path(__file__).parent))
from charts_fakes import fake_budget, fake_pair  # noqa: E402

GLYPHS_ARE_ERRORS = pytest.mark.filterwarnings("error:Glyph:UserWarning")


def test_vetsim_report_is_the_brief_function(sample, tmp_path, monkeypatch) -> None:
    import vetsim.brief

    assert vetsim.report is vetsim.brief.report
    calls = []
    monkeypatch.setattr(vetsim.sim, "simulate", lambda *a, **k: calls.append(1))
    with pytest.raises(BriefFormatError):
        vetsim.report(sample, out=tmp_path / "brief.txt")  # the Python API checks the format first
    assert calls == []


@pytest.fixture(scope="module")
def fake_brief(sample, proposal):
    base, prop = fake_pair(sample, proposal)
    inputs = BriefInputs(sample, base, site_costs(sample), fake_budget(proposal), proposal, prop, site_costs(proposal))
    return make_brief(inputs, "zh")


@GLYPHS_ARE_ERRORS
def test_png_is_projector_size(fake_brief, tmp_path) -> None:
    out = fake_brief.save(tmp_path / "brief.png")
    with Image.open(out) as im:
        width, height = im.size
    assert width >= 1920 and abs(width / height - 16 / 9) < 0.01
    assert [p.name for p in tmp_path.iterdir()] == ["brief.png"]


@GLYPHS_ARE_ERRORS
def test_html_is_one_self_contained_file(sample, proposal, tmp_path) -> None:
    base, prop = fake_pair(sample, proposal)
    brief = make_brief(BriefInputs(sample, base, site_costs(sample), fake_budget(proposal), proposal, prop,
                                   site_costs(proposal)), "en")
    text = brief.save(tmp_path / "brief.html").read_text(encoding="utf-8")
    images = re.findall(r'<img [^>]*src="([^"]*)"', text)
    assert len(images) == 7 and all(src.startswith("data:image/png;base64,") for src in images)  # six charts, the map
    assert not re.search(r'(src|href)="(https?:|file:|/)', text)  # nothing outside the file
    assert "<html lang=\"en\">" in text and "Township mean wait (min)" in text
    assert 'class="bad">42.0 ✗</td>' in text and 'class="ok">12.0 ✓</td>' in text
    assert brief.headlines[0] in text


@GLYPHS_ARE_ERRORS
def test_baseline_only_brief(sample, tmp_path) -> None:
    base, _prop = fake_pair(sample, sample)
    brief = make_brief(BriefInputs(sample, base, site_costs(sample)), "en")  # no proposal, no budget
    assert brief.title == "Meeting brief: Sample County (baseline)"
    assert "Township mean wait is 42.0 minutes, missing the target (≤ 30)." in brief.headlines
    svg = brief.save(tmp_path / "brief.svg").read_text(encoding="utf-8")
    assert "Township mean wait (min)" in svg and "42.0" in svg  # SVG keeps text as text
    titles = [ax.get_title(loc="left") for ax in brief.figure.axes]
    assert "Time to resolution against the deadline" in titles  # takes the budget's place
    assert not any("Proposal" in t for t in titles)


def test_unknown_format_is_a_bilingual_error(fake_brief, tmp_path) -> None:
    with pytest.raises(BriefFormatError) as err:
        fake_brief.save(tmp_path / "brief.docx")
    assert ".pdf" in err.value.user_message("zh") and "简报" in err.value.user_message("zh")
    assert "must end in one of" in err.value.user_message("en")


def test_cli_refuses_a_bad_output_before_simulating(sample_path, tmp_path, monkeypatch, capsys) -> None:
    calls = []
    monkeypatch.setattr(vetsim.sim, "simulate", lambda *a, **k: calls.append(1))
    assert main(["report", str(sample_path), "--out", str(tmp_path / "brief.txt")]) == 2
    assert "扩展名" in capsys.readouterr().err
    assert calls == []


@GLYPHS_ARE_ERRORS
def test_real_pipeline(sample_path, proposal_path, sample, tmp_path) -> None:
    """``vetsim report BASELINE --compare PROPOSAL --out brief.pdf``, checked against the Results it simulated.

    One test (not several sharing a fixture) so that parallel workers do not each run the pipeline.
    """
    runs = []
    real = vetsim.sim.simulate

    def spy(scenario, *args, **kwargs):
        res = real(scenario, *args, **kwargs)
        runs.append((kwargs.get("seed"), res))
        return res

    out = tmp_path / "brief.pdf"
    with pytest.MonkeyPatch.context() as mp:
        # a cache of its own: results another test cached for the same pair would not be simulated here
        (tmp_path / "cache").mkdir()
        mp.setenv("VETSIM_CACHE", str(tmp_path / "cache"))
        mp.setattr(vetsim.sim, "simulate", spy)
        rc = main(["report", str(sample_path), "--compare", str(proposal_path), "--out", str(out),
                   "--replications", "2", "--draws", "50", "--quiet"])
    assert rc == 0
    (seed_b, base), (seed_p, prop) = runs
    assert seed_b == seed_p == base.meta["seed"] == prop.meta["seed"]  # common random numbers
    _check_pdf_text(out, base, prop)
    _check_burn_down(base, sample)


def _check_pdf_text(out: Path, base, prop) -> None:
    """One page whose text (pypdf and pdftotext) has the KPI names and the Results' own numbers."""
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for label in ("乡镇站平均等待（分钟）", "县中心平均等待（分钟）", "最多跑一次比例", "按时办结比例",
                  "乡镇站工作负荷压力", "信访积案清零日期", "站点年度经费"):
        assert label in text
    # the numbers, formatted here from the Results themselves (not from the brief's table)
    expected = [f"{base.kpi('wait_mean_min', 'township'):.1f}", f"{prop.kpi('wait_mean_min', 'township'):.1f}",
                f"{base.kpi('wait_mean_min', 'county_center'):.1f}",
                f"{100 * base.kpi('one_trip_rate'):.1f}%", f"{100 * prop.kpi('one_trip_rate'):.1f}%",
                f"{100 * base.kpi('on_time_share'):.1f}%",
                f"{100 * prop.kpi('workload_pressure', 'township'):.1f}%",
                f"{100 * base.kpi('workload_pressure', 'township'):.1f}%"]
    for number in expected:
        assert number in text, number
    assert "563.0 万元/年" in text and "698.0 万元/年" in text  # site costs, by hand in test_report_kpis
    assert str(base.meta["seed"]) in text and base.meta["vetsim_version"] in text
    fonts = {f["/Subtype"] for f in _fonts(reader)}
    assert fonts == {"/Type0"}  # CID fonts: real, searchable text (no Type 3 glyph drawings)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "乡镇站平均等待（分钟）" in text and "会议简报" in text
        assert f"{100 * base.kpi('one_trip_rate'):.1f}%" in text


def _check_burn_down(base, sample) -> None:
    """The chart's petition curve (counted from the case records) hits zero on the very day the
    simulation's ledger did, and ends where it ended, in every replication."""
    cases = base.cases[base.cases["case_type"].astype(str).isin(petition_types(sample))
                       & base.cases["from_backlog"]]
    per = base.per_replication
    for rep in range(base.meta["replications"]):
        curve = open_per_day(cases[cases["replication"] == rep], base.meta["days"], 1)["mean"].to_numpy()
        own = per[(per["replication"] == rep) & (per["metric"] == "petition_backlog_zero_day")]["value"]
        end = per[(per["replication"] == rep) & (per["metric"] == "petition_backlog_end")]["value"]
        zeros = np.flatnonzero(curve == 0)
        assert (float(zeros[0]) if len(zeros) else np.nan) == pytest.approx(float(own.iloc[0]), nan_ok=True)
        assert curve[-1] == float(end.iloc[0])


def _fonts(reader: pypdf.PdfReader) -> list[dict]:
    res = reader.pages[0]["/Resources"]["/Font"]
    return [res[k].get_object() for k in res]


def test_a4_landscape_for_printing_with_margins(fake_brief, tmp_path) -> None:
    """Issue 11 item 17: the brief offers A4 landscape for printing beside 16:9, with a margin round the title."""
    from vetsim.brief import make_brief
    from vetsim.cli import build_parser

    a4 = make_brief(fake_brief.inputs, "zh", paper="a4")
    page = pypdf.PdfReader(a4.save(tmp_path / "a4.pdf")).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    for brief in (a4, fake_brief):
        fig = brief.figure
        fig.canvas.draw()
        box = fig._suptitle.get_window_extent()
        w_px, h_px = fig.get_size_inches() * fig.dpi
        margin = 0.3 * fig.dpi  # at least 0.3 inch of white round the title
        assert box.x0 >= margin and h_px - box.y1 >= margin and box.x1 <= w_px - margin
        others = [t.get_window_extent() for sub in fig.subfigs for t in sub.findobj(lambda a: hasattr(a, "get_text"))
                  if getattr(t, "get_text", lambda: "")() and t.get_visible()]
        assert all(o.y1 <= box.y0 + 1 for o in others)  # nothing drawn over or above the title
    assert build_parser().parse_args(["report", "x", "--paper", "a4"]).paper == "a4"
    assert build_parser().parse_args(["report", "x"]).paper == "16:9"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "x", "--paper", "letter"])
