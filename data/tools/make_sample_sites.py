"""Regenerate data/sample_county/sites.csv: a fictional but realistic county network.

1 county service center, 15 township stations, 200 village/community stations. Names are
invented (no real place is meant); counts follow docs/DOMAIN.md (Ganzhou: 3,995 village
stations / 20 counties ~ 200; 14-15 townships per county). Veterans per county ~ 9,900
(Ganzhou 198,000 veterans / 20 counties, S); split across villages is an assumption.
Run: python data/tools/make_sample_sites.py  (deterministic, seed fixed below)
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SEED = 2027
OUT = Path(__file__).resolve().parents[1] / "sample_county" / "sites.csv"

# township name (zh), name (en), number of villages/communities, urban?
TOWNSHIPS = [
    ("城东街道", "Chengdong Subdistrict", 12, True),
    ("城西街道", "Chengxi Subdistrict", 11, True),
    ("龙泉镇", "Longquan Town", 16, False),
    ("石门镇", "Shimen Town", 15, False),
    ("桃源镇", "Taoyuan Town", 14, False),
    ("高桥镇", "Gaoqiao Town", 14, False),
    ("新田镇", "Xintian Town", 13, False),
    ("青石镇", "Qingshi Town", 13, False),
    ("南山乡", "Nanshan Township", 13, False),
    ("西河乡", "Xihe Township", 13, False),
    ("白沙乡", "Baisha Township", 12, False),
    ("柳溪乡", "Liuxi Township", 13, False),
    ("梅岭乡", "Meiling Township", 14, False),
    ("黄坪乡", "Huangping Township", 14, False),
    ("大兴乡", "Daxing Township", 13, False),
]
FIRST = {"上": "Shang", "下": "Xia", "东": "Dong", "西": "Xi", "南": "Nan", "北": "Bei", "大": "Da",
         "小": "Xiao", "新": "Xin", "老": "Lao", "石": "Shi", "杨": "Yang", "李": "Li", "王": "Wang",
         "张": "Zhang", "刘": "Liu", "陈": "Chen", "黄": "Huang", "周": "Zhou", "吴": "Wu", "高": "Gao",
         "马": "Ma", "罗": "Luo", "梁": "Liang", "宋": "Song", "田": "Tian", "何": "He", "胡": "Hu"}
SECOND = {"塘": "tang", "坪": "ping", "湾": "wan", "岗": "gang", "庄": "zhuang", "家": "jia",
          "桥": "qiao", "岭": "ling", "坑": "keng", "溪": "xi", "园": "yuan", "山": "shan", "田": "tian",
          "冲": "chong", "坝": "ba", "铺": "pu", "寨": "zhai", "口": "kou", "源": "yuan", "林": "lin"}
URBAN = {"和平": "Heping", "建设": "Jianshe", "解放": "Jiefang", "人民": "Renmin", "胜利": "Shengli",
         "朝阳": "Chaoyang", "光明": "Guangming", "文化": "Wenhua", "红星": "Hongxing", "新华": "Xinhua",
         "育才": "Yucai", "滨河": "Binhe", "东风": "Dongfeng", "金桥": "Jinqiao", "春晖": "Chunhui",
         "锦绣": "Jinxiu", "幸福": "Xingfu", "振兴": "Zhenxing", "长安": "Chang'an", "康乐": "Kangle",
         "民主": "Minzhu", "团结": "Tuanjie", "向阳": "Xiangyang"}
WEEK = ["Mon", "Tue", "Wed", "Thu", "Fri"]
OFFICE_DAYS, OFFICE_HOURS = "Mon-Fri", "08:30-12:00;14:00-17:30"


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows: list[dict[str, object]] = []
    used: set[str] = set()
    urban = iter(URBAN.items())
    first, second = list(FIRST.items()), list(SECOND.items())
    town_rows = []
    for t, (tzh, ten, n_vil, is_urban) in enumerate(TOWNSHIPS, start=1):
        tid = f"T{t:02d}"
        vil_total = 0
        for v in range(1, n_vil + 1):
            if is_urban:
                zh, en = next(urban)
                zh, en = zh + "社区", f"{en} Community"
                days, hours = ",".join(WEEK[i] for i in sorted(rng.choice(5, 3, replace=False))), "09:00-12:00"
                vets = int(rng.integers(50, 110))
            else:
                while True:
                    (a, pa), (b, pb) = first[rng.integers(len(first))], second[rng.integers(len(second))]
                    if a + b not in used:
                        break
                zh, en = a + b + "村", f"{pa}{pb} Village"
                days, hours = ",".join(WEEK[i] for i in sorted(rng.choice(5, 2, replace=False))), "09:00-12:00"
                vets = int(rng.integers(18, 70))
            used.add(zh.removesuffix("村").removesuffix("社区"))
            vil_total += vets
            rows.append(dict(site_id=f"{tid}V{v:02d}", name_zh=zh, name_en=en, level="village", parent_id=tid,
                             funded_staff=0, parttime_staff=1, open_days=days, open_hours=hours,
                             online_share=0.05, veterans=vets))
        town_vets = vil_total + int(rng.integers(60, 160))  # plus veterans living in the town itself
        town_rows.append(dict(site_id=tid, name_zh=f"{tzh}退役军人服务站", name_en=f"{ten} Veterans Service Station",
                              level="township", parent_id="C01", funded_staff=1, parttime_staff=1,
                              open_days=OFFICE_DAYS, open_hours=OFFICE_HOURS, online_share=0.10,
                              veterans=town_vets))
    center = dict(site_id="C01", name_zh="示例县退役军人服务中心", name_en="Sample County Veterans Service Center",
                  level="county_center", parent_id="", funded_staff=10, parttime_staff=0,
                  open_days=OFFICE_DAYS, open_hours=OFFICE_HOURS, online_share=0.15,
                  veterans=sum(int(r["veterans"]) for r in town_rows))
    all_rows = [center, *town_rows, *rows]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(center))
        w.writeheader()
        w.writerows(all_rows)
    print(f"wrote {OUT}: {len(all_rows)} sites, {center['veterans']} veterans")


if __name__ == "__main__":
    main()
