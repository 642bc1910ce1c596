"""The navigation of every page, built per role from the routes themselves.

One definition: each menu entry names only its address; whether a role sees it is read off the page's
own ``require(...)`` dependency, so a menu can never link a role to a page that answers 403.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from xinyong.auth.principal import Permission, Principal, Role, can

# (key, href, label) per area; sections of installed capabilities add theirs (``xinyong.web.routes``)
HEADER_NAV: list[tuple[str, str, str]] = [
    ("home", "/", "首页"),
    ("search", "/search", "信用查询"),
    ("publicity", "/publicity/penalties", "双公示"),
    ("lists", "/lists/black", "名单公示"),
]
HEADER_TAIL: list[tuple[str, str, str]] = [
    ("me", "/me", "我的信用"),
    ("bank", "/bank", "信贷工作台"),
    ("console", "/console", "管理后台"),
]
ALL_ROLES = frozenset(Role)


def _roles_of_call(call: Callable[..., Any]) -> frozenset[Role] | None:
    """Return the roles a ``require(...)`` dependency admits, or ``None`` for any other callable."""
    if not callable(call) or getattr(call, "__qualname__", "") != "require.<locals>.dependency":
        return None
    roles = inspect.getclosurevars(call).nonlocals.get("roles")
    return frozenset(roles) if roles is not None else None


def _roles_of_route(route: APIRoute) -> frozenset[Role]:
    admitted = ALL_ROLES
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is not None and (found := _roles_of_call(dep.call)) is not None:
            admitted &= found
        stack.extend(dep.dependencies)
    return admitted


def _page_routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Yield every API route with its full path (routers included in routers carry their prefix)."""
    for r in routes:
        included = getattr(r, "original_router", None)
        if included is not None:
            yield from _page_routes(included.routes, prefix + r.include_context.prefix)
        elif isinstance(r, APIRoute) and "GET" in (r.methods or ()):
            yield prefix + r.path, r


def roles_for(app: FastAPI, href: str) -> frozenset[Role]:
    """Return the roles the page at ``href`` admits (every role for a public page; none if unknown)."""
    cache: dict[str, frozenset[Role]] = app.state.__dict__.setdefault("nav_roles", {})
    if href not in cache:
        path = href.split("?", 1)[0]
        found: frozenset[Role] = frozenset()
        for full, route in _page_routes(app.router.routes):
            if compile_path(full)[0].match(path):
                found = _roles_of_route(route)
                break
        cache[href] = found
    return cache[href]


def visible(
    app: FastAPI, principal: Principal, entries: Iterable[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """Return the entries whose page admits the caller."""
    return [e for e in entries if can(principal, Permission(e[1], roles_for(app, e[1])))]


def current(path: str, entries: Iterable[tuple[str, str, str]]) -> str | None:
    """Return the key of the entry a path belongs to (its first path segment; ``/`` only for itself)."""
    section = "/" + path.strip("/").split("/", 1)[0]
    for key, href, _label in entries:
        if path == href or (href != "/" and "/" + href.strip("/").split("/", 1)[0] == section):
            return key
    return None
