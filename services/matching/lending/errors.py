"""Why a mandate change or a lender's response was refused; each maps to a clear 4xx."""

from __future__ import annotations

from servicekit.errors import Conflict, Unprocessable


class CapacityExceeded(Conflict):
    """The amount would take a mandate past its total capacity."""


class ConcentrationExceeded(Conflict):
    """The amount would take a mandate past a per-enterprise, per-city or per-family limit."""


class IneligibleInstrument(Unprocessable):
    """The instrument is one the project's taxonomy rules out (a CERF loan, not CERF-eligible)."""


class InvalidTransition(Conflict):
    """The deal's state does not allow this response (e.g. disbursing before an offer)."""


class MandateClosedError(Conflict):
    """The mandate is closed: it neither matches nor lends any more."""


class TermsOutsideMandate(Unprocessable):
    """An offer or disbursement breaks the mandate's ticket, tenor or instrument terms."""


class VersionConflict(Conflict):
    """A change was made against a version that is no longer the latest."""
