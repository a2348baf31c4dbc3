"""``vetsim budget --explain``: the calculation trace of a budget line reproduces the published figure to
the cent, redone here by hand from the traced inputs only (counts, rates, the dated values in force each
month, the tier shares), never by calling the budget code; the workbook carries the trace as a sheet."""

from __future__ import annotations

import math
import re

import pytest
from openpyxl import load_workbook

import vetsim
from vetsim.cli import main
from vetsim.fiscal import budget
from vetsim.fiscal.errors import FiscalError
from vetsim.fiscal.explain import explain
from vetsim.fiscal.explain_text import trace_lines

TIERS = ("central", "province", "city", "county")
CASES = [("pension", 2028), ("hardship", 2027), ("site_costs", 2029), ("temporary_relief", 2031), ("pension", 2031)]


def _month_yuan(m) -> float:
    per_year = m.value * (12 if m.unit == "yuan/month" else 1)
    return per_year / 12 * (1 + m.rise) ** m.rises


def _part_amount(p) -> float:
    i = p.inputs
    if p.kind in ("pension_standard", "pension_subsidy"):
        heads = i["count"].value * (1 - i["exit_rate"].value + i["entry_rate"].value) ** i["years"].value
        std = [_month_yuan(m) for m in p.months]
        sub = [min(_month_yuan(s), x) for s, x in zip(p.subsidy, std, strict=False)] if p.subsidy else [0.0] * 12
        per_person = sum(sub) if p.kind == "pension_subsidy" else sum(x - s for x, s in zip(std, sub, strict=False))
        return heads * per_person
    if p.kind == "aid":
        return i["cases"].value * i["amount_per_case"].value
    assert p.kind == "site_costs"
    base = sum(g["funded_staff"].value * g["funded_post"].value + g["parttime_staff"].value * g["parttime_post"].value
               + g["sites"].value * g["site_overhead"].value for g in p.groups)
    return base * (1 + i["growth"].value) ** i["years"].value


def _by_hand(e) -> dict[str, float]:
    """Tier amounts in yuan to the cent: each part split by its tier-share row, summed, then the money rule
    (tiers rounded down to the cent, the missing cents to the largest remainders)."""
    raw = dict.fromkeys(TIERS, 0.0)
    for p in e.parts:
        amount = _part_amount(p)
        if p.tier is not None:
            raw[p.tier] += amount
            continue
        row = p.share_row
        shares = {"central": row.central, "province": row.province, "city": row.city, "county": row.county}
        for t in TIERS:
            raw[t] += amount * shares[t] / sum(shares.values())
    total = math.floor(round(sum(raw.values()) * 100, 6) + 0.5)
    down = {t: math.floor(round(raw[t] * 100, 6)) for t in TIERS}
    missing = total - sum(down.values())
    by_rest = sorted(TIERS, key=lambda t: -(round(raw[t] * 100, 6) - down[t]))  # stable: central first on ties
    return {t: (down[t] + (1 if t in by_rest[:missing] else 0)) / 100 for t in TIERS}


@pytest.fixture(scope="module")
def exact(sample):
    return budget(sample, draws=0)


@pytest.mark.parametrize("line,year", CASES)
def test_the_trace_reproduces_the_budget_to_the_cent(sample, exact, line, year) -> None:
    e = explain(sample, line, year)
    cells = exact.table[(exact.table["year"] == year) & (exact.table["line"] == line)].set_index("tier")["value"]
    hand = _by_hand(e)
    for t in TIERS:
        assert round(hand[t] * 100) == round(float(cells[t]) * 100), (line, year, t, hand[t], cells[t])
    assert sum(hand.values()) > 0


def test_the_trace_names_every_group_and_dated_value(sample) -> None:
    e = explain(sample, "pension", 2028)
    groups = {g.label_zh for g in sample.table("pension_groups.csv")}
    assert {p.label[0] for p in e.parts} == groups
    months = e.parts[0].months
    assert [m.month for m in months] == list(range(1, 13))
    # a standard dated 2026-08-01 and raised each 1 August after it: one rise before August 2028, two from it
    assert [m.rises for m in months] == [1] * 7 + [2] * 5 and months[0].in_force_from.isoformat() == "2026-08-01"
    subsidy = next(p for p in e.parts if p.kind == "pension_subsidy")
    assert {p.tier for p in e.parts if p.kind == "pension_subsidy"} == {"central"} and subsidy.shares is None
    assert all(m.rises == 0 for m in subsidy.subsidy)  # the central subsidy is not raised


