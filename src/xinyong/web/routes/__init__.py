"""Page routes by area: portal (public), account (sign-in), me (a signed-in subject), console (government)."""

from __future__ import annotations

from fastapi import APIRouter

from xinyong.web.routes import account, console, console_cases, me, me_cases, portal

router = APIRouter(include_in_schema=False)
router.include_router(portal.router)
router.include_router(account.router)
router.include_router(me.router)
router.include_router(me_cases.router)
router.include_router(console.router)
router.include_router(console_cases.router)
