"""No KPI may look better when service gets worse (docs/DOMAIN.md §4; vetsim.kpis).

The sample county is run as it is, with every township station unstaffed, and with every site's
staff halved (same seed). Every KPI that has a better direction must not improve, at any level,
and every KPI whose target fails must be judged failed (red) in the brief's table.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from vetsim import load_scenario, simulate
from vetsim.brief.kpis import kpi_table
from vetsim.kpis import KPIS

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"


@pytest.fixture(scope="module")
def runs():
    sc = load_scenario(SAMPLE)
    unstaffed = sc.with_site_changes({s.site_id: {"funded_staff": 0, "parttime_staff": 0} for s in sc.sites_at("township")})
    halved = sc.with_site_changes({s.site_id: {"funded_staff": s.funded_staff // 2, "parttime_staff": s.parttime_staff // 2}
                                   for s in sc.sites})
    return sc, {name: simulate(x, replications=1, seed=11) for name, x in
                (("baseline", sc), ("unstaffed", unstaffed), ("halved", halved))}


def _value(res, metric, level):
    try:
        return res.kpi(metric, level)
    except KeyError:
        return None


@pytest.mark.parametrize("bad", ["unstaffed", "halved"])
def test_no_kpi_improves_when_service_collapses(runs, bad) -> None:
    _, res = runs
    worse = []
    for metric, k in KPIS.items():
        if k.direction is None or metric in ("cases_finished",):
            continue
        for level in ("all", "village", "township", "county_center"):
            b, x = _value(res["baseline"], metric, level), _value(res[bad], metric, level)
            if b is None or math.isnan(b):
                continue
            if x is None or math.isnan(x):
                continue  # no value at all where there was one: judged failed (see the next test)
            slack = 1e-9 + (0.01 * abs(b) if level != "township" else 0.0)  # other levels: only noise moves
            if not (k.direction == "higher" and x <= b + slack or k.direction == "lower" and x >= b - slack):
                worse.append((metric, level, b, x))
    assert not worse, f"KPIs that improved when service got worse: {worse}"


@pytest.mark.parametrize("bad", ["unstaffed", "halved"])
def test_failed_targets_are_red_in_the_brief(runs, bad) -> None:
    sc, res = runs
    table = kpi_table(res["baseline"], sc.spec.targets, proposal=res[bad]).set_index("key")
    # every judged KPI of the collapsed run that misses its target is False (red), never None (grey)
    judged = table[table["direction"].notna()]
    for key, row in judged.iterrows():
        if row["proposal_ok"] is None:
            assert row["proposal"] is None and row["proposal_text"] in ("", "—") and key == "petition_zero", key
    for key in ("one_trip", "on_time", "finish_rate", "wasted_trip", "duty_township", "pressure_township",
                "service_level"):
        assert table.loc[key, "proposal_ok"] is False or table.loc[key, "proposal_ok"] == False, key  # noqa: E712
    if bad == "unstaffed":
        assert table.loc["wait_township", "proposal_ok"] == False  # noqa: E712 -- nobody there: not met


@pytest.mark.parametrize("bad", ["unstaffed", "halved"])
def test_headlines_and_dashboard_cards_say_red_too(runs, bad) -> None:
    """The headline sentences and the meeting dashboard's cards restate the same judgement (one KPI table)."""
    import re
    import types

    from vetsim.brief.sentences import headlines
    from vetsim.ui.dashboard import CARD_KEYS, MeetingDashboard

    sc, res = runs
    table = kpi_table(res["baseline"], sc.spec.targets, proposal=res[bad])
    missed = table[table["proposal_ok"] == False]  # noqa: E712
    for line in headlines(table, "zh", limit=len(table)):
        for label in missed["label"]:
            subject = re.sub(r"[（(][^）)]*[）)]$", "", label)
            if line.startswith(subject) and "目标" in line:
                assert "未达到目标" in line, line
    fake = types.SimpleNamespace(t=lambda zh, en: zh, lang="zh")
    cards = MeetingDashboard._cards_html(fake, table)
    for key in CARD_KEYS:
        row = table.set_index("key").loc[key] if key in set(table["key"]) else None
        if row is not None and row["proposal_ok"] is False:
            assert re.search(rf'kpi-{key}"><div class="t">[^<]*</div><div class="v bad">', cards), key
