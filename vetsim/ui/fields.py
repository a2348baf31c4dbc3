"""UI parameters declared as data: one ``FieldSpec`` per input, widgets built from the spec, values checked.

Why: every app has a dozen inputs; declaring them as rows (name, kind, range, zh/en label) keeps the
apps short and gives every field the same checks and the same bilingual messages. Text inputs are
unbounded on purpose (``IntText``/``FloatText``/``Text``): a value out of range reaches ``read_field``
and becomes a readable Chinese message, instead of being silently clamped by a bounded widget.
UI ranges here are only what the form accepts; model numbers live in the scenario's ``data/`` files.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import ipywidgets as widgets

from ..errors import Problem, VetsimError
from ..wording import both, in_lang, tr

__all__ = ["FieldSpec", "InputError", "build_widget", "read_field", "read_fields", "field_label"]

Kind = Literal["int", "float", "choice", "text", "int_slider", "float_slider"]


class InputError(VetsimError, ValueError):
    """One or more form inputs are invalid; carries a bilingual ``Problem`` per field."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__(self.user_message("en"))

    def user_message(self, lang: str = "zh") -> str:
        head = tr("ui.correct_input_head", lang)
        sep = tr("punct.colon", lang)
        lines = [in_lang(p, "where", lang) + sep + in_lang(p, "message", lang)
                 for p in self.problems]
        return "\n".join([head, *("  - " + line for line in lines)])


@dataclass(frozen=True)
class FieldSpec:
    """One input of an app: the name the app reads, the widget kind, what is allowed, and its labels.

    ``options`` (for ``choice``) are ``(value, label_zh, label_en)``. ``pattern`` (for ``text``)
    is a regular expression the whole text must match; ``hint_zh``/``hint_en`` say what is allowed.
    """

    name: str
    kind: Kind
    label_zh: str
    label_en: str
    default: Any = None
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: tuple[tuple[Any, str, str], ...] = ()
    pattern: str | None = None
    hint_zh: str = ""
    hint_en: str = ""
    unit_zh: str = ""
    unit_en: str = ""
    width: str = "auto"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def label(self, lang: str = "zh") -> str:
        return in_lang(self, "label", lang)


def unit(key: str) -> dict[str, str]:
    """``unit_zh``/``unit_en`` of a :class:`FieldSpec` from the wording catalogue entry ``key``."""
    zh, en = both(key)
    return {"unit_zh": zh, "unit_en": en}


def hint(key: str) -> dict[str, str]:
    """``hint_zh``/``hint_en`` of a :class:`FieldSpec` from the wording catalogue entry ``key``."""
    zh, en = both(key)
    return {"hint_zh": zh, "hint_en": en}


def field_label(spec: FieldSpec, lang: str = "zh") -> str:
    """Label with its unit, e.g. '缴费基数比例（比例）'."""
    unit = in_lang(spec, "unit", lang)
    if not unit:
        return spec.label(lang)
    return tr("ui.label_with_unit", lang, label=spec.label(lang), unit=unit)


def build_widget(spec: FieldSpec, lang: str = "zh", value: Any = None) -> widgets.ValueWidget:
    """A widget for ``spec`` with ``continuous_update=False`` (one event per edit, not per keystroke)."""
    value = spec.default if value is None else value
    desc = field_label(spec, lang)
    style = {"description_width": "initial"}
    layout = widgets.Layout(width=spec.width)
    common: dict[str, Any] = {"description": desc, "style": style, "layout": layout}
    if spec.kind == "int":
        return widgets.IntText(value=int(value or 0), continuous_update=False, **common)
    if spec.kind == "float":
        return widgets.FloatText(value=float(value or 0.0), step=spec.step, continuous_update=False, **common)
    if spec.kind == "int_slider":
        return widgets.IntSlider(value=int(value or 0), min=int(spec.min or 0), max=int(spec.max or 100),
                                 step=int(spec.step or 1), continuous_update=False, **common)
    if spec.kind == "float_slider":
        return widgets.FloatSlider(value=float(value or 0.0), min=float(spec.min or 0.0),
                                   max=float(spec.max or 1.0), step=float(spec.step or 0.01),
                                   continuous_update=False, **common)
    if spec.kind == "choice":
        opts = [((zh if lang == "zh" else en), v) for v, zh, en in spec.options]
        return widgets.Dropdown(options=opts, value=value if value is not None else opts[0][1], **common)
    if spec.kind == "text":
        return widgets.Text(value="" if value is None else str(value), continuous_update=False, **common)
    raise ValueError(f"unknown field kind {spec.kind!r}")


def _range_text(spec: FieldSpec, lang: str) -> tuple[str, str]:
    lo, hi = spec.min, spec.max
    fmt = (lambda x: str(int(x))) if spec.kind in ("int", "int_slider") else (lambda x: f"{x:g}")
    if lo is not None and hi is not None:
        return both("ui.between", fmt_lo=fmt(lo), fmt_hi=fmt(hi))
    if lo is not None:
        return both("ui.at_least", fmt_lo=fmt(lo))
    if hi is not None:
        return both("ui.at_most", fmt_hi=fmt(hi))
    return "", ""


def _problem(spec: FieldSpec, zh: str, en: str) -> Problem:
    return Problem("", *both("ui.quoted_label", label_zh=spec.label_zh, label_en=spec.label_en), zh, en)


def read_field(spec: FieldSpec, raw: Any) -> Any:
    """The checked value of one input, or ``InputError`` saying in Chinese and English what is allowed."""
    shown = repr(raw) if not isinstance(raw, str) else f"“{raw}”"
    if spec.kind in ("int", "int_slider", "float", "float_slider"):
        is_int = spec.kind in ("int", "int_slider")
        rzh, ren = _range_text(spec, "zh")
        want_zh, want_en = both("ui.want_whole_number" if is_int else "ui.want_number", range_zh=rzh, range_en=ren)
        bad = _problem(spec, *both("cli.got", what_zh=want_zh, what_en=want_en.rstrip(), shown=shown))
        try:
            num = float(raw)
        except (TypeError, ValueError):
            raise InputError([bad]) from None
        if isinstance(raw, bool) or not math.isfinite(num) or (is_int and num != int(num)):
            raise InputError([bad])
        if (spec.min is not None and num < spec.min) or (spec.max is not None and num > spec.max):
            raise InputError([bad])
        return int(num) if is_int else num
    if spec.kind == "choice":
        allowed = [v for v, _zh, _en in spec.options]
        if raw not in allowed:
            zh = tr("list.sep", "zh").join(z for _v, z, _e in spec.options)
            en = tr("list.sep", "en").join(e for _v, _z, e in spec.options)
            raise InputError([_problem(spec, *both("ui.error.bad_choice", zh=zh, shown=shown, en=en))])
        return raw
    if spec.kind == "text":
        text = str(raw if raw is not None else "").strip()
        if spec.pattern and not re.fullmatch(spec.pattern, text):
            raise InputError([_problem(spec, *both("ui.bad_format", hint_zh=spec.hint_zh or tr("ui.invalid_format", "zh"), shown=shown,
                                                       hint_en=spec.hint_en or tr("ui.invalid_format", "en")))])
        return text
    raise ValueError(f"unknown field kind {spec.kind!r}")


def read_fields(specs: tuple[FieldSpec, ...], inputs: dict[str, widgets.ValueWidget]) -> dict[str, Any]:
    """All values of a form at once; every invalid field is reported together, not just the first."""
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in specs:
        try:
            out[spec.name] = read_field(spec, inputs[spec.name].value)
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    return out
