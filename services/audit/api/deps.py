"""Typed request dependencies the audit routers share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from audit.config import AuditSettings
from servicekit.http_deps import app_settings

Settings = Annotated[AuditSettings, Depends(app_settings(AuditSettings))]
