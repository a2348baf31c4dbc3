"""Regenerate data/sample_city/: a fictional city of 20 counties as overrides of data/sample_county.

Totals match the public figures of one real city (domain brief §9, S: Ganzhou veterans bureau 2024):
1 city center, 20 county centers, 308 township stations, 3,995 village stations, 198,000 veterans.
Everything else is an assumption (A): how the townships, villages and veterans are spread over the
counties, and how each county is staffed (county centers of 6-14 funded posts, some counties with a
second funded post at part of their township stations, some township stations without part-time
help, time away from the station between 15% and 30%). Names are invented; no real place is meant.

The region is compact: ``counties.csv`` (one row per county, with its overrides of scenario.yaml),
``county_sites.csv`` (each county's network, replacing the sample county's) and ``county_caseload.csv`` /
``county_backlog.csv`` (only the volumes, patched onto the sample county's rows, scaled by the county's
veterans). Run: python data/tools/make_sample_city.py  (deterministic, seed fixed below)
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SEED = 20271
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sample_city"
BASE = ROOT / "sample_county"
N_COUNTIES, N_TOWNSHIPS, N_VILLAGES, N_VETERANS = 20, 308, 3995, 198_000  # S: the city's public figures

COUNTIES = [("城关区", "Chengguan District"), ("河东区", "Hedong District"), ("青山县", "Qingshan County"),
            ("白水县", "Baishui County"), ("梅川县", "Meichuan County"), ("云岭县", "Yunling County"),
            ("松溪县", "Songxi County"), ("安平县", "Anping County"), ("丰乐县", "Fengle County"),
            ("桃江县", "Taojiang County"), ("石泉县", "Shiquan County"), ("龙山县", "Longshan County"),
            ("兰溪县", "Lanxi County"), ("金田县", "Jintian County"), ("竹岗县", "Zhugang County"),
            ("柳河县", "Liuhe County"), ("长宁市", "Changning City"), ("南湖市", "Nanhu City"),
            ("东岭县", "Dongling County"), ("西江县", "Xijiang County")]
SYL = [("东", "Dong"), ("西", "Xi"), ("南", "Nan"), ("北", "Bei"), ("龙", "Long"), ("石", "Shi"), ("桃", "Tao"),
       ("高", "Gao"), ("新", "Xin"), ("青", "Qing"), ("白", "Bai"), ("柳", "Liu"), ("梅", "Mei"), ("黄", "Huang"),
       ("大", "Da"), ("长", "Chang"), ("平", "Ping"), ("安", "An"), ("丰", "Feng"), ("田", "Tian"), ("金", "Jin"),
       ("云", "Yun"), ("竹", "Zhu"), ("兰", "Lan"), ("松", "Song"), ("杨", "Yang"), ("河", "He"), ("湖", "Hu")]
SYL2 = [("塘", "tang"), ("坪", "ping"), ("湾", "wan"), ("岗", "gang"), ("庄", "zhuang"), ("桥", "qiao"),
        ("岭", "ling"), ("溪", "xi"), ("园", "yuan"), ("山", "shan"), ("冲", "chong"), ("坝", "ba"), ("铺", "pu"),
        ("口", "kou"), ("源", "yuan"), ("林", "lin"), ("陂", "bei"), ("埠", "bu")]
WEEK = ["Mon", "Tue", "Wed", "Thu", "Fri"]
OFFICE_DAYS, OFFICE_HOURS = "Mon-Fri", "08:30-12:00;14:00-17:30"
SITE_COLS = ["county_id", "site_id", "name_zh", "name_en", "level", "parent_id", "funded_staff", "parttime_staff",
             "open_days", "open_hours", "online_share", "veterans"]


def _split(total: int, weights: np.ndarray, low: int) -> list[int]:
    """``total`` split in proportion to ``weights``, each part at least ``low``, summing exactly to ``total``."""
    raw = low + (total - low * len(weights)) * weights / weights.sum()
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts))[: total - int(parts.sum())]:
        parts[i] += 1
    return [int(p) for p in parts]


def _names(rng: np.random.Generator, n: int, suffix: tuple[str, str], used: set[str]) -> list[tuple[str, str]]:
    out = []
    while len(out) < n:
        (a, pa), (b, pb) = SYL[rng.integers(len(SYL))], SYL2[rng.integers(len(SYL2))]
        if a + b in used:
            continue
        used.add(a + b)
        out.append((a + b + suffix[0], f"{pa}{pb} {suffix[1]}"))
    return out


def _read(name: str) -> list[dict[str, str]]:
    with (BASE / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(out: Path, name: str, cols: list[str], rows: list[dict[str, object]]) -> None:
    with (out / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main(out: Path = OUT) -> None:
    rng = np.random.default_rng(SEED)
    size = rng.lognormal(0.0, 0.35, N_COUNTIES)  # counties differ in size (A)
    townships = _split(N_TOWNSHIPS, size, 8)
    villages = _split(N_VILLAGES, size * rng.uniform(0.85, 1.15, N_COUNTIES), 100)
    veterans = _split(N_VETERANS, size * rng.uniform(0.8, 1.2, N_COUNTIES), 4000)
    base_vets = sum(int(r["veterans"]) for r in _read("sites.csv") if r["level"] == "county_center")
    sites: list[dict[str, object]] = []
    counties: list[dict[str, object]] = []
    caseload: list[dict[str, object]] = []
    backlog: list[dict[str, object]] = []
    for c in range(N_COUNTIES):
        cid = f"X{c + 1:02d}"
        czh, cen = COUNTIES[c]
        used: set[str] = set()
        n_t, n_v = townships[c], villages[c]
        vil_per_town = _split(n_v, rng.uniform(0.6, 1.4, n_t), 3)
        # veterans: ~85% live in villages/communities, the rest in the towns themselves (A)
        vil_vets = _split(round(veterans[c] * 0.85), rng.uniform(0.4, 1.6, n_v), 5)
        town_extra = _split(veterans[c] - sum(vil_vets), rng.uniform(0.5, 1.5, n_t), 20)
        rich = rng.uniform(0.0, 0.6) if c % 3 == 0 else 0.0  # share of township stations with 2 funded posts (A)
        no_help = rng.uniform(0.0, 0.4) if c % 4 == 1 else 0.0  # share without part-time help (A)
        center_funded = int(np.clip(round(6 + 8 * (veterans[c] - 4000) / 12000 + rng.normal(0, 1)), 6, 14))
        town_rows, vil_rows, k = [], [], 0
        for t, ((tzh, ten), nv) in enumerate(zip(_names(rng, n_t, ("镇", "Town"), used), vil_per_town), start=1):
            tid = f"T{t:02d}"
            tv = 0
            for v, (vzh, ven) in enumerate(_names(rng, nv, ("村", "Village"), used), start=1):
                days = ",".join(WEEK[i] for i in sorted(rng.choice(5, 2, replace=False)))
                vil_rows.append(dict(county_id=cid, site_id=f"{tid}V{v:02d}", name_zh=vzh, name_en=ven,
                                     level="village", parent_id=tid, funded_staff=0, parttime_staff=1,
                                     open_days=days, open_hours="09:00-12:00", online_share=0.05,
                                     veterans=vil_vets[k]))
                tv += vil_vets[k]
                k += 1
            town_rows.append(dict(county_id=cid, site_id=tid, name_zh=f"{tzh}退役军人服务站",
                                  name_en=f"{ten} Veterans Service Station", level="township", parent_id="C01",
                                  funded_staff=2 if rng.uniform() < rich else 1,
                                  parttime_staff=0 if rng.uniform() < no_help else 1,
                                  open_days=OFFICE_DAYS, open_hours=OFFICE_HOURS, online_share=0.10,
                                  veterans=tv + town_extra[t - 1]))
        center = dict(county_id=cid, site_id="C01", name_zh=f"{czh}退役军人服务中心",
                      name_en=f"{cen} Veterans Service Center", level="county_center", parent_id="",
                      funded_staff=center_funded, parttime_staff=0, open_days=OFFICE_DAYS,
                      open_hours=OFFICE_HOURS, online_share=0.15, veterans=veterans[c])
        assert sum(int(r["veterans"]) for r in town_rows) == veterans[c]
        sites += [center, *town_rows, *vil_rows]
        scale = veterans[c] / base_vets
        counties.append({"county_id": cid, "name_zh": czh, "name_en": cen,
                         "presence.township.away_share.value": round(float(rng.uniform(0.15, 0.3)), 2),
                         "source": "assumption: synthetic county; sites, veterans and staffing generated "
                                   "by data/tools/make_sample_city.py to match the city's totals (S)"})
        for r in _read("caseload.csv"):
            caseload.append({"county_id": cid, "case_type": r["case_type"], "level": r["level"],
                             "yearly_volume": round(int(r["yearly_volume"]) * scale)})
        for r in _read("backlog.csv"):
            backlog.append({"county_id": cid, "case_type": r["case_type"], "site_id": r["site_id"],
                            "open_cases": max(1, round(int(r["open_cases"]) * scale))})
    out.mkdir(exist_ok=True)
    _write(out, "counties.csv", list(counties[0]), counties)
    _write(out, "county_sites.csv", SITE_COLS, sites)
    _write(out, "county_caseload.csv", list(caseload[0]), caseload)
    _write(out, "county_backlog.csv", list(backlog[0]), backlog)
    levels = [sum(1 for s in sites if s["level"] == lv) for lv in ("county_center", "township", "village")]
    print(f"wrote {out}: {N_COUNTIES} counties, sites per level {levels}, "
          f"{sum(veterans)} veterans, townships per county {min(townships)}-{max(townships)}")


if __name__ == "__main__":
    main()
