"""The regular bulletin (issue 26, item 1): figures, ranking, flags and arrows against a hand-computed
case; the three files from synthetic ledgers imported through the command line, with a personal-data
scan of each; the refusals (a period without records, a missing folder, a bad notes file, an output
inside the records)."""

from __future__ import annotations

import math
import subprocess
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import vetsim
from vetsim.bulletin import bulletin_from_records, parse_period, read_notes, read_rules
from vetsim.bulletin.build import arrow
from vetsim.bulletin.figures import period_figures
from vetsim.bulletin.notes import NotesError
from vetsim.bulletin.rules import RulesError
from vetsim.bulletin.text import fmt_change
from vetsim.cli import main
from vetsim.ledger import validate_records

pytest_plugins = ["tests.ledger_support"]

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"


@pytest.fixture(scope="module")
def sc():
    return vetsim.load_scenario(SAMPLE)


def _records(rows: list[tuple]) -> dict[str, pd.DataFrame]:
    """Visit records from (site, level, date, resolved, person, handed_to, found_nobody)."""
    df = pd.DataFrame(rows, columns=["site_id", "level", "date", "resolved_date", "person", "handed_to", "found_nobody"])
    n = len(df)
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    df["resolved_date"] = pd.to_datetime(df["resolved_date"]).astype("datetime64[ns]")
    out = pd.DataFrame({
        "record_id": [f"r{i:04d}" for i in range(n)], "kind": "visits", "date": df["date"], "site_id": df["site_id"],
        "level": df["level"], "case_type": "consultation", "channel": "visit", "on_spot": df["resolved_date"] == df["date"],
        "resolved_date": df["resolved_date"], "referred_to": "", "handed_to": df["handed_to"],
        "found_nobody": df["found_nobody"].astype(bool), "person": [f"{p:016x}" for p in df["person"]],
        "birth_band": "1970-1979", "sex": "男", "source_file": "hand", "source_sheet": "", "source_row": range(1, n + 1)})
    out["source_row"] = out["source_row"].astype("int64")
    return {"visits": validate_records(out, "visits")}


# The hand-made ledger (consultation matters; limit at a township 5 working days, at a village 1).
# T01 in April: a, b (at its village station T01V01), c (two trips, resolved on the second), d (handed on to
# the county center), e (found nobody, resolved only in May: open at the end of April), and f (March, open).
# T02 in April: 8 matters resolved the same day, one of them after a second trip; in March: one matter
# received on 30 March and resolved on 1 April (open at the end of March, not yet past its limit).
HAND = [
    ("T01", "township", "2027-04-01", "2027-04-01", 1, "", False),   # a
    ("T01V01", "village", "2027-04-02", "2027-04-02", 2, "", False),  # b
    ("T01", "township", "2027-04-06", "2027-04-12", 3, "", False),   # c, trip 1
    ("T01", "township", "2027-04-12", "2027-04-12", 3, "", False),   # c, trip 2
    ("T01", "township", "2027-04-07", "2027-04-08", 4, "C01", False),  # d
    ("T01", "township", "2027-04-08", "2027-05-05", 5, "", True),    # e
    ("T01", "township", "2027-03-02", None, 6, "", False),           # f
    ("T01", "township", "2027-03-10", "2027-03-10", 7, "", False),
    ("T01", "township", "2027-03-11", "2027-03-11", 8, "", False),
    ("T01", "township", "2027-05-03", "2027-05-03", 9, "", False),   # after April: not counted
    *[("T02", "township", f"2027-04-{d:02d}", f"2027-04-{d:02d}", 20 + d, "", False) for d in (1, 2, 6, 7, 8, 9, 12)],
    ("T02", "township", "2027-04-13", "2027-04-14", 40, "", False),  # two trips, resolved on the second
    ("T02", "township", "2027-04-14", "2027-04-14", 40, "", False),
    ("T02", "township", "2027-03-30", "2027-04-01", 41, "", False),
]


def _town(b, site: str) -> pd.Series:
    t = b.townships()
    return t[t["site_id"] == site].iloc[0]


