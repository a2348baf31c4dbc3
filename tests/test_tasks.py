"""Key-task progress table (重点工作推进表): validation, projection against hand-computed runs, the status rule,
five haves, the Excel 推进表 round trip, snapshots, and ``vetsim tasks`` in the terminal.

Projections are checked on hand-made results (known finish days per run), so each expected share and date
is computed by hand; the real pipeline is checked in ``tests/test_tasks_acceptance.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import vetsim
from vetsim.cli import main
from vetsim.errors import ScenarioError
from vetsim.files import OutputPathError
from vetsim.tasks import (
    changes_since_last,
    five_haves,
    five_haves_share,
    project,
    read_tasks_excel,
    save_snapshot,
    task_board,
    write_tasks_excel,
)
from vetsim.tasks.five import staffed_nobody_share
from vetsim.tasks.status import TasksError

START = dt.date(2027, 1, 1)
HEADER = ("task,category_zh,category_en,task_zh,task_en,owner_unit,owner_person,start,deadline,measure,ref,level,"
          "target,unit,current,current_date,notes,source")


def _task(sample, task_id: str, **changes):
    t = next(t for t in sample.table("tasks.csv") if t.task == task_id)
    return t.model_copy(update=changes)


def _with_tasks(sample, tasks) -> vetsim.Scenario:
    extra = tuple((n, tuple(tasks) if n == "tasks.csv" else rows) for n, rows in sample.extra_tables)
    return vetsim.Scenario(sample.spec, sample.sites, sample.caseload, sample.backlog, extra, sample.path)


def _backlog_results(finish_days: list[list[float]]) -> SimpleNamespace:
    """Results holding only backlog petitions: run r's cases finish on ``finish_days[r]`` (NaN: still open)."""
    rows = [{"replication": r, "case_type": "petition", "from_backlog": True, "finish_day": d}
            for r, days in enumerate(finish_days) for d in days]
    cases = pd.DataFrame(rows)
    cases["case_type"] = cases["case_type"].astype("category")
    per = pd.DataFrame({"replication": range(len(finish_days)), "metric": "petition_backlog_zero_day", "level": "all",
                        "case_type": "all", "value": np.nan})
    return SimpleNamespace(cases=cases, per_replication=per, work=None, meta={"seed": 1, "replications": len(finish_days)})


# ---- validation -------------------------------------------------------------------------------------

def test_sample_county_has_a_realistic_task_list(sample):
    tasks = sample.table("tasks.csv")
    assert 10 <= len(tasks) <= 15
    measures = {t.measure for t in tasks}
    assert measures == {"kpi", "campaign", "duty", "backlog", "five_haves", "manual"}
    assert all(t.source.strip() for t in tasks)
    assert sample.hash() == vetsim.load_scenario(sample.path).hash()


def test_task_tables_are_not_part_of_the_scenario_hash(sample):
    # editing the progress table (monthly) keeps the simulation cache valid: no model reads it
    assert _with_tasks(sample, sample.table("tasks.csv")[:2]).hash() == sample.hash()


