"""Keep ID numbers out of the access log: ID-number-shaped parts of a logged path are masked.

Callers should not put 身份证号 in URLs at all (the API offers POST bodies for lookups by code), but a
path like ``/api/v1/subjects/33108119850601123X`` still reaches the server's access log; this filter
masks such digits before the line is written.
"""

from __future__ import annotations

import logging
import re

# 18-digit 居民身份证号 (last may be X) and the old 15-digit form, not part of a longer run of digits
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{6})(\d{3}[\dXx]|\d{1})(?![0-9A-Za-z])")


def redact(text: str) -> str:
    """Return ``text`` with every ID-number-shaped run masked to its region prefix."""
    return _ID_NUMBER.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 6), text)


class RedactIdNumbers(logging.Filter):
    """A logging filter masking ID numbers in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; always keep it."""
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install(logger_name: str = "uvicorn.access") -> None:
    """Add the filter to the access logger (once)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactIdNumbers) for f in logger.filters):
        logger.addFilter(RedactIdNumbers())
