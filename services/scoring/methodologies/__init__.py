"""One module per methodology family; `registry` maps each project type to its methodology."""

from scoring.methodologies.base import Methodology
from scoring.methodologies.registry import (
    METHODOLOGIES,
    METHODOLOGY_BY_ID,
    METHODOLOGY_OF_TYPE,
    MethodologyInfo,
    catalogue,
    compute,
)

__all__ = [
    "METHODOLOGIES",
    "METHODOLOGY_BY_ID",
    "METHODOLOGY_OF_TYPE",
    "Methodology",
    "MethodologyInfo",
    "catalogue",
    "compute",
]
