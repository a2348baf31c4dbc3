"""Command-line output for people (issue 20, item 5): every table has a header row and its columns
line up by display width (a Chinese character takes two terminal columns), every command ends with a
line saying what its exit code means, a method is explained in one plain line the first time it is
named, and a Chinese run prints no English.

Widths are computed here with ``unicodedata`` directly, not with the formatter under test.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from vetsim.cli import main
from vetsim.tables import table, table_lines
from vetsim.wording import tr

ROOT = Path(__file__).resolve().parents[1]
COUNTY, PROPOSAL, CITY = (str(ROOT / "data" / n) for n in ("sample_county", "proposal_more_staff", "sample_city"))
RULE = re.compile(r"^\s*-+(\s+-+)*$")
CLOSING = {"zh": re.compile(r"^结果：.+（退出码 (\d+)）$"), "en": re.compile(r"^Result: .+ \(exit code (\d+)\)$")}
# Latin words a Chinese run may print: method names, file kinds, ids, units and paths
LATIN_OK = {"Erlang", "WISN", "Morris", "Sobol", "CSV", "PDF", "PNG", "HTML", "Excel", "ST", "CI", "P10", "P50", "P90",
            "debug", "vetsim", "csv", "xlsx", "pdf", "png", "html", "yaml", "problems", "staffing", "may_cut_funded_posts"}


def cols(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def starts(line: str, cells: list[str]) -> list[int]:
    """The display column at which each of ``cells`` starts in ``line`` (found left to right)."""
    out, pos = [], 0
    for cell in cells:
        i = line.index(cell, pos)
        out.append(cols(line[:i]))
        pos = i + len(cell)
    return out


def ends(line: str, cells: list[str]) -> list[int]:
    return [s + cols(c) for s, c in zip(starts(line, cells), cells)]


def test_cjk_cells_align_by_display_width() -> None:
    header = ["站点", "层级", "在编(后)", "约束"]
    rows = [["T01", "乡镇（街道）服务站", "1", "工作量（WISN，含利用率上限）"],
            ["T06V09", "村（社区）服务站", "12", "counter (Erlang)"],
            ["县中心", "County service center", "1,234", "—"]]
    lines = table_lines(header, rows)
    assert lines[0].split() == header and RULE.match(lines[1])
    left = [starts(line, [r[0], r[1], r[3]]) for line, r in zip(lines[2:], rows)]
    assert len({tuple(x) for x in left}) == 1, lines  # text columns start at the same display column
    right = {ends(line, r[:3])[2] for line, r in zip(lines[2:], rows)}
    assert right == {ends(lines[0], header[:3])[2]}, lines  # numbers (and their header) end at the same column
    dashes = [m.start() for m in re.finditer(r"-+", lines[1])]
    assert dashes == starts(lines[0], header), lines  # the rule's runs start under each header


def test_a_table_padded_by_len_would_fail() -> None:
    """The check above can fail: ``str.ljust`` pads by characters, so a Chinese cell shifts the next column."""
    rows = [["乡镇（街道）服务站", "x"], ["Village", "y"]]
    width = max(len(r[0]) for r in rows)
    naive = [f"{r[0].ljust(width)}  {r[1]}" for r in rows]
    assert len({starts(line, [r[1]])[0] for line, r in zip(naive, rows)}) == 2
    good = table(["a", "b"], rows).splitlines()[2:]
    assert len({starts(line, [r[1]])[0] for line, r in zip(good, rows)}) == 1


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def check(code: int, out: str, err: str, lang: str = "zh", tables: int = 1) -> list[str]:
    """The closing line is last and names ``code``; at least ``tables`` header rows (a line with a
    rule under it); a Chinese run prints no English. Returns the lines of stdout."""
    lines = out.rstrip("\n").splitlines()
    last = (err if code >= 2 else out).rstrip("\n").splitlines()[-1]
    m = CLOSING[lang].match(last)
    assert m and int(m.group(1)) == code, f"closing line {last!r} for exit code {code}"
    headers = [i for i in range(1, len(lines)) if RULE.match(lines[i]) and lines[i - 1].strip()]
    assert len(headers) >= tables, out
    if lang == "zh":
        words = set(re.findall(r"(?<![\w./-])[A-Za-z][A-Za-z_]{2,}(?![\w/])", _without_paths(out + err)))
        assert words <= LATIN_OK, f"English on a Chinese run: {sorted(words - LATIN_OK)}"
    return lines


def test_the_english_check_can_fail() -> None:
    with pytest.raises(AssertionError, match="English on a Chinese run"):
        check(0, "站点  results\n----  -------\n结果：顺利完成（退出码 0）\n", "")


def _without_paths(text: str) -> str:
    return re.sub(r"\S*/\S*|\S+\.(yaml|csv|xlsx|pdf|png|html)\b", " ", text)


def test_validate_and_show(capsys) -> None:
    code, out, err = run(capsys, "validate", COUNTY)
    check(code, out, err, tables=0)
    assert code == 0 and out.splitlines()[-1] == tr("cli.closing", "zh", text=tr("cli.closing.valid", "zh"), code=0)
    code, out, err = run(capsys, "show", COUNTY)
    check(code, out, err, tables=2)
    code, out, err = run(capsys, "show", COUNTY, "--lang", "en")
    lines = check(code, out, err, "en", tables=2)
    assert any(line.startswith("Level") for line in lines)


def test_refused_input_ends_with_exit_code_2(capsys) -> None:
    code, out, err = run(capsys, "validate", str(ROOT / "data" / "no_such_county"))
    check(code, out, err, tables=0)
    assert code == 2 and "退出码 2" in err.splitlines()[-1]
    code, out, err = run(capsys, "show", COUNTY, "--colour")
    assert code == 2 and CLOSING["zh"].match(err.rstrip().splitlines()[-1])


def test_staff_explains_erlang_and_wisn_once(capsys) -> None:
    code, out, err = run(capsys, "staff", COUNTY, "--no-confirm")
    lines = check(code, out, err, tables=2)
    for method in ("erlang", "wisn"):
        note = tr("cli.method_note", "zh", name=tr(f"method.{method}.name", "zh"), text=tr(f"method.{method}.explain", "zh"))
        assert lines.count(note) == 1, method
    first_erlang = next(i for i, line in enumerate(lines) if "Erlang" in line)
    assert lines.index(next(x for x in lines if x.startswith("  注：Erlang"))) > first_erlang


def test_staff_falls_short_says_why(capsys) -> None:
    code, out, err = run(capsys, "staff", COUNTY, "--headcount", "240", "--replications", "1", "--max-rounds", "1")
    check(code, out, err, tables=1)
    assert code == 1 and "未通过确认" in out.splitlines()[-1]  # README: 240 posts are too few


def test_budget_with_draws_explains_monte_carlo(capsys) -> None:
    code, out, err = run(capsys, "budget", COUNTY, "--draws", "20")
    lines = check(code, out, err, tables=2)
    assert code == 0 and sum(line.startswith("  注：蒙特卡洛") for line in lines) == 1


def test_simulate_and_calibrate(capsys) -> None:
    code, out, err = run(capsys, "simulate", COUNTY, "--replications", "1")
    check(code, out, err, tables=3)
    assert "simulating" not in err and "rep/s" not in err  # the progress bar speaks Chinese too
    code, out, err = run(capsys, "calibrate", COUNTY, "--replications", "2")
    lines = check(code, out, err, tables=1)
    outside = sum(line.rstrip().endswith(tr("sim.outside", "zh")) for line in lines)
    assert code == (1 if outside else 0)
    if outside:
        assert lines[-1] == tr("cli.closing", "zh", code=1,
                               text=tr("sim.closing.calibration_outside", "zh", miss=outside, n=6))


def test_calibrate_in_english(capsys) -> None:
    code, out, err = run(capsys, "calibrate", COUNTY, "--replications", "2", "--lang", "en")
    check(code, out, err, "en", tables=1)


def test_sensitivity_explains_morris(capsys) -> None:
    code, out, err = run(capsys, "sensitivity", COUNTY, "--fiscal-only", "--samples", "4")
    lines = check(code, out, err, tables=0)
    assert sum(line.startswith("  注：Morris") for line in lines) == 1


def test_region_commands(capsys) -> None:
    code, out, err = run(capsys, "region", "validate", CITY)
    check(code, out, err, tables=1)
    code, out, err = run(capsys, "region", "allocate", CITY, "--posts", "3", "--replications", "0")
    lines = check(code, out, err, tables=1)
    assert sum(line.startswith("  注：WISN") for line in lines) == 1


def test_tasks(capsys) -> None:
    code, out, err = run(capsys, "tasks", COUNTY, "--replications", "1", "--quiet")
    check(code, out, err, tables=1)


def test_report(capsys, tmp_path) -> None:
    code, out, err = run(capsys, "report", COUNTY, "--replications", "1", "--draws", "0", "--quiet",
                         "--out", str(tmp_path / "brief.html"))
    check(code, out, err, tables=0)


def test_ledger_import(capsys, tmp_path, monkeypatch) -> None:
    from vetsim import load_scenario
    from vetsim.ledger import render_ledger, synthetic_records

    monkeypatch.setenv("VETSIM_KEY", str(tmp_path / "key" / "ledger.key"))
    sc = load_scenario(COUNTY)
    (tmp_path / "ledger").mkdir()  # the key must not lie in the ledger's folder (issue 21)
    r = render_ledger(synthetic_records(sc, "visits", 40, 1), sc, "visits", 2, tmp_path / "ledger" / "visits.xlsx")
    code, out, err = run(capsys, "ledger", "import", str(r.path), "--scenario", COUNTY, "--out", str(tmp_path / "o"))
    lines = check(code, out, err, tables=1)
    assert code == 0 and "已导入" in lines[-1]
