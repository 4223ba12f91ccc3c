"""Learned plausibility: a robust peer model per project type over log intensities.

Per type with at least MIN_PEERS usable rows, scikit-learn's MinCovDet (fixed random_state)
estimates a location and covariance that a few exaggerated claims cannot drag; a project whose
robust Mahalanobis distance exceeds the chi-square cutoff is flagged, and the reason names the
feature that strays furthest, its value and the peers' 5th–95th percentile range. Rows are
sorted before fitting and hashing, so the same data in any order gives the same version and
the same flags. The fitted model is plain numbers (JSON bytes), so the database can hold it.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import orjson
from scipy.stats import chi2

from schemas.scoring import Flag, FlagSeverity
from schemas.vocabulary import ProjectType
from scoring.plausibility.intensity import (
    FEATURE_FIELDS,
    FEATURE_UNITS,
    FEATURES,
    FEATURES_OF_TYPE,
    PER_10K_CNY,
    PER_HA,
    PER_MW,
    FloatArray,
    IntensityRow,
    log_intensities,
    raw_intensities,
)

MIN_PEERS = 8
QUANTILE = 0.999
LOG_SD_FLOOR = 0.1
RANDOM_STATE = 0
PEER_PERCENTILES = (5.0, 95.0)
CUTOFFS = {df: float(chi2.ppf(QUANTILE, df=df)) for df in range(1, len(FEATURES) + 1)}
PARAMS = {
    "format": 1,
    "min_peers": MIN_PEERS,
    "quantile": QUANTILE,
    "log_sd_floor": LOG_SD_FLOOR,
    "random_state": RANDOM_STATE,
    "peer_percentiles": PEER_PERCENTILES,
}


@dataclass(frozen=True)
class PeerModel:
    """Robust location and covariance of one type's log intensities, plus readable ranges."""

    features: tuple[str, ...]
    location: tuple[float, ...]
    covariance: tuple[tuple[float, ...], ...]
    peer_low: tuple[float, ...]
    peer_high: tuple[float, ...]
    n_peers: int


def _feature_columns(project_type: ProjectType) -> list[int]:
    return [FEATURES.index(f) for f in FEATURES_OF_TYPE[project_type]]


def _robust_fit(logs: FloatArray) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    from sklearn.covariance import MinCovDet

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = MinCovDet(random_state=RANDOM_STATE).fit(logs)
        return fit.location_, fit.covariance_, np.asarray(fit.support_, dtype=bool)
    except (ValueError, np.linalg.LinAlgError):
        width = logs.shape[1]
        return np.median(logs, axis=0), np.zeros((width, width)), np.ones(len(logs), dtype=bool)


def _fit_type(raw: FloatArray, logs: FloatArray, project_type: ProjectType) -> PeerModel:
    location, covariance, support = _robust_fit(logs)
    covariance = covariance + LOG_SD_FLOOR**2 * np.eye(logs.shape[1])
    low, high = np.percentile(raw[support], PEER_PERCENTILES, axis=0)
    return PeerModel(
        features=FEATURES_OF_TYPE[project_type],
        location=tuple(float(v) for v in location),
        covariance=tuple(tuple(float(v) for v in row) for row in covariance),
        peer_low=tuple(float(v) for v in low),
        peer_high=tuple(float(v) for v in high),
        n_peers=int(raw.shape[0]),
    )


def _usable(
    rows: Sequence[IntensityRow], project_type: ProjectType
) -> tuple[FloatArray, FloatArray]:
    mine = [r for r in rows if r.type is project_type]
    if not mine:
        empty = np.empty((0, len(FEATURES_OF_TYPE[project_type])))
        return empty, empty
    columns = _feature_columns(project_type)
    raw = raw_intensities(mine)[:, columns]
    logs = log_intensities(raw)
    keep = np.isfinite(logs).all(axis=1)
    order = np.lexsort(logs[keep].T[::-1])
    return raw[keep][order], logs[keep][order]


def train(rows: Sequence[IntensityRow]) -> PlausibilityModel:
    """Fit one peer model per type that has at least MIN_PEERS usable rows; the version hashes
    the parameters, the scikit-learn release and the sorted training data."""
    import sklearn

    params = PARAMS | {"sklearn": sklearn.__version__}
    digest = hashlib.sha256(orjson.dumps(params, option=orjson.OPT_SORT_KEYS))
    peers: dict[ProjectType, PeerModel] = {}
    for project_type in ProjectType:
        raw, logs = _usable(rows, project_type)
        digest.update(project_type.value.encode() + np.ascontiguousarray(logs).tobytes())
        if logs.shape[0] >= MIN_PEERS:
            peers[project_type] = _fit_type(raw, logs, project_type)
    return PlausibilityModel(version=digest.hexdigest()[:16], peers=peers)