def test_figures_ranking_flags_and_arrows_match_the_hand_computation(sc) -> None:
    b = bulletin_from_records(_records(HAND), sc, parse_period("2027-04"))
    t1, t2 = _town(b, "T01"), _town(b, "T02")
    # T01 in April: visits a b c1 c2 d e = 6, nobody 1; matters a b c d e, on hand + f; overdue e and f
    assert (t1["visits"], t1["found_nobody"], t1["received"], t1["resolved"]) == (6, 1, 5, 4)
    assert (t1["trip_num"], t1["trip_den"], t1["here_num"], t1["overdue_open"], t1["on_hand"]) == (3, 5, 3, 2, 6)
    assert t1["one_trip_rate"] == pytest.approx(0.6) and t1["resolved_here_share"] == pytest.approx(0.6)
    assert t1["overdue_share"] == pytest.approx(1 / 3) and t1["found_nobody_share"] == pytest.approx(1 / 6)
    # weights 0.30, 0.25, 0.25, 0.20 (data/bulletin_score.csv)
    assert t1["score"] == pytest.approx(100 * (0.3 * 0.6 + 0.25 * 0.6 + 0.25 * (2 / 3) + 0.2 * (5 / 6)))
    # T02: 8 matters, 7 with one trip; the March matter resolved on 1 April is resolved in April and on hand
    assert (t2["visits"], t2["received"], t2["resolved"], t2["trip_num"], t2["trip_den"], t2["on_hand"]) == (9, 8, 9, 7, 8, 9)
    assert t2["score"] == pytest.approx(100 * (0.3 * 0.875 + 0.25 + 0.25 + 0.2))
    assert (t2["rank"], t1["rank"]) == (1, 2)
    assert math.isnan(_town(b, "T03")["rank"])  # no records: no place
    # flags: one-trip 0.6 misses the scenario's 0.9 by more than 0.05 (red), T02's 0.875 within it (yellow);
    # resolved here 0.6 meets 0.6 (green); overdue 1/3 against 0 (red); nobody 1/6 against 0.05 + 0.03 (red)
    assert [t1[f"flag_{m}"] for m in ("one_trip_rate", "resolved_here_share", "overdue_share", "found_nobody_share")] \
        == ["red", "green", "red", "red"]
    assert t2["flag_one_trip_rate"] == "yellow" and t2["flag_found_nobody_share"] == "green"
    # March: T01 2 of 3 one-trip, 2 of 3 here, f overdue of 3 on hand, no nobody; T02 its open matter only
    assert t1["prev_score"] == pytest.approx(100 * (0.3 * 2 / 3 + 0.25 * 2 / 3 + 0.25 * 2 / 3 + 0.2))
    assert t2["prev_score"] == pytest.approx(100 * (0.25 + 0.2))
    assert (t1["prev_rank"], t2["prev_rank"]) == (1, 2)
    assert (t1["d_rank"], t2["d_rank"]) == (-1, 1)
    assert (arrow(t1["d_rank"], "rank"), arrow(t2["d_rank"], "rank")) == ("↓", "↑")
    assert t1["d_score"] == pytest.approx(-7.0)
    assert fmt_change(t1["d_score"], "score", "zh") == "↓ 7.0 分"
    assert fmt_change(t1["d_one_trip_rate"], "share", "zh") == "↓ 6.7 个百分点"
    assert fmt_change(t1["d_overdue_share"], "share", "zh") == "→"
    assert fmt_change(t2["d_rank"], "rank", "en") == "↑ 1 places"
    # the village station has its own row, inside T01's sums
    st = b.stations().set_index("site_id")
    assert (st.loc["T01V01", "visits"], st.loc["T01", "visits"]) == (1, 5)


def test_a_rate_counts_open_matters_so_stopping_work_never_helps(sc) -> None:
    """Leaving T02's April matters open must lower its one-trip rate and share resolved here, not raise them."""
    rules = read_rules(None, sc.spec.targets)
    worse = [(s, lv, d, None if s == "T02" and d.startswith("2027-04") else r, p, h, n) for s, lv, d, r, p, h, n in HAND]
    good = period_figures(_records(HAND), sc, parse_period("2027-04"), rules).townships.set_index("site_id").loc["T02"]
    bad = period_figures(_records(worse), sc, parse_period("2027-04"), rules).townships.set_index("site_id").loc["T02"]
    assert bad["one_trip_rate"] < good["one_trip_rate"] and bad["resolved_here_share"] < good["resolved_here_share"]
    assert bad["score"] < good["score"]