def test_a_wrong_input_would_not_reproduce(sample, exact) -> None:
    e = explain(sample, "hardship", 2027)
    cells = exact.table[(exact.table["year"] == 2027) & (exact.table["line"] == "hardship")].set_index("tier")["value"]
    p = e.parts[0]
    wrong = type(p.inputs["cases"])("cases", p.inputs["cases"].value + 1, "case", ("", ""), "")
    object.__setattr__(p, "inputs", {**p.inputs, "cases": wrong})
    assert _by_hand(e)["county"] != float(cells["county"])


def test_cli_prints_the_trace_in_chinese_and_english(sample_path, capsys) -> None:
    assert main(["budget", str(sample_path), "--explain", "hardship:2027", "--explain", "site_costs"]) == 0
    out = capsys.readouterr().out
    assert "预算计算追溯：特殊困难帮扶，2027 年" in out and "预算计算追溯：站点运行经费，2027 年" in out
    assert "tier_shares.csv：hardship" in out and "scenario.yaml: fiscal.aid.hardship.amount_per_case" in out
    assert main(["budget", str(sample_path), "--explain", "pension:2028", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    trace = out[out.index("Budget trace"):]
    assert "Budget trace: Pensions and subsidies, 2028" in trace and not re.search(r"[\u4e00-\u9fff]", trace.split("\n")[0])
    assert "pension_groups.csv: disabled_l1" in trace


@pytest.mark.parametrize("arg,word", [("nope", "nope"), ("pension:2040", "2040"), ("pension:x", "pension:x")])
def test_bad_explain_is_refused_before_the_work(sample_path, capsys, arg, word) -> None:
    assert main(["budget", str(sample_path), "--explain", arg]) == 2
    out = capsys.readouterr()
    assert word in out.err + out.out and "财政负担测算" not in out.out


def test_explain_refuses_an_untraced_line(sample) -> None:
    with pytest.raises(FiscalError) as err:
        explain(sample, "si_continuation")
    assert "si_continuation" in err.value.user_message("en")


def test_workbook_has_the_trace_sheet(sample_path, tmp_path) -> None:
    out = tmp_path / "b.xlsx"
    assert main(["budget", str(sample_path), "--xlsx", str(out)]) == 0
    wb = load_workbook(out)
    assert "计算追溯" in wb.sheetnames
    rows = list(wb["计算追溯"].values)
    assert rows[0] == ("项目", "年度", "金额（元）", "计算步骤")
    titles = [r[3] for r in rows[1:] if str(r[3]).startswith("预算计算追溯")]
    assert len(titles) == 4 * 5  # four traced lines x five budget years
    assert any("2028 年" in t and "抚恤补助" in t for t in titles)


def test_trace_text_in_both_languages(sample) -> None:
    e = explain(sample, "site_costs", 2029)
    zh, en = trace_lines(e, "zh"), trace_lines(e, "en")
    assert len(zh) == len(en) and "5,972,867.00" in zh[1] and "5,972,867.00" in en[1]
    assert not any(re.search(r"[\u4e00-\u9fff]", s) for s in en)


def test_aid_from_the_simulated_caseload(sample) -> None:
    res = vetsim.simulate(sample, replications=2, seed=4)
    b = budget(sample, draws=0, caseload=res)
    e = explain(sample, "hardship", 2028, caseload=res, budget=b)
    cells = b.table[(b.table["year"] == 2028) & (b.table["line"] == "hardship")].set_index("tier")["value"]
    assert all(round(_by_hand(e)[t] * 100) == round(float(cells[t]) * 100) for t in TIERS)
    cases = res.cases[(res.cases["case_type"] == "hardship") & ~res.cases["from_backlog"].astype(bool)]
    assert e.parts[0].inputs["cases"].value == pytest.approx(len(cases) / 2 * 365 / res.meta["days"])
    assert "模拟的年度件数：情景" in "\n".join(trace_lines(e, "zh"))
