"""What changed since the last meeting (issue 26, item 2): ``vetsim compare`` and :mod:`vetsim.brief.diff`.

Acceptance: the sample county against a copy whose township staff changed lists the changed rows and the KPIs
that moved beyond noise (township workload pressure must; the number of cases that arrived, which no staff
changes, must not); two vetsim versions flag the method change and list nothing as moved; two identical runs
list nothing. Few replications, through the results cache (the two scenarios are simulated once per session).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from vetsim.brief.diff import Run, compare_paths, compare_runs, load_run
from vetsim.brief.diff_text import figures_table, report_lines
from vetsim.brief.diff_write import write_comparison
from vetsim.cli import main
from vetsim.errors import PolicyFileError
from vetsim.stats import false_discoveries_controlled, welch_interval, welch_p_value

REPS, SEED = 4, 7
TOWNSHIP_STAFF = 3  # every township station from 1 to 3 funded posts: a change the county must feel


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _set_township_staff(folder: Path, staff: int) -> list[str]:
    """Edit sites.csv of a scenario copy as a person would: every township's funded staff; the ids changed."""
    path = folder / "sites.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    changed = []
    for r in rows:
        if r["level"] == "township":
            r["funded_staff"] = str(staff)
            changed.append(r["site_id"])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return changed


@pytest.fixture(scope="module")
def staffed(sample_path, tmp_path_factory):
    """The sample county and a copy whose township staff changed, compared (simulated once)."""
    folder = _copy(sample_path, tmp_path_factory.mktemp("cmp") / "county_more_staff")
    changed = _set_township_staff(folder, TOWNSHIP_STAFF)
    return compare_paths(sample_path, folder, replications=REPS, seed=SEED), changed


def _row(figures, metric, level="all", case_type="all"):
    f = figures[(figures["metric"] == metric) & (figures["level"] == level) & (figures["case_type"] == case_type)]
    assert len(f) == 1, (metric, level, case_type)
    return f.iloc[0]


# -- Welch's interval against its textbook values -------------------------------------------------------

def test_welch_interval_matches_the_textbook():
    a, b = [1.0, 2.0, 3.0, 4.5], [3.0, 5.0, 4.0, 6.0, 7.0]
    # by hand: means 2.625 and 5.0; sample variances 6.6875/3 = 107/48 and 10/4 = 2.5
    va, vb = 107 / 48 / 4, 2.5 / 5
    assert math.isclose(np.var(a, ddof=1), 107 / 48) and math.isclose(np.var(b, ddof=1), 2.5)
    df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 4)
    from scipy import stats

    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    d, lo, hi = welch_interval(a, b)
    assert d == pytest.approx(2.375) and lo == pytest.approx(2.375 - half) and hi == pytest.approx(2.375 + half)
    assert lo < 0 < hi  # this difference is within its noise


def test_welch_interval_covers_a_planted_difference():
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(400):
        d, lo, hi = welch_interval(rng.normal(10, 1, 5), rng.normal(10.5, 3, 7))
        hits += lo <= 0.5 <= hi
    assert 0.92 <= hits / 400 <= 0.98  # a 95% interval covers the planted difference about 95% of the time


def test_welch_interval_without_spread_and_too_few():
    assert welch_interval([2, 2, 2], [3, 3]) == (1.0, 1.0, 1.0)  # a count of the input: exact
    d, lo, hi = welch_interval([1.0], [2.0, 3.0])
    assert d == 1.5 and math.isnan(lo) and math.isnan(hi)


# -- acceptance: township staff changed ------------------------------------------------------------------

def test_changed_township_staff_lists_the_rows(staffed):
    c, changed = staffed
    rows = c.inputs
    assert set(rows["file"]) == {"sites.csv"}, rows  # nothing else differs: the copy is the same county
    assert sorted(rows["row"]) == sorted(changed) and len(changed) == 15
    assert set(rows["field"]) == {"funded_staff"} and set(rows["before"]) == {1} and set(rows["after"]) == {TOWNSHIP_STAFF}
    assert c.method.empty  # same vetsim, same KPI definitions, same calibration sources


