"""Error types that reach users: every problem names its file, its row or key, and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass

from .wording import both, tr

__all__ = ["Note", "PolicyFileError", "Problem", "ScenarioError", "VetsimError"]


class Note(UserWarning):
    """Something vetsim did for the user while reading (a title row skipped): said, not refused.

    Raised with ``warnings.warn(Note(zh, en))``; the command line prints ``user_message(lang)``,
    elsewhere Python shows the English text once."""

    def __init__(self, zh: str, en: str | None = None):
        self.zh, self.en = zh, (en if en is not None else zh)
        super().__init__(self.en)

    def user_message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class VetsimError(Exception):
    """Base class for errors that are shown to users as plain text, never as a traceback.

    Raise ``SomeError(zh, en)`` with the message in Chinese and English; ``user_message(lang)``
    picks one. ``str(err)`` is the English text (for logs).
    """

    def __init__(self, zh: str = "", en: str | None = None):
        self.zh, self.en = zh, (en if en is not None else zh)
        super().__init__(self.en)

    def user_message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def of(cls, key: str, /, **fields: object) -> VetsimError:
        """The error whose texts are catalogue entry ``key`` (:mod:`vetsim.wording`) with ``fields`` filled."""
        return cls(*both(key, **fields))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where it is and what is allowed, in Chinese and English."""

    file: str
    where_zh: str
    where_en: str
    message_zh: str
    message_en: str

    def text(self, lang: str = "zh") -> str:
        where = self.where_zh if lang == "zh" else self.where_en
        msg = self.message_zh if lang == "zh" else self.message_en
        sep = tr("punct.colon", lang)
        return f"{self.file}{' ' + where if where else ''}{sep}{msg}"


class ScenarioError(VetsimError, ValueError):
    """A scenario that cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.user_message("zh"), self.user_message("en"))

    def user_message(self, lang: str = "zh") -> str:
        head = (
            tr("errors.scenario_problems_head", lang, len_self_problems=len(self.problems))
        )
        return "\n".join([head, *("  - " + p.text(lang) for p in self.problems)])


class PolicyFileError(VetsimError, ValueError):
    """A policy file of ``data/`` (the replications' stopping rule, the comparison's false discovery rate)
    that cannot be used; carries every problem found, each naming the file, the key and what is allowed."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.user_message("zh"), self.user_message("en"))

    def user_message(self, lang: str = "zh") -> str:
        head = tr("errors.policy_file_head", lang, n=len(self.problems))
        return "\n".join([head, *("  - " + p.text(lang) for p in self.problems)])
