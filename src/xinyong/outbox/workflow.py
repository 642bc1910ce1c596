"""The notification policy (``policy/workflows/notification.yaml``): who is told of a change, and retries."""

from __future__ import annotations

from pydantic import Field

from xinyong.policy.base import Versioned
from xinyong.policy.loader import Policy, load_file


class NotificationWorkflow(Versioned):
    """Who is told when a record changes, and how the outbox retries."""

    basis: str
    lookback_days: int = Field(ge=1)
    max_attempts: int = Field(ge=1)
    backoff_base_seconds: int = Field(ge=1)
    backoff_max_seconds: int = Field(ge=1)
    webhook_timeout_seconds: float = Field(gt=0)


def load(policy: Policy) -> NotificationWorkflow:
    """Load and check ``policy/workflows/notification.yaml``."""
    return load_file(policy, "workflows/notification.yaml", NotificationWorkflow)


def notification_rules(policy: Policy) -> NotificationWorkflow:
    """Return the notification rules of ``policy`` (loaded once)."""
    return policy.section("workflows.notification", load)