def test_the_weights_are_data_and_a_bad_rules_file_is_named(sc, tmp_path) -> None:
    text = (Path(vetsim.bulletin.DEFAULT_RULES)).read_text(encoding="utf-8")
    heavy = tmp_path / "rules.csv"
    heavy.write_text(text.replace("one_trip_rate,0.30,", "one_trip_rate,3.00,"), encoding="utf-8")
    b = bulletin_from_records(_records(HAND), sc, parse_period("2027-04"), rules=read_rules(heavy, sc.spec.targets))
    w = 3.0 + 0.25 + 0.25 + 0.2
    assert _town(b, "T01")["score"] == pytest.approx(100 * (3.0 * 0.6 + 0.25 * 0.6 + 0.25 * 2 / 3 + 0.2 * 5 / 6) / w)
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("overdue_share,0.25,", "overdue_share,heavy,"), encoding="utf-8")
    with pytest.raises(RulesError) as err:
        read_rules(bad, sc.spec.targets)
    assert "第 4 行" in err.value.zh and "weight" in err.value.zh and "bad.csv" in err.value.zh


def test_notes_are_checked_row_by_row(sc, tmp_path) -> None:
    good = tmp_path / "notes.csv"
    good.write_text("township,period,text\n龙泉镇,2027-04,站长外出培训两周\nT01,2027-03,=1+1\n", encoding="utf-8")
    notes = read_notes(good, sc)
    assert [(n.township, n.period.code(), n.row) for n in notes] == [("T03", "2027-04", 2), ("T01", "2027-03", 3)]
    cases = {"龙泉镇,2027-04,联系电话 13812345678": ("第 2 行", "text", "个人信息"),
             "龙泉镇,2027-04,身份证 110101199003074514 已核": ("第 2 行", "text", "个人信息"),
             "火星镇,2027-04,说明": ("第 2 行", "township", "火星镇"),
             "龙泉镇,四月,说明": ("第 2 行", "period", "四月")}
    for line, words in cases.items():
        bad = tmp_path / "bad_notes.csv"
        bad.write_text(f"township,period,text\n{line}\n", encoding="utf-8")
        with pytest.raises(NotesError) as err:
            read_notes(bad, sc)
        assert all(w in err.value.zh for w in (*words, "bad_notes.csv")), err.value.zh
    as_yaml = tmp_path / "notes.yaml"
    as_yaml.write_text("notes:\n  - {township: 城东街道, period: 2027Q2, text: 季度说明}\n  - {township: T02, period: 2027-04}\n",
                       encoding="utf-8")
    with pytest.raises(NotesError) as err:
        read_notes(as_yaml, sc)
    assert "第 2 行" in err.value.zh and "text" in err.value.zh
    as_yaml.write_text("- {township: 城东街道, period: 2027Q2, text: 季度说明}\n", encoding="utf-8")
    assert [(n.township, n.period.code()) for n in read_notes(as_yaml, sc)] == [("T01", "2027Q2")]
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("township,text\nT01,x\n", encoding="utf-8")
    with pytest.raises(NotesError, match="period"):
        read_notes(nocol, sc)


# ------------------------------------------------------------------ the command, from ledgers imported by the CLI

