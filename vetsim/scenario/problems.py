"""Turn pydantic validation errors into bilingual ``Problem`` records that name what is allowed."""

from __future__ import annotations

import datetime as dt
import reprlib
import types
import typing
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from ..errors import Problem

__all__ = ["from_validation_error", "allowed_fields", "show_key"]


def _unwrap(tp: Any) -> Any:
    """Strip Optional / Annotated wrappers."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at ``loc`` (the location of an unknown key) inside ``model``."""
    tp: Any = model
    path = list(loc[:-1])
    while path:
        tp = _unwrap(tp)
        key = path.pop(0)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(key))
            if field is None:
                return []
            tp = field.annotation
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif typing.get_origin(tp) in (list, tuple):
            tp = typing.get_args(tp)[0]
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 2, 60, 60
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4


def _show(value: Any, width: int = 60) -> str:
    """A short text for a value in a message: bounded work and length, whatever ``value`` holds.

    ``repr()`` of a whole value is never taken: a YAML alias bomb is a small graph whose full
    text is exponentially long; ``reprlib`` stops after a few items and levels.
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    try:
        text = _REPR.repr(value)
    except Exception:  # noqa: BLE001 - e.g. an int beyond Python's digit limit
        text = f"<{type(value).__name__}>"
    return text if len(text) <= width else text[: width - 3] + "..."


def show_key(key: Any) -> str:
    """A mapping key or path part for a message, cut to 40 characters."""
    text = str(key) if isinstance(key, (str, int)) and not isinstance(key, bool) else _show(key, 40)
    return text if len(text) <= 40 else text[:37] + "..."


MAX_TRANSLATED = 100  # a flood (60,000 unknown keys) is cut here: the loader lists at most 100 problems anyway

_TEMPLATES: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填项", "required value is missing"),
    "int_parsing": ("应为整数，实际为 {input}", "must be a whole number, got {input}"),
    "int_type": ("应为整数，实际为 {input}", "must be a whole number, got {input}"),
    "int_from_float": ("应为整数，实际为 {input}", "must be a whole number, got {input}"),
    "float_parsing": ("应为数字，实际为 {input}", "must be a number, got {input}"),
    "float_type": ("应为数字，实际为 {input}", "must be a number, got {input}"),
    "finite_number": ("应为有限数字，实际为 {input}", "must be a finite number, got {input}"),
    "bool_parsing": ("应为 true 或 false，实际为 {input}", "must be true or false, got {input}"),
    "bool_type": ("应为 true 或 false，实际为 {input}", "must be true or false, got {input}"),
    "string_type": ("应为文字，实际为 {input}", "must be text, got {input}"),
    "greater_than_equal": ("应不小于 {ge}，实际为 {input}", "must be >= {ge}, got {input}"),
    "greater_than": ("应大于 {gt}，实际为 {input}", "must be > {gt}, got {input}"),
    "less_than_equal": ("应不大于 {le}，实际为 {input}", "must be <= {le}, got {input}"),
    "less_than": ("应小于 {lt}，实际为 {input}", "must be < {lt}, got {input}"),
    "literal_error": ("只允许 {expected}，实际为 {input}", "allowed: {expected}; got {input}"),
    "string_too_short": ("不能为空", "must not be empty"),
    "string_too_long": ("最多 {max_length} 个字符", "must be at most {max_length} characters long"),
    "too_short": ("至少需要 {min_length} 项", "needs at least {min_length} item(s)"),
    "string_pattern_mismatch": (
        "只能包含字母、数字、下划线和连字符，实际为 {input}",
        "may contain only letters, digits, '_' and '-'; got {input}",
    ),
    "date_parsing": ("应为日期，格式 YYYY-MM-DD，实际为 {input}", "must be a date YYYY-MM-DD, got {input}"),
    "date_from_datetime_parsing": (
        "应为日期，格式 YYYY-MM-DD，实际为 {input}",
        "must be a date YYYY-MM-DD, got {input}",
    ),
    "date_type": ("应为日期，格式 YYYY-MM-DD，实际为 {input}", "must be a date YYYY-MM-DD, got {input}"),
    "dict_type": ("应为“键: 值”形式的映射", "must be a mapping of key: value"),
    "model_type": ("应为“键: 值”形式的映射", "must be a mapping of key: value"),
    "model_attributes_type": ("应为“键: 值”形式的映射", "must be a mapping of key: value"),
    "tuple_type": ("应为列表", "must be a list"),
    "list_type": ("应为列表", "must be a list"),
}


def from_validation_error(
    err: ValidationError,
    model: type[BaseModel],
    locate: Callable[[tuple[Any, ...]], tuple[str, str, str]],
) -> list[Problem]:
    """Translate every error; ``locate(loc) -> (file, where_zh, where_en)`` names the place."""
    problems: list[Problem] = []
    errors = err.errors(include_url=False)
    for e in errors[:MAX_TRANSLATED]:
        loc = tuple(e["loc"])
        kind = e["type"]
        ctx = {k: v for k, v in (e.get("ctx") or {}).items()}
        fmt = {"input": _show(e.get("input")), **{k: _show(v, 200) if not isinstance(v, str) else v[:200]
                                                  for k, v in ctx.items()}}
        if kind == "vetsim_invalid":
            zh, en = str(ctx["zh"]), str(ctx["en"])
        elif kind == "extra_forbidden":
            allowed = allowed_fields(model, loc)
            zh = f"未知字段 {show_key(loc[-1])!r}；允许的字段：{', '.join(allowed)}"
            en = f"unknown key {show_key(loc[-1])!r}; allowed keys: {', '.join(allowed)}"
        elif kind in _TEMPLATES:
            tzh, ten = _TEMPLATES[kind]
            zh, en = tzh.format(**fmt), ten.format(**fmt)
        else:
            reason = str(ctx.get("error", e["msg"]))[:300]
            zh, en = f"取值无效：{reason}", f"invalid value: {reason}"
        file, where_zh, where_en = locate(loc)
        problems.append(Problem(file, where_zh, where_en, zh, en))
    if len(errors) > MAX_TRANSLATED:
        more = len(errors) - MAX_TRANSLATED
        problems.append(Problem(problems[-1].file, "", "", f"……另有 {more} 处同类错误未列出",
                                f"... and {more} more problem(s) of this kind not listed"))
    return problems
