"""The one presence rule (vetsim/work/presence.py), checked by hand and against every caller (issue 24).

Truth: shares computed by hand from the sample county's data (``presence:`` in scenario.yaml and a
site's own ``away_share``); the network, the staffing estimate, the ledger fit's closed share and
the five-haves check must give the same per-site numbers, since they all call the rule.
"""

from __future__ import annotations

import os
import re
import tokenize
from pathlib import Path

import numpy as np
import pytest

from vetsim.scenario import load_scenario
from vetsim.tasks.five import five_haves
from vetsim.work.demand import derive_demand
from vetsim.work.network import compile_network
from vetsim.work.presence import (
    closed_share,
    level_presence,
    may_close,
    present_share,
    site_presence,
    unstaffed_share,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_county"


@pytest.fixture(scope="module")
def away_t01(tmp_path_factory):
    """The sample county with station T01 away half its days (a site's own away_share over its level's)."""
    folder = tmp_path_factory.mktemp("presence") / "t01_away"
    folder.mkdir()
    base = os.path.relpath(SAMPLE, folder)
    (folder / "scenario.yaml").write_text(
        f"base: {base}\nsite_updates:\n  - where: {{site_id: T01}}\n    set: {{away_share: 0.5}}\n", encoding="utf-8")
    return load_scenario(folder)


def test_the_rule_by_hand() -> None:
    assert float(unstaffed_share(0.2, 1, True)) == pytest.approx(0.2)
    assert float(unstaffed_share(0.2, 2, True)) == pytest.approx(0.04)
    assert float(unstaffed_share(0.2, 0, True)) == 1.0  # nobody posted: never staffed
    assert float(unstaffed_share(0.2, 2, False)) == 0.0  # a stand-in keeps the counter
    assert float(unstaffed_share(0.2, 0, False)) == 1.0
    got = unstaffed_share(np.array([0.1, 0.3]), np.array([[1], [3]]), True)  # broadcasts
    assert got == pytest.approx(np.array([[0.1, 0.3], [0.001, 0.027]]))
    assert float(present_share(0.2, 0.3)) == pytest.approx(0.8 * 0.7)


def test_level_shares_come_from_the_presence_section(sample) -> None:
    assert level_presence(sample, "township") == (0.2, 0.3, True)
    assert level_presence(sample, "village") == (0.1, 0.3, True)
    assert level_presence(sample, "county_center") == (0.1, 0.0, True)  # no other-duties share given


def test_a_site_share_wins_over_its_level_and_every_caller_agrees(away_t01) -> None:
    sc = away_t01
    ids = [s.site_id for s in sc.sites]
    i, j = ids.index("T01"), ids.index("T02")
    away, other, closed = site_presence(sc)
    assert (away[i], other[i], closed[i]) == (0.5, 0.3, True)
    assert (away[j], other[j], closed[j]) == (0.2, 0.3, True)
    net = compile_network(sc)
    assert (net.away, net.other, net.closed_when_away) == (away, other, closed)
    # the staffing estimate: a post's time for veterans' work, and the days nobody is there
    d = derive_demand(sc)
    assert d.present_share[i] == pytest.approx(0.5 * 0.7) and d.present_share[j] == pytest.approx(0.8 * 0.7)
    staff = np.asarray(net.staff)
    assert d.unstaffed_share(staff)[i] == pytest.approx(0.5 ** staff[i])
    # the ledger fit's starting point: the share of open days the station is closed
    shut = closed_share(net)
    assert shut["T01"] == pytest.approx(0.5 ** net.staff[i]) and shut["T02"] == pytest.approx(0.2 ** net.staff[j])
    assert may_close(net)[i]
    # five haves (有人员): nobody present on at most 10% of open days (task_status.csv)
    t01 = sc.site("T01")
    five = five_haves(sc).set_index("site_id")
    assert bool(five.loc["T01", "people"]) == (0.5 ** t01.staff <= 0.1)
    assert bool(five.loc["T02", "people"]) == (0.2 ** sc.site("T02").staff <= 0.1)
    assert not five.loc["T01", "people"]  # two posts each away half the days: nobody there a quarter of days


def _code_lines(path: Path) -> dict[int, str]:
    """The code of each line of ``path``: strings (docstrings, messages) and comments left out."""
    out: dict[int, str] = {}
    with path.open(encoding="utf-8") as f:
        for tok in tokenize.generate_tokens(f.readline):
            if tok.type not in (tokenize.STRING, tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE):
                out[tok.start[0]] = out.get(tok.start[0], "") + " " + tok.string
    return out


def test_the_rule_is_written_once() -> None:
    """No second copy: powers of an away share, and a site's away_share read, only in work/presence.py."""
    home = ROOT / "vetsim" / "work" / "presence.py"
    power = re.compile(r"away\w*\s*\*\*|\*\*\s*\(?\s*[\w.]*(staff|posts)\b")
    override = re.compile(r"\b(s|site|row)\s*\.\s*away_share\b")
    found = [f"{path.relative_to(ROOT)}:{n}: {code.strip()}"
             for path in (ROOT / "vetsim").rglob("*.py") if path != home
             for n, code in _code_lines(path).items() if power.search(code) or override.search(code)]
    assert not found, found
