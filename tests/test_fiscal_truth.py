"""Vectorised results against a plain month-by-month loop using ``DatedParam.at`` (independent truth)."""

from __future__ import annotations

import datetime as dt

import pytest

from vetsim.fiscal import FiscalError, budget


def _month_days(first: str, last: str):
    y, m = map(int, first.split("-"))
    y2, m2 = map(int, last.split("-"))
    while (y, m) <= (y2, m2):
        yield dt.date(y, m, 1)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def test_every_applicant_against_a_month_loop(sample) -> None:
    f = sample.spec.fiscal
    p = f.parameters
    si = f.si_continuation
    got = budget(sample).si_people.set_index("person_id")
    for r in sample.table("si_applicants.csv"):
        gov = ind = 0.0
        for day in _month_days(r.interrupted_from, r.interrupted_to):
            base = p["si_base_share"].at(day) * p["local_average_wage"].at(dt.date(day.year, 1, 1)) / 12
            gov += base * (p["si_unit_pension_rate"].at(day) + p["si_unit_medical_rate"].at(day))
            ind += base * (p["si_individual_pension_rate"].at(day) + p["si_individual_medical_rate"].at(day))
        ok = r.placement in si.eligible_placements and r.status != "ineligible"
        w = (si.pending_pass_rate.value if r.status == "pending" else 1.0) if ok else 0.0
        assert got.loc[r.person_id, "government_yuan"] == pytest.approx(gov * w, abs=1e-6), r.person_id
        assert got.loc[r.person_id, "individual_yuan"] == pytest.approx(ind * w, abs=1e-6), r.person_id


def test_pensions_against_a_month_loop(sample) -> None:
    f = sample.spec.fiscal
    b = budget(sample)
    units = {"yuan/year": 1 / 12, "yuan/month": 1.0}
    for k, year in enumerate(b.years[:2]):
        want_total = want_central = 0.0
        for g in sample.table("pension_groups.csv"):
            heads = g.count * (1 - g.exit_rate + g.entry_rate) ** k
            std_p = f.parameters[g.standard]
            last = max(std_p.values)
            for m in range(1, 13):
                day = dt.date(year, m, 1)
                rises = sum(1 for y in range(last.year, year + 1) if last < dt.date(y, 8, 1) <= day)
                std = std_p.at(day) * units[std_p.unit] * (1 + f.pensions.rise_after_last.value) ** rises
                want_total += heads * std
                if g.central_subsidy:
                    sub_p = f.parameters[g.central_subsidy]
                    want_central += heads * min(sub_p.at(day) * units[sub_p.unit], std)
                elif g.funding == "pension_central":
                    want_central += heads * std
        t = b.table.set_index(["year", "line", "tier"])["value"]
        got_total = sum(t[(year, "pension", x)] for x in ("central", "province", "city", "county"))
        assert got_total == pytest.approx(want_total, abs=0.006)
        assert t[(year, "pension", "central")] == pytest.approx(want_central, abs=0.006)


@pytest.mark.parametrize("bad", [-1, 2.5, "10", True])
def test_bad_draws(sample, bad) -> None:
    with pytest.raises(FiscalError) as info:
        budget(sample, draws=bad)
    assert "draws" in info.value.user_message("en") and "模拟次数" in info.value.user_message("zh")


def test_bad_caseload(sample) -> None:
    with pytest.raises(FiscalError, match="Results"):
        budget(sample, caseload=object())
