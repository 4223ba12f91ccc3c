"""The services that have settings, and the environment variables each settings class reads."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from servicekit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[3]
# The console is a client of the services, with no database and no Kafka: its deployment has
# checks of its own (test_console_deploy.py).
CLIENTS = ("console",)
SERVICES = sorted(
    p.name
    for p in (ROOT / "services").iterdir()
    if (p / "config.py").is_file() and p.name not in ("servicekit", *CLIENTS)
)


def settings_class(service: str) -> type[ServiceSettings]:
    """The one ServiceSettings subclass that `<service>.config` defines."""
    module = importlib.import_module(f"{service}.config")
    found = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, ServiceSettings)
        and cls is not ServiceSettings
        and cls.__module__ == module.__name__
    ]
    assert len(found) == 1, f"{service}.config should define one ServiceSettings subclass"
    return found[0]


def default_port(service: str) -> int:
    port = settings_class(service).model_fields["http_port"].default
    assert isinstance(port, int)
    return port


def env_names(settings: type[BaseSettings]) -> set[str]:
    """Environment variables the settings read: an alias where one is set, else the field name."""
    names: set[str] = set()
    for name, field in settings.model_fields.items():
        alias = field.validation_alias or field.alias or name
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
        names |= {c.upper() for c in choices if isinstance(c, str)}
    return names
