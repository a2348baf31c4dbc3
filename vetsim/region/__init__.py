"""Regions: a city or province of many counties (loading, summary, allocation of funded posts)."""

from .load import County, Region, RegionSpec, load_region

__all__ = ["County", "Region", "RegionSpec", "load_region"]
