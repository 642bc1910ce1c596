"""Shapes every case workflow (repair, objections) answers with."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DeadlineMarks(BaseModel):
    """Which deadlines are 暂定 (the holiday schedule of their year is not published yet), and why."""

    provisional_deadlines: list[str] = Field(description="暂定的期限字段名")
    deadline_note: str | None
