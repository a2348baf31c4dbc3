"""Regenerate data/sample_county/si_applicants.csv: fictional applicants for social-insurance continuation.

700 screened applicants (docs/DOMAIN.md §6.1: ~1,000 per county, derived from 2.853 million back-paid
nationally; 300 more are modelled as a not-yet-screened cohort in scenario.yaml). All assumptions:
discharged 2000-2012; interruption starts 1-6 years after discharge and lasts 3-12 years, ending
no later than 2019-06; status 60% eligible, 10% ineligible, 30% pending; 8% self-employed or
retirement placements (ineligible by placement); 80% registered in 2027, the rest in 2028.
Run: python data/tools/make_sample_applicants.py  (deterministic, seed fixed below)
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SEED = 2027_05
N = 700
OUT = Path(__file__).resolve().parents[1] / "sample_county" / "si_applicants.csv"
LAST = 2019 * 12 + 5  # 2019-06


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = []
    for i in range(N):
        discharge = int(rng.integers(2000, 2013))
        start = (discharge + int(rng.integers(1, 7))) * 12 + int(rng.integers(0, 12))
        length = int(round(12 * rng.triangular(3, 7, 12)))
        end = min(start + length - 1, LAST)
        start = min(start, end - 11)
        placement = rng.choice(["government_arranged", "enterprise_placement", "self_employed", "retirement"],
                               p=[0.62, 0.30, 0.05, 0.03])
        status = rng.choice(["eligible", "ineligible", "pending"], p=[0.6, 0.1, 0.3])
        rows.append({
            "person_id": f"P{i + 1:04d}", "discharge_year": discharge, "placement": placement,
            "interrupted_from": f"{start // 12}-{start % 12 + 1:02d}", "interrupted_to": f"{end // 12}-{end % 12 + 1:02d}",
            "status": status, "registered_year": 2027 if rng.random() < 0.8 else 2028, "region_tier": "",
        })
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} applicants to {OUT}")


if __name__ == "__main__":
    main()
