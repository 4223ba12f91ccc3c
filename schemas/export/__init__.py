"""Generated contracts: JSON Schema per event type, the AsyncAPI document, the event catalogue."""

from schemas.export.files import REGENERATE, export, rendered

__all__ = ["REGENERATE", "export", "rendered"]
