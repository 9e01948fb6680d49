"""Distances on the WGS84 ellipsoid and travel-time estimates by transport mode.

Distance model: Lambert's formula for long lines on the ellipsoid (reduced latitudes, the central
angle by the haversine formula, then a first-order flattening correction). It is vectorised with
numpy and agrees with ``geopy.distance.geodesic`` (Karney) to well under 0.1 % for the distances
that matter here (tens of metres to a few hundred km); the spatial pre-filter uses the plain
haversine metric with a safety margin (see ``prefilter_radius_rad``).

Travel model: minutes = overhead + straight-line km × detour factor / speed × 60. It is deliberately
simple: it does not know the road network or timetables, so treat ``travel_minutes`` as an estimate
to sort and filter by, not a journey plan. All constants are named here with the reason for their
value; change them here and nowhere else.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SPEED_KMH",
    "DETOUR_FACTOR",
    "OVERHEAD_MINUTES",
    "geodesic_km",
    "travel_minutes",
    "max_distance_km",
    "prefilter_radius_rad",
]

#: WGS84 semi-major axis in km and flattening (the ellipsoid GPS and geopy use).
WGS84_A_KM = 6378.137
WGS84_F = 1 / 298.257223563
#: WGS84 semi-minor (polar) axis in km: the smallest radius of curvature scale on the ellipsoid,
#: used to turn a km radius into a conservative haversine angle for the pre-filter.
WGS84_B_KM = WGS84_A_KM * (1 - WGS84_F)

#: Average door-to-door speed in km/h, per transport mode.
SPEED_KMH: dict[str, float] = {
    # A calm walking pace; 5 km/h is the usual adult figure, many borgere walk slower.
    "walk": 4.5,
    # Danish commuter cyclists average 15–16 km/h (Cykelregnskab, København); we take the lower end.
    "bike": 15.0,
    # In-vehicle average of city buses (~18–20 km/h) mixed with S-tog/regional trains (40+ km/h).
    "public": 25.0,
    # Mixed urban and regional roads including junctions and queues.
    "car": 45.0,
}

#: Road/path distance ÷ straight-line distance. Network circuity studies find 1.2–1.4 for Danish
#: and other European networks; public transport follows fixed lines, so it detours most.
DETOUR_FACTOR: dict[str, float] = {
    "walk": 1.25,  # paths and shortcuts
    "bike": 1.25,  # cycle paths follow roads but allow shortcuts
    "public": 1.4,  # routes wind through neighbourhoods and via hubs
    "car": 1.3,  # roads, one-way streets
}

#: Fixed minutes added to every trip, independent of distance.
OVERHEAD_MINUTES: dict[str, float] = {
    "walk": 0.0,
    "bike": 2.0,  # unlock and park the bike
    # Walk to the stop (~5 min) plus waiting and one transfer: half the typical 10–20 min headway.
    "public": 12.0,
    "car": 5.0,  # find parking and walk from it
}

#: Relative margin on the pre-filter radius so that the haversine sphere never cuts off a target
#: that the ellipsoidal distance would keep (sphere vs ellipsoid differ by < 0.6 %).
PREFILTER_MARGIN = 0.01


def geodesic_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Ellipsoidal (WGS84) distance in km between points given in decimal degrees.

    Arguments broadcast like numpy arrays (e.g. one candidate against an array of targets).
    Accurate to about 0.01 % for distances below 1,000 km; 0 for identical points.
    """
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))
    # Reduced (parametric) latitudes.
    b1 = np.arctan((1 - WGS84_F) * np.tan(lat1))
    b2 = np.arctan((1 - WGS84_F) * np.tan(lat2))
    # Central angle between the reduced points (haversine: stable for short distances).
    h = np.sin((b2 - b1) / 2) ** 2 + np.cos(b1) * np.cos(b2) * np.sin((lon2 - lon1) / 2) ** 2
    sigma = 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    p = (b1 + b2) / 2
    q = (b2 - b1) / 2
    sin_half = np.sin(sigma / 2)
    cos_half = np.cos(sigma / 2)
    sin_sigma = np.sin(sigma)
    # Lambert's correction terms; guard the 0/0 at sigma = 0 (identical points) and sigma = pi.
    safe_sin = np.where(sin_half == 0, 1.0, sin_half)
    safe_cos = np.where(cos_half == 0, 1.0, cos_half)
    x = (sigma - sin_sigma) * (np.sin(p) * np.cos(q)) ** 2 / safe_cos**2
    y = (sigma + sin_sigma) * (np.cos(p) * np.sin(q)) ** 2 / safe_sin**2
    x = np.where(cos_half == 0, 0.0, x)
    y = np.where(sin_half == 0, 0.0, y)
    return WGS84_A_KM * (sigma - WGS84_F / 2 * (x + y))


def travel_minutes(distance_km, transport: str) -> np.ndarray:
    """Estimated one-way travel time in minutes for straight-line ``distance_km`` by ``transport``."""
    d = np.asarray(distance_km, dtype=np.float64)
    return OVERHEAD_MINUTES[transport] + d * DETOUR_FACTOR[transport] / SPEED_KMH[transport] * 60.0


def max_distance_km(minutes: float, transport: str) -> float:
    """Largest straight-line distance in km reachable within ``minutes`` by ``transport`` (>= 0)."""
    usable = max(0.0, float(minutes) - OVERHEAD_MINUTES[transport])
    return usable / 60.0 * SPEED_KMH[transport] / DETOUR_FACTOR[transport]


def prefilter_radius_rad(distance_km: float) -> float:
    """Haversine angle (radians) that safely covers every point within ``distance_km`` on the ellipsoid."""
    return distance_km * (1 + PREFILTER_MARGIN) / WGS84_B_KM
