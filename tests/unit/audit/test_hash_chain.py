"""The hash chain: canonical bytes are stable and a re-walk names the first tampered entry."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from datetime import UTC, datetime

import orjson
import pytest

from audit.ledger.chain import GENESIS_HASH, Entry, canonical_json, chain_hash, checkpoint_due, link
from audit.ledger.chain_walk import Break, ChainWalk, StoredEntry
from schemas.envelope import Envelope

pytestmark = pytest.mark.unit


def envelope(n: int, **data: object) -> Envelope:
    return Envelope(
        id=uuid.UUID(int=n + 1),
        source="test",
        type="deal.responded.v1",
        time=datetime(2026, 1, 1, 8, n % 60, tzinfo=UTC),
        subject=str(uuid.UUID(int=1000 + n)),
        traceparent=f"00-{n + 1:032x}-{n + 1:016x}-01",
        data={"project_id": str(uuid.UUID(int=5000 + n)), "amount_cny": f"{n}.00", **data},
    )


def stored(entries: list[Entry]) -> list[StoredEntry]:
    return [StoredEntry(e.seq, e.index, e.prev_hash, e.hash, e.body) for e in entries]


def chain(n: int = 10) -> list[StoredEntry]:
    return stored(link(0, GENESIS_HASH, [envelope(i) for i in range(n)]))


def walk(
    entries: list[StoredEntry],
    head: StoredEntry | None = None,
    checkpoints: dict[int, bytes] | None = None,
) -> Break | None:
    last = head or entries[-1]
    w = ChainWalk(1, GENESIS_HASH, last.seq, checkpoints or {})
    return w.feed(entries) or w.finish(last.seq, last.hash)


def test_canonical_json_sorts_keys_at_every_depth_and_ignores_input_order() -> None:
    a = envelope(1, nested={"b": 1, "a": {"z": 1, "y": 2}})
    shuffled = dict(reversed(list(a.model_dump(mode="json").items())))
    shuffled["data"] = dict(reversed(list(shuffled["data"].items())))
    b = Envelope.model_validate(shuffled)
    assert canonical_json(a) == canonical_json(b)
    assert b'"nested":{"a":{"y":2,"z":1},"b":1}' in canonical_json(a)


def test_canonical_json_survives_a_round_trip_through_the_wire() -> None:
    original = envelope(3, ratio=0.1 + 0.2, text="浏阳风电场")
    again = Envelope.from_bytes(original.to_bytes())
    assert canonical_json(again) == canonical_json(original)
    assert orjson.loads(canonical_json(original))["data"]["ratio"] == 0.1 + 0.2


def test_each_hash_seals_the_previous_hash_and_the_body() -> None:
    entries = chain(3)
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
        assert after.hash == chain_hash(before.hash, after.body)


def test_linking_in_two_appends_gives_the_same_chain_as_one() -> None:
    envelopes = [envelope(i) for i in range(5)]
    first = link(0, GENESIS_HASH, envelopes[:2])
    second = link(2, first[-1].hash, envelopes[2:])
    assert first + second == link(0, GENESIS_HASH, envelopes)


def test_an_intact_chain_verifies_fed_whole_or_in_batches() -> None:
    entries = chain(10)
    assert walk(entries) is None
    w = ChainWalk(1, GENESIS_HASH, 10)
    for start in range(0, 10, 3):
        assert w.feed(entries[start : start + 3]) is None
    assert w.finish(10, entries[-1].hash) is None and w.checked == 10


def test_an_altered_body_is_named_with_expected_and_stored_hash() -> None:
    entries = chain(10)
    body = entries[4].body.replace(b'"4.00"', b'"4000.00"')
    entries[4] = dataclasses.replace(entries[4], body=body)
    broken = walk(entries)
    assert broken is not None
    assert (broken.seq, broken.problem) == (5, "hash_mismatch")
    assert broken.event_id == entries[4].index.event_id
    assert broken.expected_hash == chain_hash(entries[3].hash, body)
    assert broken.stored_hash == entries[4].hash


def test_a_deleted_entry_is_named_by_its_missing_seq() -> None:
    entries = chain(10)
    del entries[6]
    broken = walk(entries)
    assert broken is not None and (broken.seq, broken.problem) == (7, "missing_entry")


def test_a_deleted_tail_is_caught_by_the_head_and_by_checkpoints() -> None:
    entries = chain(10)
    head = entries[-1]
    broken = walk(entries[:8], head=head)
    assert broken is not None and (broken.seq, broken.problem) == (9, "missing_entry")
    w = ChainWalk(1, GENESIS_HASH, 8, {10: head.hash})
    assert w.feed(entries[:8]) is None
    later = w.finish(8, entries[7].hash)
    assert later is not None and later.problem == "missing_entry"


def test_a_deletion_hidden_by_renumbering_shows_as_a_prev_hash_mismatch() -> None:
    entries = chain(10)
    del entries[3]
    entries = [dataclasses.replace(e, seq=i + 1) for i, e in enumerate(entries)]
    broken = walk(entries)
    assert broken is not None and (broken.seq, broken.problem) == (4, "prev_hash_mismatch")


def test_an_inserted_entry_with_a_forged_hash_is_a_hash_mismatch() -> None:
    entries = chain(10)
    forged = stored(link(3, entries[2].hash, [envelope(99)]))[0]
    forged = dataclasses.replace(forged, hash=bytes(32))
    tampered = [*entries[:3], forged, *entries[3:]]
    tampered = [dataclasses.replace(e, seq=i + 1) for i, e in enumerate(tampered)]
    broken = walk(tampered)
    assert broken is not None and (broken.seq, broken.problem) == (4, "hash_mismatch")
    assert broken.event_id == forged.index.event_id


def test_an_inserted_entry_with_a_correct_hash_breaks_its_successor() -> None:
    entries = chain(10)
    forged = stored(link(3, entries[2].hash, [envelope(99)]))[0]
    tampered = [*entries[:3], forged, *entries[3:]]
    tampered = [dataclasses.replace(e, seq=i + 1) for i, e in enumerate(tampered)]
    broken = walk(tampered)
    assert broken is not None and (broken.seq, broken.problem) == (5, "prev_hash_mismatch")


def test_an_entry_appended_outside_the_chain_lies_beyond_the_head() -> None:
    entries = chain(10)
    extra = stored(link(10, entries[-1].hash, [envelope(42)]))
    broken = walk(entries + extra, head=entries[-1])
    assert broken is not None and (broken.seq, broken.problem) == (11, "beyond_head")


def test_a_consistently_rewritten_chain_is_caught_by_a_checkpoint() -> None:
    envelopes = [envelope(i) for i in range(10)]
    honest = stored(link(0, GENESIS_HASH, envelopes))
    envelopes[2] = envelope(2, amount_cny="999999.00")
    rewritten = stored(link(0, GENESIS_HASH, envelopes))
    broken = walk(rewritten, checkpoints={5: honest[4].hash})
    assert broken is not None and (broken.seq, broken.problem) == (5, "checkpoint_mismatch")


def test_index_columns_that_disagree_with_the_body_are_named() -> None:
    entries = chain(5)
    index = dataclasses.replace(entries[1].index, type="deal.matched.v1")
    entries[1] = dataclasses.replace(entries[1], index=index)
    broken = walk(entries)
    assert broken is not None and (broken.seq, broken.problem) == (2, "index_mismatch")


def test_deal_events_are_indexed_by_the_project_in_their_data() -> None:
    entry = link(0, GENESIS_HASH, [envelope(7)])[0]
    assert entry.index.project_id == uuid.UUID(int=5007)
    assert entry.index.subject == str(uuid.UUID(int=1007))


def test_checkpoints_fall_due_when_an_append_crosses_a_multiple() -> None:
    assert checkpoint_due(999, 1000, 1000)
    assert checkpoint_due(990, 2010, 1000)
    assert not checkpoint_due(1000, 1999, 1000)
