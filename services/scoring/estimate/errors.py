"""Errors a project's own data causes; the API turns each into a 4xx naming the problem."""

from __future__ import annotations


class ScoringError(ValueError):
    """Base of every error caused by what a project or a factor set says."""


class ActivityDataError(ScoringError):
    """A project's activity data cannot be scored; `field` names the culprit."""

    def __init__(self, message: str, *, field: str, methodology_id: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.methodology_id = methodology_id


class MissingActivityData(ActivityDataError):
    """A field the project's methodology requires is absent."""


class InvalidActivityData(ActivityDataError):
    """A field is present but outside what the methodology can use."""


class UnknownFactor(ScoringError, KeyError):
    """A methodology asked a factor set for a value it does not hold."""

    def __init__(self, key: str, factor_set_id: str) -> None:
        super().__init__(f"factor set {factor_set_id!r} has no factor {key!r}")
        self.key = key
        self.factor_set_id = factor_set_id

    def __str__(self) -> str:
        return str(self.args[0])


class FactorSetError(ScoringError):
    """A factor-set file is malformed or the directory has no single active set."""
