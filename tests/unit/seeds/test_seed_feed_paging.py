"""The seed flow reads a lender's whole feed and stops at its end, as the feed's contract says:
`next_cursor` is where to resume polling, so it is never empty."""

from __future__ import annotations

import uuid

import httpx
import pytest

from deploy import seed

pytestmark = pytest.mark.unit


def _feed_of(entries: int) -> httpx.MockTransport:
    """A feed of `entries` positions answering as matching does: a page after the cursor, and
    the last position (or the cursor itself, on an empty page) to resume from."""

    def answer(request: httpx.Request) -> httpx.Response:
        after = int(request.url.params.get("after", "0"))
        limit = int(request.url.params["limit"])
        positions = list(range(after + 1, min(after + limit, entries) + 1))
        items = [{"position": p, "event_type": "deal.matched.v1"} for p in positions]
        cursor = str(positions[-1]) if positions else str(after)
        return httpx.Response(200, json={"items": items, "next_cursor": cursor})

    return httpx.MockTransport(answer)


@pytest.mark.parametrize("entries", [0, 3, seed.FEED_PAGE, seed.FEED_PAGE * 2 + 7])
def test_the_seed_flow_reads_a_whole_feed_once_and_stops_at_its_end(entries: int) -> None:
    with httpx.Client(transport=_feed_of(entries)) as client:
        read = seed._whole_feed(client, uuid.uuid4(), {})
    assert [e["position"] for e in read] == list(range(1, entries + 1))
