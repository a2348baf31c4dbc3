"""Ledger import against truth: clean records -> messy spreadsheet -> import gives every usable row back.

The synthetic ledgers carry every messiness of issue 12 (title row, several sheets, two-row header with
merged cells, subtotal and blank rows, every date form incl. Excel serials, full-width digits and
spaces, site-name variants, free-word case types) and deliberately bad rows whose row numbers are known.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.ledger_support import EVENT_FIELDS, REGISTER_FIELDS, expected, ledger_key, rendered  # noqa: F401
from vetsim.ledger import import_ledger, validate_records
from vetsim.ledger.importer import LedgerImportError
from vetsim.ledger.mapping import MappingError, load_mapping
from vetsim.ledger.personal import check_digit, normalise_id
from vetsim.ledger.records import record_id
from vetsim.ledger.values import parse_date


@pytest.mark.parametrize("kind,suffix", [("visits", ".xlsx"), ("visits", ".csv"), ("petitions", ".xlsx"),
                                         ("cases", ".csv"), ("register", ".xlsx"), ("register", ".csv")])
def test_round_trip_gives_back_every_usable_row_and_names_each_bad_one(sample, tmp_path, kind, suffix):
    recs, r = rendered(sample, kind, tmp_path / f"ledger{suffix}")
    assert r.bad_rows["rejected"].any() and (~r.bad_rows["rejected"]).any()
    res = import_ledger(r.path, sample)
    got = validate_records(res.frame(kind), kind).set_index("record_id")
    exp = expected(recs, r)
    assert sorted(got.index) == sorted(exp.index)
    got = got.loc[exp.index]
    for col in EVENT_FIELDS if kind != "register" else REGISTER_FIELDS:
        pd.testing.assert_series_equal(got[col], exp[col], check_names=False, check_dtype=False, obj=col)
    # every bad row is named at its sheet and row, with its reason; rejected ones are not in the records
    named = {(p.sheet, p.row, p.reason): p.rejected for p in res.problems}
    for b in r.bad_rows.itertuples():
        assert named.get((b.sheet, b.row, b.reason)) == b.rejected, (b.sheet, b.row, b.reason)
    assert res.summary["rows_used"] == len(exp)
    assert res.summary["rows_rejected"] == int(r.bad_rows["rejected"].sum())
    assert res.summary["rows_read"] == res.summary["rows_used"] + res.summary["rows_rejected"] + res.summary["rows_skipped"]
    assert not [p for p in res.problems if (p.sheet, p.row) not in set(zip(r.bad_rows.sheet, r.bad_rows.row))]
    # pseudonyms link the same person and only the same person (rows with a valid ID)
    valid = ~exp.index.isin([record_id(r.file, s, w) for s, w in zip(r.bad_rows.sheet, r.bad_rows.row)])
    pairs = pd.DataFrame({"truth": exp["person"][valid], "got": got["person"][valid]}).drop_duplicates()
    assert pairs["truth"].is_unique and pairs["got"].is_unique and (pairs["got"].str.len() == 16).all()
    assert (got["birth_band"][valid] == exp["birth_band"][valid]).all()
    assert (got["sex"][valid] == exp["sex"][valid]).all()


def test_second_import_is_identical(sample, tmp_path):
    _, r = rendered(sample, "visits", tmp_path / "v.xlsx", n=120)
    a, b = import_ledger(r.path, sample), import_ledger(r.path, sample)
    pd.testing.assert_frame_equal(a.frame(), b.frame())
    assert a.problems == b.problems and a.summary == b.summary


def test_the_same_person_gets_the_same_pseudonym_across_files(sample, tmp_path):
    recs, r1 = rendered(sample, "visits", tmp_path / "a.xlsx", n=80, seed=5)
    _, r2 = rendered(sample, "visits", tmp_path / "b.csv", n=80, seed=5)  # same people, other file and layout
    p1 = import_ledger(r1.path, sample).frame()["person"]
    p2 = import_ledger(r2.path, sample).frame()["person"]
    assert len(set(p1) & set(p2)) > 0.8 * len(set(p1))


@pytest.mark.parametrize("text", ["2025-03-05", "2025/3/5", "2025年3月5日", "2025.3.5", "20250305", "45721",
                                  "２０２５年３月５日", " 2025-03-05 10:30 ", "2025-03-05 10:30:00", 45721, 45721.0,
                                  dt.datetime(2025, 3, 5, 9, 0), dt.date(2025, 3, 5)])
def test_every_date_form_gives_the_same_day(text):
    assert parse_date(text) == dt.date(2025, 3, 5)


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13-01", "明天", "", "3月5日", True, 0, -5])
def test_non_dates_are_refused(text):
    assert parse_date(text) is None


def test_id_numbers_follow_gb11643():
    assert check_digit("11010519491231002") == "X"  # the standard's own example
    assert normalise_id("11010519491231002X") == ("11010519491231002X", False)
    assert normalise_id("11010519491231002x") == ("11010519491231002X", False)
    assert normalise_id("110105194912310021") == (None, False)  # wrong check digit
    assert normalise_id("110105194913310029") == (None, False)  # month 13
    assert normalise_id("110105491231002") == ("11010519491231002X", True)  # old 15 digits
    assert normalise_id("12345") == (None, False)


def test_site_name_variants_and_free_case_words(sample, tmp_path):
    rows = [["来访日期", "接待单位", "来访事由", "是否当场办结"],
            ["2025-03-05", "城东街道", "咨询退役金政策", "是"],
            ["2025-03-05", "城东街道服务站", "社保接续", "否"],
            ["2025-03-05", "城东", "政策咨询", "是"],
            ["2025-03-05", "城东街道退役军人服务站", "临时救助", "否"],
            ["2025-03-05", "城 东 街 道", "优抚", "是"],
            ["2025-03-05", "幸福镇", "优抚", "是"],
            ["2025-03-05", "城东", "看病", "是"]]
    path = tmp_path / "城东街道来访登记.csv"
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    res = import_ledger(path, sample)
    df = res.frame("visits")
    assert list(df["site_id"]) == ["T01"] * 5
    assert list(df["case_type"]) == ["consultation", "si_continuation", "consultation", "temporary_relief", "pension"]
    assert list(df["on_spot"]) == [True, False, True, False, True]
    assert {(p.row, p.reason) for p in res.problems} == {(7, "unknown_site"), (8, "unknown_case_type")}


def test_a_ledger_of_one_site_takes_the_site_from_its_title(sample, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("城西街道退役军人服务站来访接待登记台账（2025年）\n序号,来访日期,来访事由\n1,2025-01-02,政策咨询\n",
                    encoding="utf-8")
    df = import_ledger(path, sample).frame()
    assert list(df["site_id"]) == ["T02"] and list(df["kind"]) == ["visits"]


def test_missing_required_columns_are_all_named(sample, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("来访接待登记台账\n序号,姓名,备注\n1,某人,无\n", encoding="utf-8")
    with pytest.raises(LedgerImportError) as err:
        import_ledger(path, sample)
    text = err.value.user_message("zh")
    assert "来访日期" in text and "业务类型" in text and "某人" not in text
    assert "required column 'date'" in err.value.user_message("en")


def test_kind_unknown_asks_for_kind(sample, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("日期,站点,类型\n2025-01-02,城东,政策咨询\n", encoding="utf-8")
    with pytest.raises(LedgerImportError, match="--kind"):
        import_ledger(path, sample)
    assert len(import_ledger(path, sample, kind="cases").frame()) == 1


def test_a_user_mapping_adds_a_header_variant(sample, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("来访接待登记台账\n到访日子,站点,业务类型\n2025-01-02,城东,政策咨询\n", encoding="utf-8")
    with pytest.raises(LedgerImportError):
        import_ledger(path, sample)
    mp = tmp_path / "map.yaml"
    mp.write_text("fields:\n  date: [到访日子]\n", encoding="utf-8")
    df = import_ledger(path, sample, mapping=mp).frame()
    assert df["date"].tolist() == [pd.Timestamp("2025-01-02")]


def test_a_user_mapping_with_unknown_keys_is_refused_with_every_problem(tmp_path):
    mp = tmp_path / "map.yaml"
    mp.write_text("fields:\n  dat: [x]\n  site: 3\nchannels:\n  fax: [传真]\ncolours: {}\n", encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(mp)
    text = err.value.user_message("en")
    assert "map.yaml" in text and "'dat'" in text and "fields.site" in text and "'fax'" in text and "'colours'" in text
    assert "4 problem" in text


def test_records_schema_refuses_wrong_frames(sample):
    from vetsim.ledger import synthetic_records
    from vetsim.ledger.records import RecordSchemaError

    df = synthetic_records(sample, "visits", 20, 3)
    validate_records(df, "visits")
    with pytest.raises(RecordSchemaError, match="channel"):
        validate_records(df.assign(channel="fax"), "visits")
    with pytest.raises(RecordSchemaError, match="missing columns: person"):
        validate_records(df.drop(columns="person"), "visits")
    with pytest.raises(RecordSchemaError, match="dtype"):
        validate_records(df.assign(source_row=df["source_row"].astype(float)), "visits")
    assert np.issubdtype(df["date"].dtype, np.datetime64)


def test_referrals_to_sites_become_hand_offs_and_nobody_at_the_counter_is_recorded(sample, tmp_path):
    """The referral column names sites (id, official name, short name, variant) or partners; unknowns stay problems."""
    rows = [["来访日期", "接待单位", "来访事由", "办理结果", "转办单位"],
            ["2025-03-05", "城东街道", "优抚", "否", "C01"],
            ["2025-03-05", "城东街道", "优抚", "否", "示例县退役军人服务中心"],
            ["2025-03-05", "城东街道", "优抚", "否", "县服务中心"],
            ["2025-03-05", "城东街道", "优抚", "否", "城西街道服务站"],
            ["2025-03-05", "城东街道", "优抚", "否", "城西"],
            ["2025-03-05", "城东街道", "优抚", "否", "民政局"],
            ["2025-03-05", "城东街道", "优抚", "无人接待", "县服务中心"],
            ["2025-03-05", "城东街道", "优抚", "否", "火星办事处"]]
    path = tmp_path / "visits.csv"
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    res = import_ledger(path, sample)
    df = res.frame("visits")
    assert list(df["handed_to"]) == ["C01", "C01", "C01", "T02", "T02", "", "C01", ""]
    assert list(df["referred_to"]) == ["", "", "", "", "", "civil_affairs", "", ""]
    assert list(df["found_nobody"]) == [False] * 6 + [True, False]
    assert list(df["on_spot"]) == [False] * 8
    assert {(p.row, p.reason) for p in res.problems} == {(9, "unknown_referral")}