def test_changed_township_staff_moves_pressure_not_arrivals(staffed):
    c, _ = staffed
    moved = c.moved
    pressure = _row(c.figures, "workload_pressure", "township")
    assert pressure["moved"] and pressure["diff"] < 0 and pressure["diff_high"] < 0  # more staff: less pressure
    wait = _row(c.figures, "wait_mean_min", "township")
    assert wait["moved"] and wait["diff"] < 0
    arrived = _row(c.figures, "cases_arrived")
    assert not arrived["moved"]  # staff do not change how many veterans come
    assert arrived["diff_low"] <= 0 <= arrived["diff_high"]
    assert not ((moved["metric"] == "cases_arrived") & (moved["level"] == "all")).any()
    # a moved figure is one whose interval (paired: the same seed) leaves out 0, read from the replications
    for r in moved.itertuples():
        assert r.diff_low > 0 or r.diff_high < 0


def _values(per, metric="workload_pressure", level="township"):
    p = per[(per["metric"] == metric) & (per["level"] == level) & (per["case_type"] == "all")]
    return p.sort_values("replication")["value"].to_numpy()


def test_same_seed_runs_are_compared_pair_by_pair(staffed):
    """Both runs drew the same numbers (same seed): the interval is Student's t over the run-by-run differences,
    computed here by hand; it is narrower than Welch's, which ignores the shared noise."""
    c, _ = staffed
    a, b = _values(c.before.results.per_replication), _values(c.after.results.per_replication)
    d = b - a
    from scipy import stats

    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    p = 2 * stats.t.sf(abs(d.mean()) / (d.std(ddof=1) / math.sqrt(len(d))), len(d) - 1)
    row = _row(c.figures, "workload_pressure", "township")
    assert (row["diff"], row["diff_low"], row["diff_high"], row["p_value"]) == pytest.approx(
        (d.mean(), d.mean() - half, d.mean() + half, p))
    _, lo, hi = welch_interval(a, b)
    assert row["diff_high"] - row["diff_low"] < hi - lo and c.extra["paired"]


def test_summary_only_results_give_welchs_interval(staffed):
    """Results without their values per replication cannot be paired: Welch's interval from the summary's half
    widths, the same as Welch's from the values."""
    c, _ = staffed
    bare = [dataclasses.replace(r.results, per_replication=None) for r in (c.before, c.after)]
    again = compare_runs(Run(bare[0], c.before.scenario), Run(bare[1], c.after.scenario))
    a = _values(c.before.results.per_replication, "wait_mean_min")
    b = _values(c.after.results.per_replication, "wait_mean_min")
    row = _row(again.figures, "wait_mean_min", "township")
    _, lo, hi = welch_interval(a, b)
    assert (row["diff_low"], row["diff_high"]) == pytest.approx((lo, hi), rel=1e-6)
    assert row["p_value"] == pytest.approx(welch_p_value(a, b), rel=1e-6)


# -- acceptance: a change of method ------------------------------------------------------------------------

def test_other_vetsim_version_flags_the_method_and_nothing_moves(staffed):
    c, _ = staffed
    old = dataclasses.replace(c.before.results, meta={**c.before.results.meta, "vetsim_version": "0.0.9"})
    v = compare_runs(Run(old, c.before.scenario), c.after)
    assert list(v.method["what"]) == ["vetsim_version"]
    assert (v.method.iloc[0]["before"], v.method.iloc[0]["after"]) == ("0.0.9", c.after.results.meta["vetsim_version"])
    assert v.moved.empty and v.figures["method_changed"].all()  # a change of method is never read as the county's
    text = "\n".join(report_lines(v, "zh"))
    assert "vetsim 版本" in text and "0.0.9" in text
    # the same comparison of method alone: two identical runs but for the version
    same = compare_runs(Run(old, c.before.scenario), c.before)
    assert same.inputs.empty and same.moved.empty and not same.method.empty


