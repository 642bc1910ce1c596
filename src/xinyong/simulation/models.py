"""The stored simulation runs: which two policies were compared, on which day, and what would change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class PolicySimulation(Base):
    """One simulation: the proposal, both policy hashes, the day simulated and the result (JSON).

    Nothing in force changes: a simulation writes only this row and its audit entry.
    """

    __tablename__ = "policy_simulation"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    proposal_id: Mapped[str] = mapped_column(String(64))
    proposal_name: Mapped[str] = mapped_column(String(200))
    current_hash: Mapped[str] = mapped_column(String(64))
    proposed_hash: Mapped[str] = mapped_column(String(64))
    on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