@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Two months (March and April 2027) of the sample county's own ledgers, rendered messy with fake people
    and imported through ``vetsim ledger import``; (records folder, the fake people written)."""
    from vetsim.backtest import draw_records
    from vetsim.ledger import render_ledger

    root = tmp_path_factory.mktemp("bulletin")
    mp = pytest.MonkeyPatch()
    mp.setenv("VETSIM_KEY", str(tmp_path_factory.mktemp("key") / "ledger.key"))
    sc = vetsim.load_scenario(SAMPLE)
    recs = draw_records(sc, years=0.34, seed=3)["visits"]
    two = recs[(recs["date"] >= "2027-03-01") & (recs["date"] <= "2027-04-30")].reset_index(drop=True)
    (root / "ledger").mkdir()
    ledger = root / "ledger" / "来访登记.xlsx"
    rendered = render_ledger(two, sc, "visits", 5, ledger)
    assert main(["ledger", "import", str(ledger), "--scenario", str(SAMPLE), "--out", str(root / "records")]) == 0
    (root / "records" / "notes.csv").write_text(
        "township,period,text\n龙泉镇,2027-04,=HYPERLINK(\"x\") 站长外出培训两周，由村站代班\n", encoding="utf-8")
    yield root, rendered.personal
    mp.undo()


def _texts(folder: Path) -> dict[str, str]:
    """The text of each file: pdftotext of the PDF, the XML of the Word document, every cell of the workbook."""
    pdf, docx, xlsx = (next(folder.glob(f"*.{ext}")) for ext in ("pdf", "docx", "xlsx"))
    out = {"pdf": subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout}
    with zipfile.ZipFile(docx) as z:
        out["docx"] = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    wb = load_workbook(xlsx)
    out["xlsx"] = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    return out


def test_the_bulletin_of_two_imported_months_writes_three_files_without_personal_data(imported, tmp_path, capsys) -> None:
    root, personal = imported
    out = tmp_path / "bulletin"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        code = main(["bulletin", str(root / "records"), "--scenario", str(SAMPLE), "--period", "2027-04", "--out", str(out),
                     "--replications", "2", "--seed", "1", "--history", str(tmp_path / "history")])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert not [w for w in seen if "missing from" in str(w.message)], "a glyph is missing from the PDF's font"
    assert sorted(p.name for p in out.iterdir()) == [".vetsim-output.json", "bulletin_2027-04.docx", "bulletin_2027-04.pdf",
                                                      "bulletin_2027-04_annex.xlsx", "map.csv"]
    texts = _texts(out)
    for kind, text in texts.items():
        assert "通报排名" in text and "龙泉镇退役军人服务站" in text and "站长外出培训两周" in text, kind
        assert "↑" in text or "↓" in text, kind
        found = [v for group in personal.values() for v in group if v and len(str(v)) >= 2 and str(v) in text]
        assert not found, f"{kind}: personal data {found[:5]}"
    assert sum(len(v) for v in personal.values()) > 50  # the scan had something to find
    assert "红色预警明细" in texts["pdf"] and "下步要求" in texts["docx"] and "下步要求" not in texts["pdf"]
    # the note starting with "=" is text in the annex, never a formula
    wb = load_workbook(next(out.glob("*.xlsx")))
    notes = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert notes and all(c.data_type == "s" and not c.value.startswith("=") for c in notes)
    # the annex traces a score: components x weights / weights counted = score
    towns = pd.read_excel(next(out.glob("*.xlsx")), sheet_name="乡镇排名", engine="openpyxl")
    comps = [c for c in towns.columns if c.endswith("得分项（0–1）")]
    weights = [c for c in towns.columns if c.endswith("权重")]
    assert len(comps) == len(weights) == 4
    redo = 100 * sum(towns[c].fillna(0) * towns[w] for c, w in zip(comps, weights, strict=True)) / towns["所计权重之和"]
    assert (redo - towns["综合得分"]).abs().max() < 0.02
    _check_map(out, towns, "zh")


def _check_map(out: Path, towns: pd.DataFrame, lang: str) -> None:
    """map.csv: a row per township station and the county center, each value the annex's own figure (in %);
    the PDF has the map's page (its title) and the Word document the map as a picture with its caption."""
    raw = (out / "map.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it in Chinese
    shown = pd.read_csv(out / "map.csv", encoding="utf-8-sig")
    site, value = ("站点编号", "最多跑一次比例（%）") if lang == "zh" else ("Site ID", "One-trip rate (%)")
    assert list(shown.columns) == ([site, "站点", "层级", "地图横坐标", "地图纵坐标", value] if lang == "zh"
                                   else [site, "Site", "Level", "Map x", "Map y", value])
    # the annex's counts behind the rate (its rate column is rounded to 4 decimals; the map's CSV is not)
    num, den = (("办结且最多跑一次（件）", "办结及已来访未办结（件）") if lang == "zh"
                else ("Resolved with at most one trip", "Resolved, or open after a trip"))

    def rate(sheet: pd.DataFrame) -> pd.Series:
        sheet = sheet.set_index(sheet.columns[0])
        return 100 * sheet[num] / sheet[den].where(sheet[den] > 0)

    expect = rate(towns)
    got = shown.set_index(site)[value]
    assert list(got.index) == ["C01", *expect.index] and len(expect) == 15
    assert expect.notna().sum() >= 10  # most townships have a figure: the comparison has something to compare
    pd.testing.assert_series_equal(got.loc[expect.index], expect, check_names=False, check_dtype=False, atol=1e-9)
    center = rate(pd.read_excel(next(out.glob("*.xlsx")), sheet_name=2, engine="openpyxl"))["C01"]  # stations' sheet
    assert (math.isnan(got["C01"]) and math.isnan(center)) or abs(got["C01"] - center) < 1e-9
    texts = _texts(out)
    title = "乡镇分布图：最多跑一次比例" if lang == "zh" else "Township map: One-trip rate"
    assert title in texts["pdf"].replace("\n", ""), "the map's page is missing from the PDF"
    with zipfile.ZipFile(next(out.glob("*.docx"))) as z:
        assert [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")], "no map picture in Word"
    assert "map.csv" in texts["docx"]


def test_the_bulletin_in_english(imported, tmp_path, capsys) -> None:
    root, _ = imported
    out = tmp_path / "en"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert main(["bulletin", str(root / "records"), "--scenario", str(SAMPLE), "--period", "2027Q1", "--out", str(out),
                     "--no-tasks", "--lang", "en"]) == 0
    assert not [w for w in seen if "missing from" in str(w.message)], "a glyph is missing from the PDF's font"
    text = _texts(out)["pdf"]
    assert "Ranking of the townships" in text and "Longquan" in text and "Q1 2027" in text
    assert "No ledger records for the previous period" in text  # Q4 2026 has none
    assert "key tasks were left out" in text
    _check_map(out, pd.read_excel(next(out.glob("*.xlsx")), sheet_name=1, engine="openpyxl"), "en")  # townships' sheet


def test_refusals_name_the_period_the_folder_and_the_place(imported, tmp_path, capsys) -> None:
    root, _ = imported
    records = str(root / "records")
    args = ["--scenario", str(SAMPLE), "--no-tasks"]
    assert main(["bulletin", records, *args, "--period", "2027-07", "--out", str(tmp_path / "o1")]) == 2
    err = capsys.readouterr().err
    assert "2027-07" in err and "没有台账记录" in err and "2027-03-01" in err
    assert not (tmp_path / "o1").exists()
    assert main(["bulletin", str(tmp_path / "nowhere"), *args, "--period", "2027-04", "--out", str(tmp_path / "o2")]) == 2
    assert "nowhere" in capsys.readouterr().err
    assert main(["bulletin", records, *args, "--period", "2027-04", "--out", str(root / "records" / "inside")]) == 2
    assert not (root / "records" / "inside").exists()
    assert main(["bulletin", records, *args, "--period", "April", "--out", str(tmp_path / "o3")]) == 2
    assert "2027Q2" in capsys.readouterr().err


def _missing_glyphs(b, lang: str) -> list[str]:
    import io

    from vetsim.bulletin.pdf import write_pdf

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        write_pdf(b, io.BytesIO(), lang)
    return [str(w.message) for w in seen if "missing from" in str(w.message)]


def test_no_glyph_is_missing_and_the_check_can_fail(sc) -> None:
    from vetsim.bulletin.notes import Note

    period = parse_period("2027-04")
    b = bulletin_from_records(_records(HAND), sc, period, notes=[Note("T03", period, "站长外出培训 ↑↓→ ≥ 5%", 2)])
    assert _missing_glyphs(b, "zh") == []  # English: test_the_bulletin_in_english
    odd = bulletin_from_records(_records(HAND), sc, period, notes=[Note("T03", period, "\U00013000", 2)])
    assert _missing_glyphs(odd, "zh")  # a hieroglyph no font here has: the check sees it


def test_the_map_shows_the_bulletins_own_hand_computed_one_trip_rates(sc) -> None:
    """T01 in April: a, b, d resolved with one trip of a, b, c, d resolved and e open after a trip: 3/5;
    T02: 7 of 8. The other townships had no matter (no value, "—" under their name)."""
    from matplotlib.figure import Figure

    from vetsim.bulletin.townmap import draw_map, map_table

    b = bulletin_from_records(_records(HAND), sc, parse_period("2027-04"))
    table = map_table(b, "zh").set_index("站点编号")["最多跑一次比例（%）"]
    assert table["T01"] == pytest.approx(60.0) and table["T02"] == pytest.approx(87.5)
    assert table.drop(["T01", "T02"]).isna().all() and len(table) == 16
    assert _town(b, "T01")["one_trip_rate"] * 100 == pytest.approx(table["T01"])  # the ranking's own figure
    labels = {t.get_gid(): t.get_text() for ax in draw_map(b, Figure(), "zh").axes for t in ax.texts if t.get_gid()}
    assert labels["site-T01"].endswith("60%") and labels["site-T02"].endswith("88%") and labels["site-T03"].endswith("—")
