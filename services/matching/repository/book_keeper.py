"""The consumer's in-memory mandate book, kept in step with the database by revision."""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.matching.matcher import MandateBook
from matching.repository import lenders as lender_store
from servicekit.db import Executor


@dataclass
class BookKeeper:
    """Reloads only mandates whose terms, state or exposure changed since the last sync."""

    book: MandateBook = field(default_factory=lambda: MandateBook([]))
    revision: int = 0

    async def sync(self, con: Executor) -> MandateBook:
        changed, self.revision = await lender_store.mandates_changed_since(con, self.revision)
        self.book.refresh(*changed)
        return self.book
