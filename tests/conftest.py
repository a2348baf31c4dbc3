"""Shared fixtures: paths of the bundled scenarios."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Simulation results the tests cache (vetsim.cache) go to a scratch folder, never the user's cache.
os.environ.setdefault("VETSIM_CACHE", tempfile.mkdtemp(prefix="vetsim-test-cache-"))
# The command line speaks English under an English locale; the tests expect its default, Chinese.
for _var in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_var, "").lower().startswith("en"):
        os.environ[_var] = "C.UTF-8"

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_county"
PROPOSAL = ROOT / "data" / "proposal_more_staff"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def proposal_path() -> Path:
    return PROPOSAL


@pytest.fixture(scope="session")
def sample():
    import vetsim

    return vetsim.load_scenario(SAMPLE)


@pytest.fixture(scope="session")
def proposal():
    import vetsim

    return vetsim.load_scenario(PROPOSAL)
