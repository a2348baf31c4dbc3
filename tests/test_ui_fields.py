"""Form fields declared as data, and the safe runner: readable bilingual messages, no tracebacks."""

from __future__ import annotations

import asyncio
import logging
import math

import ipywidgets as widgets
import pytest
from pydantic import BaseModel, Field

from vetsim.errors import Problem, ScenarioError
from vetsim.ui import FieldSpec, InputError, SafeRunner, build_widget, message_for, read_field, read_fields

INT = FieldSpec("n", "int", "人数", "People", min=0, max=10)
FLT = FieldSpec("x", "float", "比例", "Share", min=0, max=1)
TXT = FieldSpec("name", "text", "名称", "Name", pattern=r"[a-z]+", hint_zh="只能用小写字母", hint_en="lowercase only")
CHO = FieldSpec("c", "choice", "层级", "Level", options=(("a", "甲", "A"), ("b", "乙", "B")))


@pytest.mark.parametrize("spec,raw,want", [
    (INT, 3, 3), (INT, "7", 7), (INT, 0, 0), (INT, 10.0, 10),
    (FLT, 0.25, 0.25), (FLT, "1", 1.0), (TXT, " abc ", "abc"), (CHO, "b", "b"),
])
def test_valid_values_are_returned_typed(spec, raw, want):
    got = read_field(spec, raw)
    assert got == want and type(got) is type(want)


@pytest.mark.parametrize("spec,raw", [
    (INT, -1), (INT, 11), (INT, 2.5), (INT, "abc"), (INT, None), (INT, True),
    (FLT, -0.01), (FLT, 1.5), (FLT, math.nan), (FLT, math.inf), (FLT, "x"),
    (TXT, "ABC"), (TXT, ""), (TXT, "a/b"), (CHO, "z"), (CHO, None),
])
def test_invalid_values_name_the_field_and_what_is_allowed(spec, raw):
    with pytest.raises(InputError) as err:
        read_field(spec, raw)
    zh, en = err.value.user_message("zh"), err.value.user_message("en")
    assert spec.label_zh in zh and spec.label_en in en
    assert "输入有误" in zh and "Traceback" not in zh
    if spec.kind in ("int", "float"):
        assert "0" in zh and ("10" in zh or "1" in zh)  # the allowed range is stated


def test_read_fields_reports_every_bad_field_at_once():
    specs = (INT, FLT, TXT)
    inputs = {"n": widgets.IntText(value=99), "x": widgets.FloatText(value=2.0), "name": widgets.Text(value="ok")}
    with pytest.raises(InputError) as err:
        read_fields(specs, inputs)
    assert len(err.value.problems) == 1 + 1
    inputs["n"].value, inputs["x"].value = 4, 0.5
    assert read_fields(specs, inputs) == {"n": 4, "x": 0.5, "name": "ok"}


def test_widgets_are_built_from_the_spec_without_continuous_updates():
    w = build_widget(INT, "zh", 5)
    assert isinstance(w, widgets.IntText) and w.value == 5 and w.continuous_update is False
    assert "人数" in w.description
    assert build_widget(INT, "en").description.startswith("People")
    d = build_widget(CHO, "zh")
    assert isinstance(d, widgets.Dropdown) and d.options[0] == ("甲", "a")


def test_runner_shows_vetsim_errors_in_chinese_and_keeps_going():
    r = SafeRunner("zh", delay=0)
    prob = Problem("sites.csv", "第3行", "row 3", "人数不能为负", "must not be negative")
    assert r.run(lambda: (_ for _ in ()).throw(ScenarioError([prob]))) is None
    assert "人数不能为负" in r.last_error and "sites.csv" in r.last_error
    assert "vetsim-error" in r.status.value
    assert r.run(lambda: 42) == 42
    assert r.last_error == "" and r.status.value == ""


def test_unexpected_errors_show_a_sentence_and_log_the_traceback(caplog):
    r = SafeRunner("zh", delay=0)

    def boom():
        raise ZeroDivisionError("secret detail")

    with caplog.at_level(logging.ERROR, logger="vetsim.ui"):
        r.run(boom)
    assert "程序内部错误" in r.last_error
    assert "secret detail" not in r.status.value and "Traceback" not in r.status.value
    assert any(rec.exc_info and "secret detail" in str(rec.exc_info[1]) for rec in caplog.records)


def test_pydantic_errors_are_translated():
    class M(BaseModel):
        n: int = Field(ge=0)

    try:
        M(n=-1)
    except Exception as exc:  # noqa: BLE001
        text = message_for(exc, "zh")
    assert "应不小于 0" in text and "Traceback" not in text


def test_error_of_a_nested_call_stays_visible():
    r = SafeRunner("zh", delay=0)

    def inner():
        raise InputError([Problem("", "「甲」", "'A'", "错了", "wrong")])

    r.run(lambda: r.run(inner))
    assert "错了" in r.last_error


def test_wrapped_callback_never_raises():
    r = SafeRunner("zh", delay=0)
    cb = r.wrap(lambda _b: 1 / 0)
    cb(None)
    assert "程序内部错误" in r.last_error


def test_debounce_collapses_a_burst_into_the_last_call():
    r = SafeRunner("zh", delay=0.05)
    calls: list[int] = []
    cb = r.debounced(calls.append)

    async def burst():
        for i in range(5):
            cb(i)
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.2)

    asyncio.run(burst())
    assert calls == [4]
    cb(9)  # no running loop (plain Python, tests): runs at once
    assert calls == [4, 9]


def test_a_library_logging_config_does_not_silence_the_traceback_log(caplog):
    """Guards the order-dependent CI failure: a library's ``logging.config.dictConfig`` (traitlets
    applications call one) disables every existing logger, ``vetsim.ui`` included, and the details of an
    unexpected error were lost. A SafeRunner re-enables its logger."""
    import logging.config

    loggers = [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    before = {lg: lg.disabled for lg in loggers}
    try:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": True})
        assert logging.getLogger("vetsim.ui").disabled
        r = SafeRunner("zh", delay=0)

        def boom():
            raise ZeroDivisionError("secret detail")

        with caplog.at_level(logging.ERROR, logger="vetsim.ui"):
            r.run(boom)
        assert any(rec.exc_info and "secret detail" in str(rec.exc_info[1]) for rec in caplog.records)
    finally:
        for lg, disabled in before.items():
            lg.disabled = disabled