@dataclass(frozen=True)
class PlausibilityModel:
    """Versioned peer models; types without one are checked by hard rules only."""

    version: str
    peers: dict[ProjectType, PeerModel]

    def assess(self, rows: Sequence[IntensityRow]) -> list[list[Flag]]:
        """Outlier flags per row (empty for rows of types the model does not cover)."""
        flags: list[list[Flag]] = [[] for _ in rows]
        if not rows:
            return flags
        raw = raw_intensities(list(rows))
        logs = log_intensities(raw)
        by_type: dict[ProjectType, list[int]] = {}
        for i, r in enumerate(rows):
            if r.type in self.peers:
                by_type.setdefault(r.type, []).append(i)
        for project_type, members in by_type.items():
            index = np.array(members)
            columns = _feature_columns(project_type)
            mine = np.ix_(index, np.array(columns))
            for i, flag in _outliers(self.peers[project_type], raw[mine], logs[mine]):
                flags[members[i]].append(flag)
        return flags

    def annual_ceiling(self, row: IntensityRow) -> float:
        """The most tCO2e/yr the peers' upper bound (95th percentile of each intensity)
        credits this row with; infinite for a type the model does not cover."""
        peer = self.peers.get(row.type)
        if peer is None:
            return math.inf
        denominators = {
            PER_MW: row.capacity_mw,
            PER_10K_CNY: float(row.capex_cny) / 1e4,
            PER_HA: row.area_ha,
        }
        return min(
            (
                high * denominator
                for feature, high in zip(peer.features, peer.peer_high, strict=True)
                if (denominator := denominators[feature])
            ),
            default=math.inf,
        )

    def to_bytes(self) -> bytes:
        """JSON bytes for the database (numbers only, no pickled code)."""
        body = {
            "version": self.version,
            "params": PARAMS,
            "peers": {t.value: vars(p) for t, p in self.peers.items()},
        }
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY)

    @classmethod
    def from_bytes(cls, data: bytes) -> PlausibilityModel:
        """Inverse of `to_bytes`."""
        body = orjson.loads(data)
        peers = {
            ProjectType(t): PeerModel(
                features=tuple(p["features"]),
                location=tuple(p["location"]),
                covariance=tuple(tuple(r) for r in p["covariance"]),
                peer_low=tuple(p["peer_low"]),
                peer_high=tuple(p["peer_high"]),
                n_peers=p["n_peers"],
            )
            for t, p in body["peers"].items()
        }
        return cls(version=body["version"], peers=peers)


def _outliers(peer: PeerModel, raw: FloatArray, logs: FloatArray) -> list[tuple[int, Flag]]:
    location = np.asarray(peer.location)
    covariance = np.asarray(peer.covariance)
    found: list[tuple[int, Flag]] = []
    available = np.isfinite(logs)
    for mask in {tuple(m) for m in available.tolist()}:
        cols = np.flatnonzero(mask)
        if cols.size == 0:
            continue
        members = np.flatnonzero((available == np.array(mask)).all(axis=1))
        delta = logs[np.ix_(members, cols)] - location[cols]
        sub = covariance[np.ix_(cols, cols)]
        distance2 = np.einsum("ij,ij->i", delta @ np.linalg.inv(sub), delta)
        cutoff = CUTOFFS[cols.size]
        z = delta / np.sqrt(np.diag(sub))
        for k in np.flatnonzero(distance2 > cutoff):
            j = int(np.argmax(np.abs(z[k])))
            row = int(members[k])
            found.append((row, _flag(peer, int(cols[j]), float(raw[row, cols[j]]), z[k, j] > 0)))
    return found


def _flag(peer: PeerModel, column: int, value: float, above: bool) -> Flag:
    feature = peer.features[column]
    low, high = peer.peer_low[column], peer.peer_high[column]
    direction = "above" if above else "below"
    worry = "possible overstatement of the reduction" if above else "check units and inputs"
    return Flag(
        code=f"intensity_{direction}_peers",
        field=FEATURE_FIELDS[feature],
        severity=FlagSeverity.WARN,
        reason=(
            f"{feature} = {value:,.4g} {FEATURE_UNITS[feature]} is far {direction} the range of "
            f"{peer.n_peers} peer projects of this type ({low:,.4g} to {high:,.4g}, 5th-95th "
            f"percentile): {worry}"
        ),
    )
