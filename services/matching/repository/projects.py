"""SQL for the scored projects matching keeps: newest scores, withdrawals, live facts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from asyncpg import Record

from matching.matching.project_facts import ProjectFacts
from schemas.scoring import Flag, ProjectScored
from schemas.vocabulary import City, Instrument, ProjectFamily
from servicekit.db import Connection, Executor


async def keep_newer_scores(
    con: Connection, events: Sequence[ProjectScored]
) -> list[ProjectScored]:
    """Upsert the project read model; returns the scores newer than what was stored."""
    latest: dict[uuid.UUID, ProjectScored] = {}
    for e in events:
        old = latest.get(e.project_id)
        if old is None or (old.project_version, old.scored_at) < (e.project_version, e.scored_at):
            latest[e.project_id] = e
    if not latest:
        return []
    latest = dict(sorted(latest.items()))  # rows locked in one order, as every writer does
    rows = await con.fetch(
        "INSERT INTO projects (project_id, project_version, enterprise_id, scored, scored_at)"
        " SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::jsonb[], $5::timestamptz[])"
        " ON CONFLICT (project_id) DO UPDATE SET project_version = EXCLUDED.project_version,"
        " scored = EXCLUDED.scored, scored_at = EXCLUDED.scored_at"
        " WHERE NOT projects.withdrawn AND (projects.project_version, projects.scored_at)"
        " < (EXCLUDED.project_version, EXCLUDED.scored_at) RETURNING project_id",
        [e.project_id for e in latest.values()],
        [e.project_version for e in latest.values()],
        [e.enterprise_id for e in latest.values()],
        [e.model_dump(mode="json") for e in latest.values()],
        [e.scored_at for e in latest.values()],
    )
    fresh = {r["project_id"] for r in rows}
    return [e for e in latest.values() if e.project_id in fresh]


async def withdraw_projects(con: Connection, project_ids: Sequence[uuid.UUID]) -> None:
    await con.execute(
        "INSERT INTO projects (project_id, project_version, enterprise_id, withdrawn, scored,"
        " scored_at) SELECT id, 0, '00000000-0000-0000-0000-000000000000', true, '{}'::jsonb,"
        " now() FROM unnest($1::uuid[]) AS id ON CONFLICT (project_id) DO UPDATE"
        " SET withdrawn = true",
        sorted(set(project_ids)),
    )


@dataclass(frozen=True)
class ProjectStanding:
    """Whether a project may still be lent to: its newest stored version, and why not."""

    project_version: int
    withdrawn: bool
    rejected: bool
    flags: tuple[Flag, ...]


async def project_standing(con: Executor, project_id: uuid.UUID) -> ProjectStanding | None:
    row = await con.fetchrow(
        "SELECT project_version, withdrawn, rejected, scored->'flags' AS flags FROM projects"
        " WHERE project_id = $1",
        project_id,
    )
    if row is None:
        return None
    flags = tuple(Flag.model_validate(f, extra="ignore") for f in row["flags"] or ())
    return ProjectStanding(row["project_version"], row["withdrawn"], row["rejected"], flags)


# Generated columns of `projects` (migrations 0003 and 0005) hold each score's facts, so a
# re-match over 200,000 projects neither parses nor de-TOASTs a single snapshot.
# tests/integration/test_matching_live_facts.py checks they agree with facts_from_scored().
_FACT_COLUMNS = (
    "SELECT project_id, project_version, enterprise_id, family, city,"
    " eligible_instruments AS instruments, financing_need_cny, capex_cny, tenor_months, score,"
    " annual_tco2e, tco2e_per_10k_cny, abatement_cost_cny_per_tco2e, high_energy_high_emission,"
    " plausibility_flagged"
)
_LIVE_FACTS = f"{_FACT_COLUMNS} FROM projects WHERE NOT withdrawn AND NOT rejected"


async def live_project_facts(con: Executor) -> list[ProjectFacts]:
    """What matching tests of every live (neither withdrawn nor rejected) project, without
    parsing whole snapshots."""
    return _facts(await con.fetch(_LIVE_FACTS))


async def project_facts_after(
    con: Executor, after: uuid.UUID | None, limit: int
) -> tuple[list[ProjectFacts], uuid.UUID | None]:
    """The next `limit` stored projects by id after `after`, share-locked until commit: the
    facts of the live ones, and the last id covered (None once no project is left).

    The lock keeps a newer score or a withdrawal of these projects waiting until the deals
    matched from these facts are committed; it then sees them and settles them itself.
    """
    rows = await con.fetch(
        f"{_FACT_COLUMNS}, withdrawn OR rejected AS gone FROM projects"
        " WHERE project_id > $1 ORDER BY project_id LIMIT $2 FOR SHARE",
        after or uuid.UUID(int=0),
        limit,
    )
    last = rows[-1]["project_id"] if rows else None
    return _facts(r for r in rows if not r["gone"]), last


def _facts(rows: Iterable[Record]) -> list[ProjectFacts]:
    instrument_sets: dict[tuple[str, ...], frozenset[Instrument]] = {}

    def instruments(names: list[str]) -> frozenset[Instrument]:
        key = tuple(names)  # few distinct combinations: build each set once
        if key not in instrument_sets:
            instrument_sets[key] = frozenset(Instrument(n) for n in names)
        return instrument_sets[key]

    return [
        ProjectFacts(
            project_id=r["project_id"],
            project_version=r["project_version"],
            enterprise_id=r["enterprise_id"],
            family=ProjectFamily(r["family"]),
            city=City(r["city"]),
            instruments=instruments(r["instruments"]),
            financing_need_cny=r["financing_need_cny"],
            capex_cny=r["capex_cny"],
            tenor_months=r["tenor_months"],
            score=r["score"],
            annual_tco2e=r["annual_tco2e"],
            tco2e_per_10k_cny=r["tco2e_per_10k_cny"],
            abatement_cost_cny_per_tco2e=r["abatement_cost_cny_per_tco2e"],
            high_energy_high_emission=r["high_energy_high_emission"],
            plausibility_flagged=r["plausibility_flagged"],
        )
        for r in rows
    ]


async def live_scores(
    con: Executor, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ProjectScored]:
    """The stored scores of these live projects, whole (for the deals they open).

    The rows stay share-locked until commit, so a withdrawal or a rejecting score of one of
    them waits for the deals opened here and then withdraws them (withdrawal wins).
    """
    rows = await con.fetch(
        "SELECT scored FROM projects WHERE project_id = ANY($1::uuid[]) AND NOT withdrawn"
        " AND NOT rejected ORDER BY project_id FOR SHARE",
        list(project_ids),
    )
    parsed = (ProjectScored.model_validate(r["scored"], extra="ignore") for r in rows)
    return {s.project_id: s for s in parsed}
