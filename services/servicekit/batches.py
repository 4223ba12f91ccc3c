"""Two ways of walking a batch that consumers share: in runs of one kind, and all at once
with the failing item isolated when the whole batch is refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def runs_by(items: Sequence[T], key: Callable[[T], K]) -> list[tuple[K, list[T]]]:
    """Consecutive items of one key, in order: a handler sees a batch without reordering."""
    runs: list[tuple[K, list[T]]] = []
    for item in items:
        kind = key(item)
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(item)
        else:
            runs.append((kind, [item]))
    return runs


async def apply_isolating(
    items: Sequence[T],
    apply: Callable[[Sequence[T]], Awaitable[None]],
    refused: tuple[type[BaseException], ...],
    on_refused: Callable[[T, BaseException], Awaitable[None]],
) -> None:
    """Apply the batch at once; if it is `refused`, apply item by item so only the items that
    are refused on their own go to `on_refused` (the DLQ, a gap record) and the rest apply.

    Errors outside `refused` propagate: the caller retries the batch.
    """
    if not items:
        return
    try:
        await apply(items)
        return
    except refused as exc:
        if len(items) == 1:
            await on_refused(items[0], exc)
            return
    for item in items:
        try:
            await apply([item])
        except refused as exc:
            await on_refused(item, exc)