def test_changed_kpi_definition_flags_that_kpi_only(staffed):
    c, _ = staffed
    defs = dict(c.before.results.meta["kpi_definitions"])
    defs["workload_pressure"] = "0" * 12
    old = dataclasses.replace(c.before.results, meta={**c.before.results.meta, "kpi_definitions": defs})
    v = compare_runs(Run(old, c.before.scenario), c.after)
    assert list(v.method["item"]) == ["workload_pressure"]
    flagged = set(v.figures.loc[v.figures["method_changed"], "metric"])
    assert flagged == {"workload_pressure"}
    assert "workload_pressure" not in set(v.moved["metric"]) and _row(v.figures, "wait_mean_min", "township")["moved"]


def test_changed_calibration_source_is_a_method_change(staffed, sample):
    c, _ = staffed
    from vetsim.scenario import apply_overlay

    other = apply_overlay(sample, {"case_types": {"consultation": {"source": "ledger fit 2026"}}})
    v = compare_runs(Run(c.before.results, sample), Run(c.before.results, other))
    assert list(v.method["what"]) == ["calibration"] and "consultation" in v.method.iloc[0]["item"]
    assert v.inputs["calibration"].all()


# -- acceptance: identical runs -------------------------------------------------------------------------------

def test_identical_runs_list_nothing(staffed, sample_path, tmp_path):
    c, _ = staffed
    same = compare_runs(c.before, c.before)
    assert same.nothing_changed and same.moved.empty and same.inputs.empty and same.method.empty
    # the same county in another folder, simulated again (the cache keys by content): nothing either
    again = compare_paths(sample_path, _copy(sample_path, tmp_path / "copy"), replications=REPS, seed=SEED)
    assert again.nothing_changed


# -- the list as a whole: false discoveries controlled ---------------------------------------------------------

def test_benjamini_hochberg_against_the_hand_computation():
    # step-up: the largest k with p(k) <= k q / m, and every smaller p with it
    assert false_discoveries_controlled([0.01, 0.04, 0.03, 0.5], 0.05).tolist() == [True, False, False, False]
    assert false_discoveries_controlled([0.04, 0.01, 0.03, 0.02], 0.05).all()  # 0.04 <= 4 x 0.05 / 4
    # 0.045 > 3 x 0.05 / 4 = 0.0375, but 0.02 <= 2 x 0.05 / 4 = 0.025: the two smallest go, tie kept together
    assert false_discoveries_controlled([0.02, 0.9, 0.045, 0.02], 0.05).tolist() == [True, False, False, True]
    assert false_discoveries_controlled([np.nan, 0.01], 0.05).tolist() == [False, True]  # NaN: not a test
    assert not false_discoveries_controlled([np.nan], 0.05).any() and len(false_discoveries_controlled([], 0.05)) == 0


def test_benjamini_hochberg_keeps_false_moves_rare_and_finds_real_ones():
    """Planted truth: 450 figures that did not move and 50 that moved by 3 standard errors, 400 comparisons.
    Judged one by one about 22 of the 450 would be listed each time; with the rule the false share of the list
    stays under 5% on average, nothing is listed in at least 95% of comparisons where nothing moved, and most
    real moves are still found."""
    from scipy.special import ndtr

    rng = np.random.default_rng(11)
    z = rng.standard_normal((400, 500))
    z[:, :50] += 3.0
    p = 2 * ndtr(-np.abs(z))
    false_share, found, alone = [], [], 0
    for row in p:
        hit = false_discoveries_controlled(row, 0.05)
        false_share.append(hit[50:].sum() / max(hit.sum(), 1))
        found.append(hit[:50].mean())
        alone += (row[50:] < 0.05).sum() >= 10  # one by one: many false moves
    assert np.mean(false_share) <= 0.05 and np.mean(found) >= 0.5 and alone == 400
    nothing = [false_discoveries_controlled(row[50:], 0.05).any() for row in p]
    assert np.mean(nothing) <= 0.07  # at most 5% (sampling error of 400 comparisons)


