"""The active factor set and plausibility model, cached per version across batches."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring import repository
from scoring.estimate.factors import FactorSet
from scoring.plausibility.peer_model import PlausibilityModel
from servicekit.db import Executor
from servicekit.errors import Unprocessable


@dataclass(frozen=True)
class Active:
    """What a score is computed with; both ids go into every score record."""

    factors: FactorSet
    model: PlausibilityModel | None

    @property
    def model_version(self) -> str:
        return self.model.version if self.model else "none"


@dataclass
class ScoringContext:
    """Reads which versions are active (one small query) and caches their bodies."""

    _factor_sets: dict[str, FactorSet] = field(default_factory=dict)
    _models: dict[str, PlausibilityModel] = field(default_factory=dict)

    async def active(self, con: Executor) -> Active:
        factor_set_id, model_version = await repository.active_versions(con)
        if factor_set_id is None:
            raise Unprocessable("no active emission-factor set", field="factor_set")
        if factor_set_id not in self._factor_sets:
            for s, _ in await repository.factor_sets(con):
                self._factor_sets[s.id] = s
        model = None
        if model_version != "none":
            if model_version not in self._models:
                body = await repository.model_body(con, model_version)
                if body is not None:
                    self._models[model_version] = PlausibilityModel.from_bytes(body)
            model = self._models.get(model_version)
        return Active(self._factor_sets[factor_set_id], model)

    def forget_factor_sets(self) -> None:
        self._factor_sets.clear()
