"""Ledger records drawn from a known scenario: the truth a calibration must recover (issue 12, item 5).

Why the simulation and not a separate generator: the records are then drawn from the model's own
generating process (arrivals, channels, referrals, trips, resolution times), so a fit that recovers
the scenario's numbers from them shows that the fit and the model agree. Every simulated case that
arrived in the window becomes one matter: a walk-in case of a non-petition type is written to the
visitor ledger (``visits``) once per trip, a petition to the petition ledger, any other case to the
station's case records (``cases``). Personal data are fake: a random 16-hex pseudonym per person
(all trips of one matter share it), a birth band and a sex. The messy-spreadsheet rendering of these
records is ``vetsim.ledger.synthetic.render_ledger`` (the import's package).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import VetsimError
from ..ledgerfit.schema import MATTER_COLUMNS, MATTER_KINDS, REGISTER_COLUMNS, SEXES
from ..scenario import Overlay, Scenario
from ..sim import Results, simulate
from ..wording import both

__all__ = ["draw_records", "simulate_years", "records_from_results", "DrawError", "SIM_CHANNEL"]

# simulation channel -> ledger channel (petitions keep "hotline" for 12345/12397)
SIM_CHANNEL = {"walk_in": "visit", "hotline": "phone", "online": "online", "letter": "letter"}
_MAX_YEARS = 10


class DrawError(VetsimError, ValueError):
    """Bad arguments to :func:`draw_records`."""


def simulate_years(scenario: Scenario, years: float = 2, seed: int = 0, replications: int = 1,
                   start: dt.date | None = None) -> tuple[Scenario, Results]:
    """The scenario run over ``years`` (365-day years) from ``start`` (default: its own start date)."""
    if not 0 < years <= _MAX_YEARS:
        raise DrawError(*both("calibration.draw_years", years=years, most=_MAX_YEARS))
    update: dict = {"days": int(round(365 * years))}
    if start is not None:
        update["start_date"] = start
    long = Overlay({"simulation": update}, label="simulate_years").apply(scenario)
    return long, simulate(long, replications=replications, seed=seed)


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    raw = rng.integers(0, 2**63, size=(n, 1), dtype=np.int64)
    return np.array([f"{int(x):016x}" for x in raw[:, 0]], dtype=object)


def records_from_results(scenario: Scenario, res: Results, replication: int = 0,
                         seed: int = 0) -> dict[str, pd.DataFrame]:
    """Ledger records (schema of ``vetsim.ledgerfit.schema``) of one replication of ``res``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 12]))
    c = res.cases
    c = c[(c["replication"] == replication) & ~c["from_backlog"]].reset_index(drop=True)
    start = np.datetime64(scenario.spec.simulation.start_date, "D")
    n = len(c)
    arr = c["arrival_day"].to_numpy(np.int64)
    fin = c["finish_day"].to_numpy(float)
    fin_days = np.where(np.isnan(fin), 0, fin).astype(np.int64)
    resolved = (start + fin_days.astype("timedelta64[D]")).astype("datetime64[ns]")
    resolved[np.isnan(fin)] = np.datetime64("NaT")
    hops = c["path"].astype(str).str.split(">")
    first_hop = np.array([h[1] if len(h) > 1 else "" for h in hops], dtype=object)
    sites = set(scenario.site_index)
    to_site = np.array([h in sites for h in first_hop], dtype=bool)
    handed = np.where(to_site, first_hop, "").astype(object)  # a referral (or a walk-in sent on) to a site
    referred = np.where(to_site, "", first_hop).astype(object)  # a referral to a partner department
    nobody = _found_nobody(c, res, replication)
    later = c["sent_on_unstaffed"].to_numpy(bool) & ~nobody if "sent_on_unstaffed" in c.columns else np.zeros(n, bool)
    channel = c["channel"].astype(str).map(SIM_CHANNEL).to_numpy(object)
    petition = {k for k, v in scenario.spec.case_types.items() if v.is_petition}
    is_pet = c["case_type"].astype(str).isin(petition).to_numpy()
    channel = np.where(is_pet & (channel == "phone"), "hotline", channel)
    kind = np.where(is_pet, "petitions", np.where(channel == "visit", "visits", "cases"))
    person = _hex_ids(rng, n)
    decade = rng.choice(np.arange(1940, 2010, 10), size=n, p=_DECADE_P)
    band = np.array([f"{d}-{d + 9}" for d in decade], dtype=object)
    sex = np.where(rng.random(n) < 0.93, SEXES[0], SEXES[1]).astype(object)
    # one row per trip for walk-ins in the visitor ledger, else one row per matter
    trips = c["trips"].to_numpy(np.int64)
    reps = np.where(kind == "visits", np.maximum(trips, 1), 1)
    idx = np.repeat(np.arange(n), reps)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(reps) - reps, reps)  # trip number 0, 1, ...
    end = np.where(np.isnan(fin), res.meta["days"] - 1, fin)[idx]
    # later trips: between arrival and resolution, at most a return delay apart (the model's return
    # visits), so that the trips of one matter stay one matter in the fit (vetsim.ledgerfit.matters)
    step = scenario.spec.simulation.return_delay_days.value * 7.0 / 5.0
    gap = np.minimum(np.maximum(end - arr[idx], 0) / np.maximum(reps[idx], 1), step)
    trip_day = arr[idx] + np.floor(k * gap).astype(np.int64)
    frame = pd.DataFrame({
        "kind": kind[idx],
        "date": (start + trip_day.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "site_id": c["origin_site"].astype(str).to_numpy(object)[idx],
        "level": c["origin_level"].astype(str).to_numpy(object)[idx],
        "case_type": c["case_type"].astype(str).to_numpy(object)[idx],
        "channel": channel[idx],
        "on_spot": c["on_spot"].to_numpy(bool)[idx] & (k == 0),
        "resolved_date": resolved[idx],
        "referred_to": referred[idx],
        "handed_to": handed[idx],
        # "无人接待": on the first trip when the station was unstaffed on the arrival day, else on the last
        # trip of a walk-in who later found it unstaffed and went on to the parent (its date is the draw's)
        "found_nobody": (nobody[idx] & (k == 0)) | (later[idx] & (k == reps[idx] - 1)),
        "person": person[idx],
        "birth_band": band[idx],
        "sex": sex[idx],
    })
    out: dict[str, pd.DataFrame] = {}
    for kd in MATTER_KINDS:
        part = frame[frame["kind"] == kd].sort_values(["date", "site_id"], kind="stable").reset_index(drop=True)
        part.insert(0, "record_id", [f"{kd[0].upper()}{i + 1:07d}" for i in range(len(part))])
        part["source_file"] = f"synthetic_{kd}.xlsx"
        part["source_sheet"] = kd
        part["source_row"] = np.arange(len(part), dtype=np.int64) + 3  # below a title row and the header
        out[kd] = part[list(MATTER_COLUMNS)]
    people = frame.drop_duplicates("person")
    reg = pd.DataFrame({"kind": "register", "site_id": people["site_id"].to_numpy(object),
                        "level": people["level"].to_numpy(object), "person": people["person"].to_numpy(object),
                        "birth_band": people["birth_band"].to_numpy(object), "sex": people["sex"].to_numpy(object),
                        "group": "veteran"})
    reg.insert(0, "record_id", [f"R{i + 1:07d}" for i in range(len(reg))])
    reg["source_file"], reg["source_sheet"] = "synthetic_register.xlsx", "register"
    reg["source_row"] = np.arange(len(reg), dtype=np.int64) + 3
    out["register"] = reg[list(REGISTER_COLUMNS)]
    return out


def _found_nobody(c: pd.DataFrame, res: Results, replication: int) -> np.ndarray:
    """Per case: a walk-in whose first trip found its station unstaffed (written "无人接待" in the ledger).

    The engine staffs a site's counter for a whole day, so every visit on a day when one visit found
    nobody found nobody: a walk-in case did when its origin site was unstaffed on its arrival day.
    """
    v = res.visits
    v = v[(v["replication"] == replication) & v["found_nobody"]]
    shut = set(zip(v["site_id"].astype(str), v["day"].astype(np.int64)))
    if not shut:
        return np.zeros(len(c), dtype=bool)
    walk = (c["channel"].astype(str) == "walk_in").to_numpy()
    keys = zip(c["origin_site"].astype(str), c["arrival_day"].astype(np.int64))
    return walk & np.fromiter((k in shut for k in keys), bool, len(c))


# birth decades 1940s..2000s of veterans who come to a station (assumption, fake data only)
_DECADE_P = np.array([0.04, 0.12, 0.22, 0.24, 0.18, 0.12, 0.08])


def draw_records(scenario: Scenario, years: float = 2, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Records of ``years`` of the scenario's own process (one simulation replication), by kind.

    The truth is the scenario itself: its caseload rows give the expected yearly volumes,
    resolved-here shares and seasonal patterns the records are drawn from.
    """
    long, res = simulate_years(scenario, years, seed)
    return records_from_results(long, res, 0, seed)