def test_welch_p_value_is_the_test_the_interval_inverts():
    rng = np.random.default_rng(5)
    for _ in range(200):
        a, b = rng.normal(0, 1, 4), rng.normal(rng.choice([0.0, 1.5]), 2, 4)
        _, lo, hi = welch_interval(a, b)
        assert (welch_p_value(a, b) < 0.05) == (lo > 0 or hi < 0)
    assert welch_p_value([2, 2, 2], [3, 3]) == 0.0 and welch_p_value([2, 2], [2, 2]) == 1.0
    assert math.isnan(welch_p_value([1.0], [2.0, 3.0]))


def test_the_same_county_with_another_seed_lists_nothing(staffed, sample_path):
    """Nothing changed but the seed: judged one by one at 95%, dozens of the ~500 figures show as moved by
    chance; the list as a whole lists none (this seed pair; under no change that holds 95% of the time)."""
    c, _ = staffed
    other = load_run(sample_path, replications=REPS, seed=SEED + 1)
    v = compare_runs(c.before, other)
    one_by_one = v.figures[~v.figures["method_changed"] & ((v.figures["diff_low"] > 0) | (v.figures["diff_high"] < 0))]
    assert len(one_by_one) >= 10  # the check can fail: without the rule these would be listed
    assert v.moved.empty and v.extra["figures_judged"] >= 400
    assert "Benjamini" in "\n".join(report_lines(v, "en"))


def test_a_bad_false_discovery_rate_is_refused(tmp_path):
    from vetsim.brief.diff import RATE_FILE, false_discovery_rate

    assert RATE_FILE.parent.name == "data" and false_discovery_rate() == 0.05
    for value in ("0", "1.5", "'5%'", "true"):
        path = tmp_path / f"compare_{len(value)}.yaml"
        path.write_text(f"false_discovery_rate: {{value: {value}, unit: share}}\n", encoding="utf-8")
        with pytest.raises(PolicyFileError) as err:
            false_discovery_rate(path)
        zh = err.value.user_message("zh")
        assert path.name in zh and "false_discovery_rate.value" in zh and "0 到 1 之间" in zh


# -- the files and the command ------------------------------------------------------------------------------