def test_invalid_task_rows_are_all_reported_with_file_row_and_column(sample_path, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(sample_path, folder)
    bad = [
        "k1,服务,Service,未知指标,Unknown KPI,中心,主任,2027-01-01,2027-12-31,kpi,queue_length,all,0.9,share,,,,assumption",
        "k2,服务,Service,日期颠倒,Backwards,中心,主任,2027-06-01,2027-03-31,manual,,,10,person,,,,assumption",
        "k3,服务,Service,单位不符,Wrong unit,中心,主任,2027-01-01,2027-12-31,kpi,wait_mean_min,township,0.3,share,,,,assumption",
        "k4,服务,Service,积案单位,Backlog unit,科,科长,2027-01-01,2027-09-30,backlog,petition,,0.5,share,,,,assumption",
        "k5,服务,Service,无此专项,No campaign,科,科长,2027-01-01,2027-09-30,campaign,nope,,1,share,,,,assumption",
        "k6,服务,Service,无此业务,No case type,科,科长,2027-01-01,2027-06-30,backlog,parking,,0,case,,,,assumption",
    ]
    with open(folder / "tasks.csv", "a", encoding="utf-8") as fh:
        fh.write("\n".join(bad) + "\n")
    with pytest.raises(ScenarioError) as exc:
        vetsim.load_scenario(folder)
    found = {(p.where_en, p.message_en) for p in exc.value.problems}
    text = "\n".join(f"{p.file} {p.where_en}: {p.message_en}" for p in exc.value.problems)
    assert len(exc.value.problems) == 6, text
    assert all(p.file.endswith("tasks.csv") for p in exc.value.problems)
    assert any(w == "row 15, column ref" and m.startswith("unknown KPI 'queue_length'") for w, m in found)
    assert any(w == "row 16, column deadline" and "before start" in m for w, m in found)
    assert any(w == "row 17, column unit" and "KPI wait_mean_min is in minute" in m for w, m in found)
    assert any(w == "row 18, column unit" for w, _m in found)
    assert any(w == "row 19, column ref" for w, _m in found)
    assert any(w == "row 20, column ref" and "unknown case type 'parking'" in m for w, m in found)
    zh = exc.value.user_message("zh")
    assert "第15行 ref 列" in zh and "未知的指标" in zh


def test_unknown_columns_and_missing_thresholds_are_refused(sample_path, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(sample_path, folder)
    (folder / "task_status.csv").unlink()
    text = (folder / "tasks.csv").read_text(encoding="utf-8").splitlines()
    (folder / "tasks.csv").write_text("\n".join([text[0] + ",colour", *(r + ",red" for r in text[1:3])]) + "\n",
                                      encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        vetsim.load_scenario(folder)
    msgs = [p.message_en for p in exc.value.problems]
    assert any("unknown key 'colour'" in m for m in msgs)
    assert any("needs the status thresholds in task_status.csv" in m for m in msgs)


def test_thresholds_must_be_ordered(sample_path, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(sample_path, folder)
    p = folder / "task_status.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("at_risk_share,0.5,", "at_risk_share,0.9,"), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        vetsim.load_scenario(folder)
    assert [x.where_en for x in exc.value.problems] == ["row 3, column value"]


# ---- projection against hand-computed runs -----------------------------------------------------------

def test_backlog_projection_by_hand(sample):
    # 3 runs of 4 backlog cases; the deadline 2027-01-11 is day 10
    runs = [[2, 5, 9, 12], [1, 3, 4, 6], [8, 20, np.nan, 3]]
    res = _backlog_results(runs)
    zero = _task(sample, "petition_backlog", target=0, deadline=dt.date(2027, 1, 11))
    p = project(zero, res, START)
    assert p.runs == 3 and p.met_share == pytest.approx(1 / 3)  # only run 2 clears all by day 10
    assert p.value == pytest.approx((1 + 0 + 2) / 3)  # cases left at the end of day 10
    assert p.reached == 2 and p.expected == START + dt.timedelta(days=9)  # mean of days 12 and 6
    one = _task(sample, "petition_backlog", target=1, deadline=dt.date(2027, 1, 11))
    q = project(one, res, START)
    assert q.met_share == pytest.approx(2 / 3)  # run 1: day 9, run 2: day 4, run 3: day 20
    assert q.reached == 3 and q.expected == START + dt.timedelta(days=11)  # (9 + 4 + 20) / 3
    assert q.expected_low < q.expected < q.expected_high


def test_completion_interval_is_cut_to_the_simulated_window(sample):
    # 2 runs clear on days 2 and 300: Student's t (12.7 x 149) would reach back before the start and past
    # the end of a 365-day window; the mean of days reached inside the window lies in it
    res = _backlog_results([[1, 2], [299, 300]])
    res.meta["days"] = 365
    p = project(_task(sample, "petition_backlog", target=0, deadline=dt.date(2027, 12, 31)), res, START)
    assert p.reached == 2 and p.expected == START + dt.timedelta(days=151)
    assert p.expected_low == START and p.expected_high == START + dt.timedelta(days=365)


def test_backlog_target_zero_is_the_kpi_zero_day(sample):
    from vetsim.cache import simulate_cached

    res = simulate_cached(sample, replications=2, seed=sample.spec.seed)
    per = res.per_replication
    zero_days = per[per["metric"] == "petition_backlog_zero_day"].sort_values("replication")["value"].to_numpy()
    t = _task(sample, "petition_backlog", target=0)
    p = project(t, res, sample.spec.simulation.start_date)
    reached = zero_days[~np.isnan(zero_days)]
    assert p.reached == len(reached)
    if len(reached):
        assert p.expected == START + dt.timedelta(days=int(round(reached.mean())))
    deadline = (t.deadline - START).days
    assert p.met_share == pytest.approx(np.mean([not np.isnan(z) and z <= deadline for z in zero_days]))


def test_campaign_projection_by_hand(sample):
    work = pd.DataFrame({
        "replication": [0, 0, 1, 1], "site_id": ["T01", "T02"] * 2, "level": "township", "item": "si_rescreen",
        "kind": "campaign", "release_day": 120, "due_day": 303, "owed_min": [600.0, 400.0, 600.0, 400.0],
        "done_by_due_min": [600.0, 400.0, 600.0, 200.0], "done_min": [600.0, 400.0, 600.0, 200.0],
        "done_day": [200.0, 250.0, 210.0, np.nan]})
    res = SimpleNamespace(work=work, cases=None, per_replication=work.assign(metric="x", value=0.0)[["replication"]])
    t = _task(sample, "si_rescreen")
    p = project(t, res, START)
    assert p.met_share == 0.5 and p.value == pytest.approx((1.0 + 0.8) / 2)
    assert p.reached == 1 and p.expected == START + dt.timedelta(days=250)  # the last site finishes the campaign


# ---- the status rule -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("runs", "as_of", "status"), [
    ([[1, 2, 3, 4]] * 5, "2027-01-05", "on_track"),  # 5 of 5 runs: >= 0.8
    ([[1, 2, 3, 4]] * 3 + [[1, 2, 3, 40]] * 2, "2027-01-05", "at_risk"),  # 3 of 5 = 0.6: >= 0.5, < 0.8
    ([[1, 2, 3, 4]] * 2 + [[1, 2, 3, 40]] * 3, "2027-01-05", "late"),  # 2 of 5 = 0.4 < 0.5
    ([[1, 2, 3, 4]] * 5, "2027-02-01", "done"),  # deadline passed, the runs met it
    ([[1, 2, 3, 4]] * 3 + [[1, 2, 3, 40]] * 2, "2027-02-01", "late"),  # deadline passed, no longer "at risk"
])
def test_status_from_the_share_of_runs(sample, runs, as_of, status):
    t = _task(sample, "petition_backlog", target=0, deadline=dt.date(2027, 1, 11), current=None, current_date=None)
    board = task_board(_with_tasks(sample, [t]), _backlog_results(runs), dt.date.fromisoformat(as_of))
    assert [r.status for r in board.rows] == [status]


@pytest.mark.parametrize(("current", "status"), [(120, "on_track"), (100, "at_risk"), (60, "late"), (225, "done")])
def test_status_from_reported_progress(sample, current, status):
    # 2027-03-01 .. 2027-12-31 (305 days); reported on 2027-08-01 (153 days in): 50.2% of the time elapsed
    t = _task(sample, "si_register", current=current, current_date=dt.date(2027, 8, 1))
    board = task_board(_with_tasks(sample, [t]), None, dt.date(2027, 8, 1))
    # progress / elapsed: 120/225/0.502 = 1.06 >= 0.9; 100/225/0.502 = 0.89 in [0.7, 0.9); 60/225/0.502 = 0.53 < 0.7
    assert [r.status for r in board.rows] == [status]


def test_deadline_outside_the_simulated_window_is_not_judged_by_the_model(sample):
    t = _task(sample, "petition_backlog", target=0, deadline=dt.date(2028, 3, 31), current=None, current_date=None)
    board = task_board(_with_tasks(sample, [t]), _backlog_results([[1, 2, 3, 4]] * 5), dt.date(2027, 6, 30))
    row = board.rows[0]
    assert row.projection is None and row.status == "at_risk"  # started, nothing reported, the runs cannot say
    assert row.why[0][0] == "tasks.why.outside_window"


def test_unreported_task_and_model_task_without_results(sample):
    t = _task(sample, "si_register", current=None, current_date=None)
    sc = _with_tasks(sample, [t])
    assert task_board(sc, None, dt.date(2027, 2, 1)).rows[0].status == "on_track"  # not started
    assert task_board(sc, None, dt.date(2027, 6, 1)).rows[0].status == "at_risk"  # started, nothing reported
    assert task_board(sc, None, dt.date(2028, 1, 2)).rows[0].status == "late"  # past the deadline
    with pytest.raises(TasksError):
        task_board(_with_tasks(sample, [_task(sample, "one_trip")]), None, dt.date(2027, 6, 1))


def test_board_is_sorted_worst_first(sample):
    board = task_board(_with_tasks(sample, [_task(sample, "si_register", current=225),
                                            _task(sample, "training")]), None, dt.date(2027, 6, 30))
    assert [r.status for r in board.rows] == ["late", "done"]  # training: 25% done, 44% due -> 0.57 < 0.7
    assert [r.seq for r in board.rows] == [2, 1]


# ---- five haves -----------------------------------------------------------------------------------------

def test_five_haves_by_hand(sample):
    table = five_haves(sample)
    town = table[table["level"] == "township"]
    assert town["all"].all()  # 1 funded + 1 part-time; nobody there on 0.2 x 0.2 = 4% of days <= 10%
    village = table[table["level"] == "village"]
    # the stated rule (task_status.csv staffed_nobody_share = 0.1): one part-time post away 10% of days is staffed
    assert staffed_nobody_share(sample) == pytest.approx(0.1)
    assert village["people"].all()
    assert village["post"].all() and village["funding"].all() and village["organisation"].all()
    assert five_haves_share(table, "all", "village") == 1.0
    # ... a village whose only person is away 11% of days, or a plaque with nobody posted, is not
    v1, v2 = village["site_id"].iloc[0], village["site_id"].iloc[1]
    off = five_haves(sample.with_site_changes({v1: {"away_share": 0.11}, v2: {"parttime_staff": 0, "funded_staff": 0}}))
    assert not off.set_index("site_id").loc[v1, "people"] and not off.set_index("site_id").loc[v2, "people"]
    assert five_haves_share(off, "people", "village") == pytest.approx(198 / 200)
    fewer = sample.with_site_changes({"T01": {"funded_staff": 0, "parttime_staff": 2}, "T02": {"parttime_staff": 0}})
    t2 = five_haves(fewer).set_index("site_id")
    assert not t2.loc["T01", "post"] and t2.loc["T01", "people"]  # no approved post (staffing.min_funded_posts)
    assert t2.loc["T02", "post"] and not t2.loc["T02", "people"]  # 1 person away 20% of days
    assert five_haves_share(five_haves(fewer), "all", "township") == pytest.approx(13 / 15)


# ---- Excel ----------------------------------------------------------------------------------------------

def test_excel_round_trip_and_layout(sample, sample_path, tmp_path):
    t = _task(sample, "si_register", notes="=HYPERLINK(\"http://x\")")
    tasks = [t if x.task == "si_register" else x for x in sample.table("tasks.csv") if x.measure not in
             ("kpi", "campaign", "duty", "backlog")]
    sc = _with_tasks(sample, tasks)
    board = task_board(sc, None, dt.date(2027, 6, 30))
    out = write_tasks_excel(board, tmp_path / "推进表.xlsx")
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_umask()
    assert read_tasks_excel(out) == tuple(tasks)  # same tasks, same order
    ws = load_workbook(out).active
    assert "重点工作推进表（截至 2027-06-30）" in ws["A1"].value
    heads = [c.value for c in ws[3]]
    assert heads[:7] == ["序号", "重点工作", "具体任务", "责任单位", "责任人", "开始日期", "完成时限"]
    col = heads.index("推进情况") + 1
    fills = {ws.cell(row=r, column=col).value: ws.cell(row=r, column=col).fill.fgColor.rgb for r in range(4, ws.max_row + 1)}
    assert fills["有风险"].endswith("FFEB9C") and fills["已完成"].endswith("C6EFCE")
    notes = ws.cell(row=3 + [x.task for x in tasks].index("si_register") + 1, column=heads.index("备注") + 1)
    assert notes.data_type == "s" and notes.value.startswith("=")  # text, not a formula
    # the same file in a scenario folder, instead of tasks.csv, gives the same tasks
    folder = tmp_path / "xl"
    shutil.copytree(sample_path, folder)
    (folder / "tasks.csv").unlink()
    shutil.copy(out, folder / "tasks.xlsx")
    assert vetsim.load_scenario(folder).table("tasks.csv") == tuple(tasks)
    with pytest.raises(OutputPathError):
        write_tasks_excel(board, sample_path / "tasks-out.xlsx")  # never into a scenario folder


def test_excel_sheet_problems_name_sheet_row_and_column(sample, tmp_path):
    board = task_board(_with_tasks(sample, [_task(sample, "si_register")]), None, dt.date(2027, 6, 30))
    out = write_tasks_excel(board, tmp_path / "t.xlsx")
    wb = load_workbook(out)
    ws = wb.active
    heads = [c.value for c in ws[3]]
    ws.cell(row=4, column=heads.index("完成时限") + 1).value = "2026-01-01"
    ws.cell(row=4, column=heads.index("衡量方式") + 1).value = "guess"
    wb.save(out)
    with pytest.raises(ScenarioError) as exc:
        read_tasks_excel(out)
    where = sorted(p.where_zh for p in exc.value.problems)
    assert where == ["工作表“重点工作推进表”第4行 deadline 列", "工作表“重点工作推进表”第4行 measure 列"]


# ---- snapshots ------------------------------------------------------------------------------------------

def test_snapshots_show_the_change_since_the_last(sample, sample_path, tmp_path):
    def board(current: float, day: str):
        t = _task(sample, "si_register", current=current, current_date=dt.date.fromisoformat(day))
        return task_board(_with_tasks(sample, [t, _task(sample, "training")]), None, dt.date.fromisoformat(day))

    hist = tmp_path / "history"
    first = board(60, "2027-06-30")  # late
    assert changes_since_last(first, hist) == ({}, None)
    saved = save_snapshot(first, hist)
    assert saved.name == "tasks-2027-06-30.json" and saved.parent == hist
    second = board(150, "2027-07-31")  # on track
    arrows, since = changes_since_last(second, hist)
    assert since == dt.date(2027, 6, 30)
    assert arrows == {"si_register": "↑", "training": "→"}
    assert changes_since_last(first, hist) == ({}, None)  # only earlier snapshots count
    with pytest.raises(OutputPathError):
        save_snapshot(first, sample_path)  # never into a scenario folder
    with pytest.raises(OutputPathError):
        save_snapshot(first, sample_path / "history")


def test_default_history_folder_is_outside_the_scenario(sample, monkeypatch, tmp_path):
    from vetsim.tasks import default_history_dir

    monkeypatch.setenv("VETSIM_TASK_HISTORY", str(tmp_path / "h"))
    d = default_history_dir(sample)
    assert d.parent == tmp_path / "h" and sample.path not in d.parents
    monkeypatch.delenv("VETSIM_TASK_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_history_dir(sample).parent == tmp_path / "xdg" / "vetsim" / "task_history"


# ---- terminal -------------------------------------------------------------------------------------------

def test_cli_prints_the_table_in_chinese_and_english(sample_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VETSIM_TASK_HISTORY", str(tmp_path / "h"))
    args = ["tasks", str(sample_path), "--as-of", "2027-06-30", "--replications", "2", "--quiet"]
    assert main([*args, "--snapshot", "--excel", str(tmp_path / "t.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "示例县（基线） 重点工作推进表（截至 2027-06-30）" in out
    for word in ("推进情况", "责任单位", "完成时限", "按期达成概率", "信访积案", "（模拟 2 次）", "推进表已导出", "快照已保存"):
        assert word in out
    assert (tmp_path / "t.xlsx").is_file() and len(list((tmp_path / "h").rglob("tasks-2027-06-30.json"))) == 1
    assert main([*args[:3], "2027-07-31", *args[4:], "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "key-task progress table (as of 2027-07-31)" in out and "Status" in out and "Since last" in out
    assert "→" in out and "since the snapshot of 2027-06-30" in out
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in out.split("Status")[1].split("\n")[0])  # English headers


def test_cli_refuses_a_bad_date(sample_path, capsys):
    assert main(["tasks", str(sample_path), "--as-of", "30/06/2027"]) == 2
    assert "应写作 YYYY-MM-DD" in capsys.readouterr().err


def test_scenario_without_tasks_is_a_clear_error(sample_path, tmp_path, capsys):
    folder = tmp_path / "none"
    shutil.copytree(sample_path, folder)
    (folder / "tasks.csv").unlink()
    assert main(["tasks", str(folder), "--quiet"]) == 2
    assert "没有重点工作表" in capsys.readouterr().err


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


# ---- the brief's second page ------------------------------------------------------------------------------

@pytest.mark.filterwarnings("error:Glyph:UserWarning")
def test_brief_pdf_has_the_task_table_as_page_two(sample, proposal, tmp_path):
    import sys

    import pypdf

    from vetsim.brief import BriefInputs, make_brief
    from vetsim.work import site_costs

    sys.path.insert(0, str(Path(__file__).parent))
    from charts_fakes import fake_budget, fake_pair

    base, prop = fake_pair(sample, proposal)
    tasks = [t for t in sample.table("tasks.csv") if t.measure in ("manual", "five_haves")]
    board = task_board(_with_tasks(sample, tasks), None, dt.date(2027, 6, 30))
    inputs = BriefInputs(sample, base, site_costs(sample), fake_budget(proposal), proposal, prop, site_costs(proposal),
                         tasks=board)
    brief = make_brief(inputs, "zh")
    reader = pypdf.PdfReader(brief.save(tmp_path / "brief.pdf"))
    assert len(reader.pages) == 2
    text = reader.pages[1].extract_text()
    for word in ("重点工作推进表（截至 2027-06-30）", "推进情况", "退役军人技能培训", "滞后", "已完成", "责任单位"):
        assert word in text, word
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["brief.pdf"]
    brief.save(tmp_path / "brief.png")  # one page per PNG: the task page is a second file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief-tasks.png", "brief.pdf", "brief.png"]


def test_a_broken_tasks_xlsx_is_a_clear_error(sample_path, tmp_path):
    folder = tmp_path / "xl"
    shutil.copytree(sample_path, folder)
    (folder / "tasks.csv").unlink()
    (folder / "tasks.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ScenarioError) as exc:
        vetsim.load_scenario(folder)
    assert [p.file for p in exc.value.problems] == ["xl/tasks.xlsx"]
    assert "cannot read the Excel file" in exc.value.problems[0].message_en


def test_a_zip_bomb_tasks_xlsx_is_refused_before_unpacking(sample_path, tmp_path, monkeypatch):
    import zipfile

    from vetsim.scenario import limits

    folder = tmp_path / "xl"
    shutil.copytree(sample_path, folder)
    (folder / "tasks.csv").unlink()
    with zipfile.ZipFile(folder / "tasks.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"<a>" + b" " * 3_000_000 + b"</a>")  # 3 MB of blanks, a few kB packed
    monkeypatch.setitem(limits.LIMITS, "csv_bytes", limits.Limit(100_000, "x", "x"))
    assert (folder / "tasks.xlsx").stat().st_size < 100_000
    with pytest.raises(ScenarioError) as exc:
        vetsim.load_scenario(folder)
    assert "too large once unpacked" in exc.value.problems[0].message_en


def test_a_task_level_must_be_a_level_of_the_scenario(sample_path, tmp_path):
    """Guards the level registry (issue 14): a task's level is checked against the scenario's levels, not a
    list written in the task schema, so a scenario with its own levels can name them and a typo is refused."""
    folder = tmp_path / "bad"
    shutil.copytree(sample_path, folder)
    with open(folder / "tasks.csv", "a", encoding="utf-8") as fh:
        fh.write("k9,服务,Service,省级层级,Province level,中心,主任,2027-01-01,2027-12-31,five_haves,all,province,1,share,,,,assumption\n")
    with pytest.raises(ScenarioError) as exc:
        vetsim.load_scenario(folder)
    [p] = exc.value.problems
    assert p.file.endswith("tasks.csv") and p.where_en == "row 15, column level"
    assert "unknown level 'province'" in p.message_en and "township" in p.message_en
