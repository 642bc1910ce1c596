"""What an applicant declares on applying for repair (the record's own facts are ``xinyong.rules.facts``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Declaration:
    """What the applicant declares on applying (backed by its materials)."""

    obligations_fulfilled: bool
    commitment_signed: bool
