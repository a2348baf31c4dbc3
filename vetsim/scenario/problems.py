"""Turn pydantic validation errors into bilingual ``Problem`` records that name what is allowed."""

from __future__ import annotations

import datetime as dt
import reprlib
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from ..wording import both

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
    "missing": both("scenario.templates.missing"),
    "int_parsing": both("scenario.templates.int_parsing"),
    "int_type": both("scenario.templates.int_parsing"),
    "int_from_float": both("scenario.templates.int_parsing"),
    "float_parsing": both("scenario.templates.float_parsing"),
    "float_type": both("scenario.templates.float_parsing"),
    "finite_number": both("scenario.templates.finite_number"),
    "bool_parsing": both("scenario.templates.bool_parsing"),
    "bool_type": both("scenario.templates.bool_parsing"),
    "string_type": both("scenario.templates.string_type"),
    "greater_than_equal": both("scenario.templates.greater_than_equal"),
    "greater_than": both("scenario.templates.greater_than"),
    "less_than_equal": both("scenario.templates.less_than_equal"),
    "less_than": both("scenario.templates.less_than"),
    "literal_error": both("scenario.templates.literal_error"),
    "string_too_short": both("scenario.templates.string_too_short"),
    "string_too_long": both("scenario.templates.string_too_long"),
    "too_short": both("scenario.templates.too_short"),
    "string_pattern_mismatch": both("scenario.templates.string_pattern_mismatch"),
    "date_parsing": both("scenario.templates.date_parsing"),
    "date_from_datetime_parsing": both("scenario.templates.date_parsing"),
    "date_type": both("scenario.templates.date_parsing"),
    "dict_type": both("scenario.templates.dict_type"),
    "model_type": both("scenario.templates.dict_type"),
    "model_attributes_type": both("scenario.templates.dict_type"),
    "tuple_type": both("scenario.not_a_list"),
    "list_type": both("scenario.not_a_list"),
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
            zh, en = both("scenario.unknown_key", key=repr(show_key(loc[-1])), allowed=", ".join(allowed))
        elif kind in _TEMPLATES:
            tzh, ten = _TEMPLATES[kind]
            zh, en = tzh.format(**fmt), ten.format(**fmt)
        else:
            reason = str(ctx.get("error", e["msg"]))[:300]
            zh, en = both("scenario.invalid_value", reason=reason)
        file, where_zh, where_en = locate(loc)
        problems.append(Problem(file, where_zh, where_en, zh, en))
    if len(errors) > MAX_TRANSLATED:
        more = len(errors) - MAX_TRANSLATED
        problems.append(Problem(problems[-1].file, "", "", *both("scenario.more_problems_of_kind", more=more)))
    return problems
