"""From ledger words to the scenario's ids: sites, case types, channels, on-the-spot, partners, groups.

Why one place: a ledger says "城东街道", "城东街道服务站" or "城东" for site T01, "咨询退役金" for
case type ``consultation``, "12397热线" for the petition hotline. :class:`Lookups` joins the mapping's
words with the scenario's own ids and labels once per import, and answers each distinct cell text
once (the answers are cached: a ledger of 100,000 rows has a few hundred distinct texts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..scenario import Scenario
from .mapping import Lexicon, Mapping, norm

__all__ = ["Lookups", "SiteIndex"]

AMBIGUOUS = "\x00ambiguous"


def _strip_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    for s in suffixes:
        if text.endswith(s) and len(text) > len(s):
            return text[: -len(s)]
    return text


@dataclass
class SiteIndex:
    """Site names at three levels of detail: full name or id, name without the station suffix, core name."""

    levels: tuple[dict[str, set[str]], ...]
    suffixes: tuple[str, ...]
    core_suffixes: tuple[str, ...]
    center_words: frozenset[str]
    center_id: str | None
    cache: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario, mapping: Mapping) -> SiteIndex:
        sec = mapping.section("sites")
        suffixes = tuple(sorted({norm(s) for s in sec.get("suffixes", [])}, key=len, reverse=True))
        cores = tuple(sorted({norm(s) for s in sec.get("core_suffixes", [])}, key=len, reverse=True))
        levels: tuple[dict[str, set[str]], ...] = ({}, {}, {})
        for s in scenario.sites:
            full = norm(s.name_zh)
            stripped = _strip_suffix(full, suffixes)
            for i, key in enumerate((full, stripped, _strip_suffix(stripped, cores))):
                levels[i].setdefault(key, set()).add(s.site_id)
            levels[0].setdefault(norm(s.site_id), set()).add(s.site_id)
            levels[0].setdefault(norm(s.name_en), set()).add(s.site_id)
        try:
            center = scenario.county_center.site_id
        except Exception:  # noqa: BLE001 - a scenario without a county center (synthetic tests)
            center = None
        words = frozenset(norm(w) for w in sec.get("county_center", []))
        return cls(levels, suffixes, cores, words, center)

    def _at(self, level: int, key: str) -> str | None:
        hit = self.levels[level].get(key)
        if not hit:
            return None
        return next(iter(hit)) if len(hit) == 1 else AMBIGUOUS

    def find(self, text: str) -> str | None:
        """Site id for normalised ``text``; ``AMBIGUOUS`` when several sites match; None when none does."""
        if text in self.cache:
            return self.cache[text]
        stripped = _strip_suffix(text, self.suffixes)
        core = _strip_suffix(stripped, self.core_suffixes)
        out = None
        # a core name ("城东") matches only when written without a level word: "幸福镇" is not "幸福社区"
        tries = [(0, text), (1, text), (1, stripped)]
        if core == stripped:
            tries += [(2, text), (2, stripped)]
        for level, key in tries:
            out = self._at(level, key)
            if out is not None:
                break
        if out is None and self.center_id and (text in self.center_words or stripped in self.center_words):
            out = self.center_id
        self.cache[text] = out
        return out

    def in_title(self, title: str) -> str | None:
        """The site a title names ("城东街道退役军人服务站来访登记台账" -> T01), or None."""
        best: tuple[int, str] | None = None
        for level in (0, 1):
            for key, ids in self.levels[level].items():
                if len(key) >= 3 and len(ids) == 1 and key in title and (best is None or len(key) > best[0]):
                    best = (len(key), next(iter(ids)))
        if best:
            return best[1]
        if self.center_id and any(len(w) >= 4 and w in title for w in self.center_words):
            return self.center_id
        return None


@dataclass
class Lookups:
    """Every word list of one import, bound to one scenario."""

    sites: SiteIndex
    case_types: Lexicon
    channels: Lexicon
    on_spot: Lexicon
    partners: Lexicon
    groups: Lexicon
    subtotal: tuple[str, ...]
    petition_type: str | None
    levels: dict[str, str]
    caches: dict[str, dict[Any, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario, mapping: Mapping) -> Lookups:
        spec = scenario.spec
        ct = {k: v for k, v in mapping.section("case_types").items() if k in spec.case_types}
        for cid, c in spec.case_types.items():
            ct.setdefault(cid, []).extend([cid, c.label_zh, c.label_en])
        partners = {k: v for k, v in mapping.section("partners").items() if k in spec.partners}
        for pid, p in spec.partners.items():
            partners.setdefault(pid, []).extend([pid, p.label_zh, p.label_en])
        groups_known = {str(r.group_id): r for r in scenario.table("pension_groups.csv")} \
            if any(n == "pension_groups.csv" for n, _ in scenario.extra_tables) else {}
        groups = {k: v for k, v in mapping.section("groups").items() if k in groups_known}
        for gid, r in groups_known.items():
            groups.setdefault(gid, []).extend([gid, str(getattr(r, "label_zh", gid))])
        petition = next((cid for cid, c in spec.case_types.items() if c.is_petition), None)
        return cls(
            sites=SiteIndex.of(scenario, mapping), case_types=Lexicon.of(ct),
            channels=Lexicon.of(mapping.section("channels")), on_spot=Lexicon.of(mapping.section("on_spot")),
            partners=Lexicon.of(partners), groups=Lexicon.of(groups),
            subtotal=tuple(norm(w) for w in mapping.words("subtotal_words")), petition_type=petition,
            levels={s.site_id: s.level for s in scenario.sites})

    def referral(self, text: str) -> tuple[str, str] | None:
        """Where a referral cell hands a matter on: ("partner", id) or ("site", id); None when unknown.

        A partner department's words are tried first, then the scenario's sites the way the site
        column is read (id, official name, name without the station suffix, core name, variants);
        a text that fits several sites is unknown (listed as a problem, never guessed).
        """
        cache = self.caches.setdefault("referral", {})
        if text not in cache:
            partner, _ = self.cached("partners", self.partners, text)
            site = None if partner else self.sites.find(text)
            cache[text] = ("partner", partner) if partner else (("site", site) if site and site != AMBIGUOUS else None)
        return cache[text]

    def cached(self, name: str, lex: Lexicon, text: str) -> tuple[str | None, bool]:
        cache = self.caches.setdefault(name, {})
        if text not in cache:
            cache[text] = lex.find(text)
        return cache[text]
