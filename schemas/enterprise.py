"""Enterprise contracts: what an enterprise registers and the event that announces it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, EmailStr, field_validator

from schemas.credit_code import credit_code_problem
from schemas.envelope import EventData
from schemas.fields import Code, ShortText
from schemas.vocabulary import City


class EnterpriseSpec(BaseModel):
    """What an enterprise says about itself when it registers."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: ShortText
    credit_code: Code
    city: City
    county: ShortText | None = None
    industry: ShortText
    contact_name: ShortText | None = None
    contact_email: EmailStr | None = None

    @field_validator("credit_code")
    @classmethod
    def _valid_credit_code(cls, value: str) -> str:
        problem = credit_code_problem(value.upper())
        if problem:
            raise ValueError(f"unified social credit code {problem}")
        return value.upper()


class EnterpriseRegistered(EnterpriseSpec, EventData):
    """An enterprise joined the platform."""

    event_type: ClassVar[str] = "enterprise.registered.v1"
    subject_field: ClassVar[str] = "enterprise_id"

    enterprise_id: uuid.UUID
    registered_at: datetime