def test_written_csv_and_xlsx_are_formula_safe(staffed, sample, tmp_path):
    c, _ = staffed
    from vetsim.scenario import apply_overlay

    evil = apply_overlay(sample, {"description": {"zh": "=HYPERLINK(\"http://x\")", "en": "+1"}})
    v = compare_runs(Run(c.before.results, sample), Run(c.after.results, evil))
    out = write_comparison(v, tmp_path / "changes.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "类别" and "之前" in rows[0]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert any(cell == "'=HYPERLINK(\"http://x\")" for row in rows for cell in row)
    n_figures = int((v.figures["moved"] | v.figures["method_changed"]).sum())
    assert sum(r[0] == "指标变化" for r in rows[1:]) == n_figures
    from openpyxl import load_workbook

    wb = load_workbook(write_comparison(v, tmp_path / "changes.xlsx", "en"))
    assert wb.sheetnames == ["Figures", "Inputs", "Method"]
    assert wb["Figures"].max_row == n_figures + 1
    assert all(not str(cell.value).startswith("=") for row in wb["Inputs"].iter_rows() for cell in row)


def test_english_table_names_the_kpis(staffed):
    c, _ = staffed
    t = figures_table(c, "en")
    assert "Workload pressure" in set(t["Indicator"]) or any("pressure" in x.lower() for x in t["Indicator"])
    assert not any("\u4e00" <= ch <= "\u9fff" for x in t.to_numpy().ravel() for ch in str(x))


def test_cli_compares_two_results_folders(staffed, tmp_path, capsys):
    c, _ = staffed
    a = c.before.results.to_parquet(tmp_path / "before")
    old = dataclasses.replace(c.after.results, meta={**c.after.results.meta, "vetsim_version": "9.9.9"})
    b = old.to_parquet(tmp_path / "after")
    code = main(["compare", str(a), str(b), "--out", str(tmp_path / "c.csv"), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    assert "vetsim version" in out and "9.9.9" in out and "No figure moved beyond its noise." in out
    assert "scenario_hash" in out  # without the scenarios only the content hash is compared
    assert (tmp_path / "c.csv").is_file()
    assert main(["compare", str(a), str(a)]) == 0
    assert "两次运行没有差别" in capsys.readouterr().out


def test_cli_refuses_a_bad_output_before_any_work(sample_path, tmp_path, capsys):
    code = main(["compare", str(sample_path), str(sample_path), "--out", str(tmp_path / "x.docx")])
    assert code != 0
    assert ".xlsx" in capsys.readouterr().err


def test_dashboard_tab_compares_baseline_and_proposal(tmp_path_factory):
    """The meeting dashboard's tab 较上次变化: the proposal's changed rows; with one replication no figure can be
    said to have moved beyond its noise, and the tab says so rather than listing differences of chance."""
    from vetsim.ui import MeetingDashboard

    from .ui_support import make_data_dir

    dash = MeetingDashboard(make_data_dir(tmp_path_factory.mktemp("ui_cmp")), baseline="sample_county",
                            proposal="proposal_more_staff", replications=1, budget_draws=20)
    assert dash.tabs.get_title(3) == "较上次变化"
    page = dash.changes.value
    assert "sites.csv" in page and "T15" in page and "funded_staff" in page
    assert "没有指标超出随机波动" in page and "只模拟了 1 次" in page and "口径没有变化" in page


# -- two ledger periods (the bulletin's figures, no simulation noise) ------------------------------------------

def test_two_ledger_periods_compared_against_the_hand_computation(sample):
    from vetsim.bulletin import parse_period, read_rules
    from vetsim.bulletin.compare import compare_periods

    from .test_bulletin import HAND, _records

    c = compare_periods(_records(HAND), sample, parse_period("2027-03"), parse_period("2027-04"))
    f = c.figures.set_index(["site_id", "measure"])
    # T01, March -> April (test_bulletin's hand computation): one-trip 2/3 -> 0.6, overdue 1/3 -> 1/3, score -7.0
    assert f.loc[("T01", "one_trip_rate"), "diff"] == pytest.approx(0.6 - 2 / 3) and f.loc[("T01", "one_trip_rate"), "moved"]
    assert f.loc[("T01", "overdue_share"), "diff"] == pytest.approx(0) and not f.loc[("T01", "overdue_share"), "moved"]
    assert f.loc[("T01", "score"), "diff"] == pytest.approx(-7.0) and f.loc[("T01", "score"), "moved"]
    assert (f.loc[("T01", "rank"), "diff"], f.loc[("T02", "rank"), "diff"]) == (-1, 1)  # T02 passed T01
    assert c.method.empty and not c.figures["method_changed"].any()
    # the same period twice: nothing moved
    assert compare_periods(_records(HAND), sample, parse_period("2027-04"), parse_period("2027-04")).moved.empty
    # other weights for April: score and rank changed method, flagged and not moved; the measures still compared
    rules = read_rules(None, sample.spec.targets)
    other = tuple(dataclasses.replace(r, weight=1.0) for r in rules)
    v = compare_periods(_records(HAND), sample, parse_period("2027-03"), parse_period("2027-04"), rules=rules,
                        rules_after=other)
    assert set(v.method["item"]) == {f"{r.measure}.weight" for r in rules if r.weight != 1.0}
    g = v.figures.set_index(["site_id", "measure"])
    assert g.loc[("T01", "score"), "method_changed"] and not g.loc[("T01", "score"), "moved"]
    assert g.loc[("T01", "one_trip_rate"), "moved"] and not g.loc[("T01", "one_trip_rate"), "method_changed"]


def test_bulletin_against_any_earlier_period_prints_the_moves(sample_path, tmp_path, capsys):
    from vetsim.ledgerfit.records_io import write_records

    from .test_bulletin import HAND, _records

    folder = write_records(_records(HAND), tmp_path / "records")
    code = main(["bulletin", str(folder), "--scenario", str(sample_path), "--period", "2027-04", "--against", "2027-03",
                 "--out", str(tmp_path / "b"), "--no-tasks"])
    out = capsys.readouterr().out
    assert code == 0
    block = out[out.index("2027年4月较2027年3月变化"):]
    # T01's one-trip rate 2/3 -> 0.6 (↓ 6.7 points) and score ↓ 7.0 (test_bulletin's hand computation)
    assert "城东街道退役军人服务站" in block and "↓ 6.7 个百分点" in block and "↓ 7.0 分" in block
    assert "↑ 1 位" in block  # T02 passed T01


def test_the_brief_page_as_pdf_and_png_with_every_glyph(staffed, tmp_path):
    import subprocess
    import warnings

    c, _ = staffed
    old = dataclasses.replace(c.before.results, meta={**c.before.results.meta, "vetsim_version": "0.0.9"})
    for lang, comp in (("zh", c), ("en", compare_runs(Run(old, c.before.scenario), c.after))):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            pdf = write_comparison(comp, tmp_path / f"page_{lang}.pdf", lang)
            png = write_comparison(comp, tmp_path / f"page_{lang}.png", lang)
        assert not [w for w in seen if "missing from" in str(w.message)], "a glyph is missing from the page's font"
        assert png.read_bytes().startswith(b"\x89PNG")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        if lang == "zh":
            assert "超出随机波动的变化" in text and "工作负荷压力" in text and "sites.csv T01 funded_staff" in text
            assert "Sample County" not in text  # the English twin of a changed name is left to the file
        else:
            assert "vetsim version" in text and "0.0.9" in text and "No figure moved beyond its noise." in text


# -- what the page and the printout leave out, said with its count and where the rest is ----------------------

def _many_moved(c, copies: int):
    """``c`` with its moved figures of all case types together repeated ``copies`` times (more than any page
    holds), the moved figures by case type as they are."""
    import pandas as pd

    all_types = c.figures[c.figures["moved"] & (c.figures["case_type"] == "all")]
    return dataclasses.replace(c, figures=pd.concat([c.figures, *[all_types] * copies], ignore_index=True))


def _page(c, lang: str, paper: str):
    """The page drawn (fonts laid out): the figure, its table rows shown, its text lines and the bounding boxes
    of its tables and of its foot lines (display units)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from vetsim.brief.diff_page import comparison_page
    from vetsim.brief.page import page_scale
    from vetsim.charts.style import house_style

    with house_style(lang, scale=page_scale(paper)):
        fig = comparison_page(c, lang, paper)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        tables = [t for ax in fig.axes for t in ax.tables]
        shown = sum(max(r for r, _ in t.get_celld()) for t in tables)  # rows below each header row
        boxes = [t.get_window_extent(renderer) for t in tables]
        texts = {t.get_text(): t.get_window_extent(renderer) for t in fig.texts}
    return fig, shown, boxes, texts


@pytest.mark.parametrize(("lang", "paper"), [("zh", "16:9"), ("en", "a4")])
def test_the_page_says_how_many_moved_figures_it_leaves_out_and_where_they_are(staffed, lang, paper):
    """More moved figures than a page holds: the page fills its space (below the text, above its foot lines,
    inside its margins) and its foot says how many it shows, how many more moved -- of all case types together
    and by case type, counted here -- and how to get the full list."""
    c, _ = staffed
    v = _many_moved(c, 12)
    n_all = int((v.moved["case_type"] == "all").sum())
    by_type = len(v.moved) - n_all
    assert n_all > 100 and by_type > 0
    fig, shown, boxes, texts = _page(v, lang, paper)
    assert 20 <= shown < n_all  # the old page stopped at 18 (16:9) / 22 (A4)
    foot = "\n".join(texts)
    if lang == "zh":
        assert f"本页列出 {shown} 项" in foot and f"另有 {len(v.moved) - shown} 项指标超出随机波动" in foot
        assert f"全部业务合计 {n_all - shown} 项，分业务类型 {by_type} 项" in foot
        assert "--out 对比.xlsx" in foot
    else:
        assert f"This page lists {shown} figures" in foot and f"{len(v.moved) - shown} more moved" in foot
        assert f"{n_all - shown} for all case types together, {by_type} by case type" in foot
        assert "--out changes.xlsx" in foot
    notes = [box for text, box in texts.items() if "--out" in text or str(by_type) in text]
    width, margin = fig.bbox.width, fig.dpi * 0.5
    for box in boxes:  # on the page, above its foot lines
        assert box.y0 >= max(n.y1 for n in notes) and box.x1 <= width - margin * 0.9, (box, notes)


def test_a_page_that_holds_everything_says_nothing_more(staffed):
    from vetsim.brief.diff_page import page_notes

    c, _ = staffed
    small = dataclasses.replace(c, figures=c.figures[c.figures["case_type"] == "all"], inputs=c.inputs.head(3))
    n = len(small.moved)
    assert n > 0 and page_notes(small, n, "zh") == []
    _, shown, _, texts = _page(small, "zh", "16:9")
    assert shown == n and not any("本页列出" in t or "完整清单" in t for t in texts)
    one_less = page_notes(small, n - 1, "zh")
    assert "另有 1 项指标超出随机波动" in one_less[0] and "--out" in one_less[1]


def test_the_printout_counts_the_figures_by_case_type_and_names_the_file(staffed, tmp_path):
    """The printout lists the moved figures of all case types together; the rest by case type are counted, and
    said to be in the file being written when it is a table, else how to write one (a page is no list)."""
    c, _ = staffed
    by_type = int((c.moved["case_type"] != "all").sum())
    assert by_type > 0
    plain = "\n".join(report_lines(c, "zh"))
    assert f"另有 {by_type} 项分业务类型的指标超出随机波动" in plain and "--out 对比.xlsx" in plain
    table = tmp_path / "对比.xlsx"
    written = "\n".join(report_lines(c, "zh", table))
    assert f"另有 {by_type} 项分业务类型" in written and re.search(rf"完整清单见 \S*{table.name}。", written)
    page = "\n".join(report_lines(c, "en", tmp_path / "page.pdf"))
    assert f"{by_type} more figures by case type" in page and "--out changes.xlsx" in page and "page.pdf" not in page
    # nothing moved for all case types together, some by case type: not "no figure moved"
    only_types = dataclasses.replace(c, figures=c.figures.assign(
        moved=c.figures["moved"] & (c.figures["case_type"] != "all")))
    text = "\n".join(report_lines(only_types, "zh"))
    assert "全部业务合计的指标都没有超出随机波动" in text and "没有指标超出随机波动。" not in text
    assert f"另有 {by_type} 项分业务类型" in text
    _, shown, _, texts = _page(only_types, "zh", "16:9")
    assert shown == 0 and f"全部业务合计 0 项，分业务类型 {by_type} 项" in "\n".join(texts)


def test_the_files_group_the_figures_by_case_type(staffed):
    """The CSV/Excel/HTML list: all case types together first, then each case type in one block, each with
    the brief's headline KPIs first."""
    from vetsim.brief.diff_text import grouped, headline_first

    c, _ = staffed
    g = grouped(c.figures[c.figures["moved"]])
    types = list(g["case_type"])
    blocks = [t for i, t in enumerate(types) if i == 0 or types[i - 1] != t]
    assert blocks[0] == "all" and len(blocks) == len(set(types)) > 2  # one block per case type
    assert sorted(g.index) == sorted(c.figures.index[c.figures["moved"]])
    for ct in set(types):
        assert list(g[g["case_type"] == ct].index) == list(headline_first(g[g["case_type"] == ct]).index)
