"""What the console pages guard and offer, as permissions (``xinyong.auth.principal.Permission``).

A route admits callers with ``require(PERMISSION)``; a page that links or posts to it shows the link or the
form when ``can(principal, PERMISSION)`` — the same object, so a page never offers what the route refuses.
Permissions a capability also checks in its service are declared there (``monitoring.campaigns.DEFINE``,
``reports.verification.REVOKE``).
"""

from __future__ import annotations

from xinyong.auth.principal import Role, permission

CONSOLE = permission("console.read", Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
ME = permission("me.read", Role.SUBJECT)
BANK = permission("bank.read", Role.BANK)
INGEST_READ = permission("ingest.read", Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
INGEST_UPLOAD = permission("ingest.upload", Role.OFFICER)
INGEST_REVIEW = permission("ingest.review", Role.OFFICER, Role.ADMIN)
CASE_HANDLE = permission("cases.handle", Role.OFFICER, Role.ADMIN)
ALERT_HANDLE = permission("alerts.handle", Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
CAMPAIGN_HANDLE = permission("campaigns.handle", Role.OFFICER, Role.ADMIN)
TIME_TRAVEL = permission("timeline.asof", Role.ADMIN, Role.AUDITOR)
AGENCY_REGISTER = permission("agencies.register", Role.ADMIN, Role.OFFICER)
PROFESSION_COVERAGE = permission("professions.coverage", Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR)
