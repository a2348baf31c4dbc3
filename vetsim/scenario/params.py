"""Numbers a user might question: a scalar ``Quantity`` or a dated ``DatedParam`` (OpenFisca style).

Every number carries its unit, a Chinese and an English label, and its source
(a citation, or the word ``assumption``).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from ..wording import LabelColumns, both

__all__ = ["Frozen", "Quantity", "DatedParam", "Labelled", "invalid", "VisibleText", "VisibleLongText", "MAX_LABEL_CHARS", "MAX_TEXT_CHARS"]


def invalid(zh: str, en: str) -> PydanticCustomError:
    """A validation error with its message in Chinese and English (raise it inside validators)."""
    return PydanticCustomError("vetsim_invalid", "{en}", {"zh": zh, "en": en})

NonEmpty = Annotated[str, Field(min_length=1)]
MAX_LABEL_CHARS = 200
# white space, zero-width and other format characters that print as nothing
_INVISIBLE = re.compile(r"[\s\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufe00-\ufe0f]+")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# characters that reorder the text around them (U+202E shows "txt.exe" as "exe.txt"): a name holding one
# may read as another name on screen and in print
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(v: str) -> str:
    if _CONTROL.search(v):
        raise invalid(*both("scenario.control_characters"))
    if m := _BIDI.search(v):
        raise invalid(*both("scenario.contains_bidi_control", code=f"U+{ord(m.group()):04X}"))
    if not _INVISIBLE.sub("", v):
        raise invalid(*both("scenario.invisible_text"))
    return v


# a name or label people read: not empty, not only invisible characters, at most MAX_LABEL_CHARS long
VisibleText = Annotated[str, Field(min_length=1, max_length=MAX_LABEL_CHARS), AfterValidator(_visible)]
MAX_TEXT_CHARS = 4000
# a description people read (e.g. a saved plan's assumptions): longer, same rules otherwise
VisibleLongText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS), AfterValidator(_visible)]


class Frozen(BaseModel):
    """Immutable model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Labelled(LabelColumns, Frozen):
    label_zh: VisibleText
    label_en: VisibleText


class Quantity(Labelled):
    """A single number with unit, labels and source."""

    value: float
    unit: NonEmpty
    source: NonEmpty


class DatedParam(Labelled):
    """A value that changes on given dates; the value in force on a date is the latest one on or before it."""

    unit: NonEmpty
    source: NonEmpty
    values: dict[dt.date, float] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _sorted(cls, v: dict[dt.date, float]) -> dict[dt.date, float]:
        return dict(sorted(v.items()))

    def at(self, day: dt.date) -> float:
        """Value in force on ``day``; raises if ``day`` precedes the first dated value."""
        dates = list(self.values)
        i = bisect_right(dates, day)
        if i == 0:
            raise ValueError(
                f"{self.label_en}: no value in force on {day}; first value starts {dates[0]}"
            )
        return self.values[dates[i - 1]]
