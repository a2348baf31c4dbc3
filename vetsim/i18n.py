"""Labels users see, Chinese first with English available: ``label(key, lang)``."""

from __future__ import annotations

from .wording import LANGS, catalogue, check_lang, tr

__all__ = ["LANGS", "label", "check_lang", "LEVEL_LABELS", "MONEY_DIVISOR", "money_unit"]  # noqa: F822 - LEVEL_LABELS comes from __getattr__

def __getattr__(name: str) -> dict[str, tuple[str, str]]:
    """``LEVEL_LABELS``: level id -> (zh, en) long labels of the bundled level registry
    (vetsim/scenario/levels.yaml, served by the wording catalogue as ``level.<id>``); a view, not a
    copy, built on first use so that importing this module reads no file. With a scenario at hand
    prefer ``scenario.levels.label(id, lang)``, which also knows levels the scenario declares itself."""
    if name == "LEVEL_LABELS":
        return {key[len("level."):]: (entry["zh"], entry["en"]) for key, entry in catalogue().items()
                if key.startswith("level.") and not key.endswith(".short") and key != "level.all"}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def label(key: str, lang: str = "zh") -> str:
    """The user-facing label for ``key`` in ``lang`` (read from the wording catalogue, :mod:`vetsim.wording`)."""
    return tr(key, lang)


# money shown to people: 万元 in Chinese, million yuan in English (files keep yuan to the cent)
MONEY_DIVISOR: dict[str, float] = {"zh": 1e4, "en": 1e6}


def money_unit(lang: str = "zh", per_year: bool = False) -> str:
    """The money unit of charts, the brief and the CLI: 万元 / million yuan (optionally per year)."""
    return tr("money.unit_per_year" if per_year else "money.unit", lang)
