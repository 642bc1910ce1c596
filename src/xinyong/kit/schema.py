"""Field types shared by the API schemas (``*/schemas.py``)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import WithJsonSchema

Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
"""A moment as the API writes it: ``datetime.isoformat()`` of an aware UTC time (offset kept as ``+00:00``)."""

IsoDate = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
"""A business date as the API writes it (``YYYY-MM-DD``)."""

JsonObject = dict[str, Any]
"""A free-form JSON object whose keys depend on the event or topic it belongs to (audit detail, payloads)."""
