"""Regenerate data/sample_county/caseload.csv from the readable table below.

Monthly shares are written from relative weights so that each row sums to exactly 1.
Sources: "S:" marks a public figure (see docs/DOMAIN.md, Sources), "assumption" our own estimate.
Run: python data/tools/make_sample_caseload.py
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "sample_county" / "caseload.csv"

FLAT = [1] * 12
SEASONS = {
    "flat": FLAT,
    # discharge wave after the autumn discharge (Sept-Dec)
    "discharge": [0.3, 0.3, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 2.5, 3.0, 2.5, 1.5],
    # Spring Festival and Army Day (1 Aug) visits
    "festival": [2.5, 2.0, 0.4, 0.3, 0.3, 0.5, 2.0, 2.5, 0.4, 0.6, 0.5, 1.0],
    # consultations: busier around Spring Festival, August standard rise and year end
    "consult": [1.2, 0.8, 1.0, 1.0, 0.9, 0.9, 1.0, 1.2, 1.1, 1.0, 1.0, 1.2],
    # pensions: verification in spring, standard rise 1 August, year-end settlement
    "pension": [0.8, 0.7, 1.3, 1.2, 0.9, 0.8, 0.9, 1.4, 1.1, 0.9, 1.0, 1.2],
    # relief: winter peak
    "relief": [1.5, 1.4, 1.0, 0.8, 0.7, 0.7, 0.8, 0.8, 0.8, 0.9, 1.2, 1.6],
    # training cohorts in spring and autumn
    "training": [0.4, 0.6, 1.6, 1.5, 1.0, 0.8, 0.6, 0.6, 1.4, 1.5, 1.2, 0.8],
}
A = "assumption"
# case_type, level, yearly_volume, counter_min, backoffice_h, resolved_here, referral_delay_d, deadline_wd, season, source
ROWS = [
    ("consultation", "village", 3000, 15, 0.1, 0.85, 2, 1, "consult", A),
    ("consultation", "township", 2500, 20, 0.2, 0.90, 2, 5, "consult", A),
    ("consultation", "county_center", 900, 25, 0.0, 0.60, 3, 10, "consult",
     "S: county yearbook, ~1,400 visitor-times with 915 resolved on the spot (65%); calibrated (vetsim calibrate): "
     "volume and on-the-spot share set so that all county-center visits together match; answered at the counter (no desk time)"),
    ("consultation", "partner", 0, 0, 0.0, 1.0, 0, 20, "consult", A),
    ("placement", "county_center", 150, 40, 6.0, 0.30, 2, 30, "discharge",
     "S: ~400,000 discharged a year nationally / 2,853 counties ~ 140-150 per county; 30-working-day legal limit"),
    ("placement", "partner", 0, 0, 0.0, 1.0, 0, 30, "discharge", A),
    ("employment", "township", 300, 25, 1.0, 0.50, 3, 10, "training", A),
    ("employment", "county_center", 0, 30, 2.0, 0.60, 3, 20, "training", A),
    ("employment", "partner", 0, 0, 0.0, 1.0, 0, 30, "training", A),
    ("hardship", "village", 26, 20, 1.0, 0.0, 3, 5, "relief",
     "S: county yearbook, 26 hardship-assistance cases a year; village -> township -> county approval (S)"),
    ("hardship", "township", 0, 30, 4.0, 0.0, 3, 15, "relief", A),
    ("hardship", "county_center", 0, 0, 3.0, 1.0, 0, 20, "relief", A),
    ("temporary_relief", "township", 628, 20, 1.5, 0.80, 2, 10, "relief",
     "S: county yearbook, 628 temporary-relief person-times a year"),
    ("temporary_relief", "county_center", 0, 0, 2.0, 1.0, 0, 15, "relief", A),
    ("si_continuation", "township", 60, 30, 2.0, 0.0, 3, 10, "flat",
     "assumption: new applications after the 2019-2023 back-payment campaign"),
    ("si_continuation", "county_center", 0, 0, 4.0, 0.0, 5, 40, "flat", A),
    ("si_continuation", "partner", 0, 0, 0.0, 1.0, 0, 60, "flat", A),
    ("pension", "village", 400, 15, 0.3, 0.50, 3, 5, "pension", A),
    ("pension", "township", 1200, 20, 0.5, 0.70, 3, 10, "pension", A),
    ("pension", "county_center", 0, 0, 1.0, 1.0, 0, 20, "pension",
     "assumption: the township forwards the file; the veteran does not come to the county center"),
    ("honours", "county_center", 300, 10, 0.0, 1.0, 0, 10, "festival",
     "assumption: Spring Festival and Army Day visits to entitled families; certificates and plaques handed out at the counter"),
    ("petition", "county_center", 30, 45, 8.0, 0.70, 5, 60, "flat",
     "S: county yearbook, 7 petition letters and 8 hotline petitions a year (letter and hotline shares in scenario.yaml), "
     "plus visits (assumption); 60-day limit of the Regulations on Letters and Visits"),
    ("petition", "partner", 0, 0, 0.0, 1.0, 0, 60, "flat", A),
]


def shares(weights: list[float]) -> list[float]:
    total = sum(weights)
    out = [round(w / total, 6) for w in weights]
    out[-1] = round(1 - sum(out[:-1]), 6)
    return out


def main() -> None:
    months = [f"m{m:02d}" for m in range(1, 13)]
    cols = ["case_type", "level", "yearly_volume", "counter_minutes", "backoffice_hours", "resolved_here_share",
            "referral_delay_days", "deadline_working_days", *months, "source"]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for ct, lvl, vol, cmin, boh, res, delay, dl, season, src in ROWS:
            w.writerow([ct, lvl, vol, cmin, boh, res, delay, dl, *shares(SEASONS[season]), src])
    print(f"wrote {OUT}: {len(ROWS)} rows")


if __name__ == "__main__":
    main()
