"""The mandates a bulk pipeline run matches its projects against, registered through the
matching API as lenders would: the seeded lenders' own, or any number of synthetic ones.

The throughput target is stated for both (the seeded book and 10,000 synthetic mandates), and
the cost of matching grows with the deals each project opens, so every run names its book and
reports the deals it opened.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass

import httpx

from deploy.seed import load_lenders
from servicekit.auth import Role
from servicekit.issuer import mint
from tests.support.matching_samples import synthetic_spec
from tests.support.samples import lender_body

MANDATES_PER_LENDER = 100  # a provincial bank's book of branch programmes
CONCURRENT_REQUESTS = 16
ATTEMPTS = 3
_LENDERS = uuid.UUID("3a4b5c6d-0000-4000-8000-00000000b00c")  # namespace of synthetic lenders


@dataclass(frozen=True)
class MandateBook:
    """`synthetic` random mandates of `tests.support.matching_samples` (seeded, repeatable),
    spread over lenders of `MANDATES_PER_LENDER`; 0 means the lenders of `seeds/lenders.json`."""

    synthetic: int = 0
    seed: int = 7

    @property
    def name(self) -> str:
        return f"{self.synthetic:,} synthetic mandates" if self.synthetic else "seeded mandates"

    def register(self, matching: str) -> int:
        """Register the whole book with the matching API at `matching`; the mandate count."""
        if not self.synthetic:
            with httpx.Client(timeout=60) as client:
                return load_lenders(client, matching)[1]
        return asyncio.run(self._register_synthetic(matching))

    async def _register_synthetic(self, matching: str) -> int:
        rng = random.Random(self.seed)
        specs = [synthetic_spec(rng).model_dump(mode="json") for _ in range(self.synthetic)]
        gate = asyncio.Semaphore(CONCURRENT_REQUESTS)
        async with httpx.AsyncClient(base_url=matching, timeout=60) as client:

            async def post(path: str, body: dict[str, object], token: str) -> None:
                """Sent again, under the same Idempotency-Key, when a kept-alive connection
                closes under it: the service runs it once either way."""
                headers = {
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": str(uuid.uuid4()),
                }
                async with gate:
                    for attempt in range(ATTEMPTS):
                        try:
                            response = await client.post(path, json=body, headers=headers)
                            break
                        except httpx.TransportError:
                            if attempt == ATTEMPTS - 1:
                                raise
                    response.raise_for_status()

            for first in range(0, len(specs), MANDATES_PER_LENDER):
                token = mint(Role.LENDER, uuid.uuid5(_LENDERS, f"{self.seed}/{first}"))
                await post("/v1/lenders", lender_body(name=f"synthetic lender {first}"), token)
                chunk = specs[first : first + MANDATES_PER_LENDER]
                await asyncio.gather(*(post("/v1/mandates", s, token) for s in chunk))
        return len(specs)
