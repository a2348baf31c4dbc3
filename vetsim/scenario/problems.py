"""Turn pydantic validation errors into bilingual ``Problem`` records that name what is allowed."""

from __future__ import annotations

import types
import typing
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from ..errors import Problem

__all__ = ["from_validation_error", "allowed_fields"]


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


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        kind = e["type"]
        ctx = {k: v for k, v in (e.get("ctx") or {}).items()}
        fmt = {"input": _show(e.get("input")), **{k: str(v) for k, v in ctx.items()}}
        if kind == "vetsim_invalid":
            zh, en = str(ctx["zh"]), str(ctx["en"])
        elif kind == "extra_forbidden":
            allowed = allowed_fields(model, loc)
            zh = f"未知字段 {loc[-1]!r}；允许的字段：{', '.join(allowed)}"
            en = f"unknown key {loc[-1]!r}; allowed keys: {', '.join(allowed)}"
        elif kind in _TEMPLATES:
            tzh, ten = _TEMPLATES[kind]
            zh, en = tzh.format(**fmt), ten.format(**fmt)
        else:
            reason = str(ctx.get("error", e["msg"]))
            zh, en = f"取值无效：{reason}", f"invalid value: {reason}"
        file, where_zh, where_en = locate(loc)
        problems.append(Problem(file, where_zh, where_en, zh, en))
    return problems
