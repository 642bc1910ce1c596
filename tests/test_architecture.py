"""The import rules of ARCHITECTURE.md §2 and docs/architecture.md, checked with ``ast``.

1. Capabilities depend one way, in the layer order below (the same order as docs/architecture.md): a
   capability imports only capabilities of lower layers, so there is no cycle between them.
2. Another capability is used only through its ``service``, its ``schemas`` or a module it declares public
   in ``PUBLIC`` (with the reason); its ``models``, ``queries`` and other modules are its own.
3. Entry points (web, each package's ``api``/``cli``, request dependencies, hot endpoints) are imported
   only by entry points; the web layer imports no capability's ORM ``models``; pure cores import no framework; kit and the policy loader are domain-free; the
   top-level runtime modules (db, settings, runtime, clock …) import no capability but kit and policy.

Every failure names the importing module, the imported module and the rule, e.g.
``xinyong.ingest.service imports xinyong.repair.notice_batch: internal module of another capability
(public: service, schemas)``.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "xinyong"
PURE_NAMES = {
    "engine",
    "states",
    "eligibility",
    "disclosure",
    "chain",
    "principal",
    "rules",
    "matching",
    "machine",
}
FRAMEWORKS = ("sqlalchemy", "fastapi", "starlette", "jinja2", "alembic")
# Capabilities that are pure as a whole: the rule core (ARCHITECTURE §1 idea 6) imports no framework and
# nothing of the platform but kit, the policy schemas and itself.
PURE_PACKAGES = {"rules": ("xinyong.kit", "xinyong.policy", "xinyong.rules")}
# api/cli/routes/views/jobs/demo: entry points; deps: request dependencies; hot: bare ASGI endpoints.
ENTRY_NAMES = {"api", "cli", "routes", "views", "jobs", "demo", "deps", "hot"}
TOP_ENTRY = {
    "app",
    "cli",
    "demo",
    "web",
    "app_deps",
    "apidocs",
    "hotproto",
    "cli_support",
    "policy_sections",
    "wiring",
}

# The layer order (lowest first), as in docs/architecture.md. A capability imports only lower layers.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("kit",),
    ("policy",),
    ("rules",),
    ("audit",),
    ("auth",),
    ("departments",),
    ("subjects",),
    ("records",),
    ("outbox", "casework"),
    ("commitments", "evaluation", "ingest", "objections", "synth"),
    ("repair", "sanctions", "creditfile"),
    ("reports", "registers", "simulation"),
    ("monitoring", "finance", "scenes", "rural", "agencies", "timetravel"),
    ("indices",),
)
LAYER = {cap: n for n, layer in enumerate(LAYERS) for cap in layer}
# Modules another capability may import besides ``service`` and ``schemas`` ("*": every module), and why.
PUBLIC: dict[str, tuple[str, ...]] = {
    "kit": ("*",),  # domain-free helpers, a library for everyone
    "policy": ("*",),  # the typed policy loader and its schemas
    "rules": ("*",),  # the rule core: one pure answer per rule, meant to be called by every consumer
    "auth": (
        "principal",  # the caller's identity (Principal, Role), passed to every service
        "access",  # who may read what: the one home for visibility (ARCHITECTURE §1 idea 3)
        "consent",  # a subject's authorisations, checked by every non-public read
        "deps",  # request dependencies (current_principal, require) — for entry points only
        "limits",  # request rate limits — for entry points only
    ),
    # The three core tables every capability joins to read (a record's subject and department); their
    # writes belong to the owner's service. Every other capability's models are its own.
    "departments": ("models",),
    "subjects": (
        "models",
        "scope",
        "names",
        "register",  # the subject register file (columns and loader): synth writes it, the demo loads it
        "search",  # the subject search read model (portal and console search)
    ),  # names: display names of subjects by id, for lists  # scope: which subjects a caller may see (one home for visibility)
    # events: record lookups and the status events workflows append; digest: the batch digest audit anchors sign
    "records": (
        "models",
        "events",
        "digest",
        "publication",
    ),  # publication: the published lists (公示) read model
    "outbox": ("changes", "workflow"),
    "commitments": (
        "reads",
    ),  # what monitoring and the timeline read of commitments (sets of subjects)  # the record-change seam; the notification policy
    "casework": ("models", "deps"),
    "registers": (
        "institutions",  # the register of financial institutions and 信易+ providers
        "sync",  # policy → registers, run by migrate and by the demo
    ),
    "synth": (
        "generate",
        "agencies",
    ),  # agencies: where the registry file is, for the demo step that loads it
    "sanctions": (
        "hits",
        "impact",  # the measures applying to many subjects under a given policy (policy simulation)
    ),  # measures hit per day and per subject (monitoring screen and timeline)  # the generator: synth's one verb (the CLI and the demo call it)
    "audit": ("anchors",),  # signed checkpoints of the chain (backup and the anchor command write them)
    "reports": ("verification",),  # verifying a report number or file: a public read anyone may call
    "ingest": (
        "sources",
        "uploads",
    ),  # the feeds in force (labels); the console's background upload jobs  # the register of financial institutions and 信易+ providers
    "monitoring": (
        "feed",
        "campaigns",
        "campaign_states",
        "dashboard",  # the monitoring screen read model (大屏) the console renders
        "timeline",  # a subject's credit timeline read model and its labels
    ),  # campaigns: 专项治理 for the console pages  # subscriptions and the change feed (the bank workspace subscribes borrowers)
    "finance": (
        "consent",  # consent by registered institution (the grant form lists the register)
        "products",  # product matching for a subject, with reasons
        "states",  # the application workflow's states and labels
        "workspace",  # what the bank workspace shows of a consented subject
    ),
    "scenes": (
        "rules",
    ),  # the scenes in force (the demo seeds usage per scene)  # the columns every case table shares (repair, objections)
    "objections": ("states", "workflow"),  # the objection machine and workflow policy, for the case desk
    "repair": (
        "offers",  # whether a record can be repaired or objected to now, with the reason (pages show it)
        "states",
        "workflows",
        "monitoring",
        "documents",  # 告知书, 决定书 and 申请指引 as documents, authorised and logged (reports renders the PDF)
    ),  # the repair machine, workflow policy, case desk and KPIs
    "evaluation": (
        "supervision",
        "history",
        "compare",  # two policies scored side by side by the batch's plan (policy simulation)
    ),  # supervision rules read by sanctions; history: grades over time (grade drops)
}
DEFAULT_PUBLIC = ("service", "schemas")
# Top-level runtime modules may import these capabilities' modules (and nothing else of a capability).
INFRA_EXCEPTIONS = {
    "xinyong.models": "every capability's models: the one metadata registry for Alembic and create_all",
    "xinyong.db": "the audit chain's keys follow the engine (audit.keys)",
    "xinyong.keyrotation": "re-encrypts the *_enc columns of every table, one audit entry per batch",
}
# Composition roots assemble the platform from every capability by reference (issue 15: registration by
# import, not by string), so they may import any capability's routers, commands and policy-section loaders.
COMPOSITION_ROOTS = {
    "xinyong.app": "includes every capability's router (app.ROUTERS) and bare ASGI endpoints",
    "xinyong.cli": "registers every capability's commands",
    "xinyong.demo": "runs every capability's demo step, in order",
    "xinyong.policy_sections": "declares every typed policy section beside its loader",
    "xinyong.wiring": "registers every capability's hooks with the lower capabilities they react to",
}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return sorted(out)


MODULES = _modules()
KNOWN = {m for m, _ in MODULES}


def _imports(path: Path, module: str) -> set[str]:
    """Return the modules ``module`` imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            subs = {f"{mod}.{alias.name}" for alias in node.names} & KNOWN
            found |= subs or {mod}
    return found


def _is_entry(module: str) -> bool:
    parts = module.split(".")
    return (
        (len(parts) == 2 and parts[1] in TOP_ENTRY)
        or (len(parts) > 2 and parts[-1] in ENTRY_NAMES)
        or (len(parts) > 1 and parts[1] == "web")
    )


def _imports_entry(imported: str) -> bool:
    parts = imported.split(".")
    return any(_is_entry(".".join(parts[:n])) for n in range(2, len(parts) + 1))


def _capability(module: str) -> str | None:
    """Return the capability (package) of a module, or ``None`` for a top-level module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (SRC / parts[1]).is_dir()) else None


def _public(cap: str) -> tuple[str, ...]:
    return DEFAULT_PUBLIC + PUBLIC.get(cap, ())


def problems_of(module: str, imports: set[str]) -> list[str]:
    """Return every rule ``module`` breaks with ``imports``, one message per import."""
    ours = sorted(i for i in imports if i.startswith("xinyong."))
    cap, entry = _capability(module), _is_entry(module)
    name = module.rsplit(".", 1)[-1]
    out: list[str] = []

    def bad(target: str, rule: str) -> None:
        out.append(f"{module} imports {target}: {rule}")

    for i in sorted(imports):
        if (name in PURE_NAMES or cap in PURE_PACKAGES) and i.split(".")[0] in FRAMEWORKS:
            bad(i, "a pure core imports no framework")
    for i in ours:
        target = _capability(i)
        if cap == "kit" and target != "kit":
            bad(i, "kit is domain-free (imports only kit)")
        if cap == "policy" and target not in ("kit", "policy") and i != "xinyong.errors":
            bad(i, "the policy loader imports only kit, policy and errors")
        if cap in PURE_PACKAGES and not i.startswith(PURE_PACKAGES[cap]):
            bad(i, f"the pure package {cap} imports only {', '.join(PURE_PACKAGES[cap])}")
        if not entry and _imports_entry(i):
            bad(i, "entry point (web/api/cli/deps/hot) imported below the entry layer")
        if (
            cap is None
            and not entry
            and target not in (None, "kit", "policy")
            and module not in INFRA_EXCEPTIONS
        ):
            bad(i, "a top-level runtime module imports no capability but kit and policy")
        if target is None or target == cap or target == "web":
            continue
        if cap is not None and not entry and cap in LAYER and target in LAYER and LAYER[target] >= LAYER[cap]:
            where = "the same layer" if LAYER[target] == LAYER[cap] else "a higher layer"
            bad(i, f"{cap} may not depend on {target} ({where}; order in docs/architecture.md)")
        parts = i.split(".")
        if cap == "web" and len(parts) > 2 and parts[2] == "models":
            bad(
                i,
                "the web layer renders view models: no ORM models (use the capability's service or schemas)",
            )
        public = _public(target)
        reach_in = len(parts) > 2 and "*" not in public and parts[2] not in public
        allowed = module in INFRA_EXCEPTIONS or module in COMPOSITION_ROOTS
        if reach_in and not allowed:
            bad(i, f"internal module of another capability (public: {', '.join(public)})")
    return out


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_import_rules(module: str, path: Path) -> None:
    problems = problems_of(module, _imports(path, module))
    assert not problems, "\n".join(problems)


def test_every_capability_has_a_layer() -> None:
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()} - {"web"}
    assert packages - set(LAYER) == set(), "add the new capability to LAYERS and docs/architecture.md"
    assert set(LAYER) - packages == set(), "a layer names a capability that does not exist"


def test_no_cycle_between_capabilities() -> None:
    """The capability graph (entry points left out) has no cycle, even through several capabilities."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES:
        cap = _capability(module)
        if cap is None or _is_entry(module):
            continue
        graph[cap] |= {t for i in _imports(path, module) if (t := _capability(i)) and t != cap and t != "web"}
    seen: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                pytest.fail("cycle between capabilities: " + " → ".join(cycle))
            if nxt not in seen:
                visit(nxt, [*path, nxt])
        seen[node] = 2

    for start in sorted(graph):
        if start not in seen:
            visit(start, [start])


def test_a_back_import_is_reported() -> None:
    """The rules fail with a message that names the import and the rule it broke."""
    msgs = problems_of("xinyong.subjects.service", {"xinyong.repair.notice_batch"})
    assert msgs == [
        "xinyong.subjects.service imports xinyong.repair.notice_batch: subjects may not depend on repair "
        "(a higher layer; order in docs/architecture.md)",
        "xinyong.subjects.service imports xinyong.repair.notice_batch: internal module of another capability "
        "(public: service, schemas, offers, states, workflows, monitoring, documents)",
    ]
    assert problems_of("xinyong.objections.service", {"xinyong.repair.service"})[0].endswith(
        "objections may not depend on repair (a higher layer; order in docs/architecture.md)"
    )
    assert problems_of("xinyong.repair.api", {"xinyong.monitoring.service"}) == []  # entry: above all layers
    assert problems_of("xinyong.repair.eligibility", {"sqlalchemy.orm"}) == [
        "xinyong.repair.eligibility imports sqlalchemy.orm: a pure core imports no framework"
    ]
    assert problems_of("xinyong.repair.service", {"xinyong.objections.service"}) == []
    assert problems_of("xinyong.web.routes.me_cases", {"xinyong.records.models"}) == [
        "xinyong.web.routes.me_cases imports xinyong.records.models: the web layer renders view models: "
        "no ORM models (use the capability's service or schemas)"
    ]


def test_hooks_point_up() -> None:
    """A hook registered in ``xinyong.wiring`` belongs to a capability above the registry's (never a way
    round the order)."""
    from xinyong import wiring

    registries = {"outbox": wiring.RECORD_CHANGE_HOOKS, "ingest": wiring.BATCH_STORED_HOOKS}
    assert all(registries.values())
    for owner, registered in registries.items():
        for hook in registered:
            cap = _capability(hook.__module__)
            assert cap is not None, f"{hook.__module__}.{hook.__name__}: not a capability"
            assert LAYER[cap] > LAYER[owner], (
                f"{hook.__module__}.{hook.__name__}: a hook of {owner} must be above it"
            )


# Modules that load a module named by a string, with the reason (everything else imports by reference).
DYNAMIC_IMPORTS: dict[str, str] = {}


def test_no_registry_loads_modules_by_name() -> None:
    """Routers, sections, commands, demo steps and hooks are imported by reference: a typo fails at import
    and mypy sees the types. ``importlib.import_module`` (or ``__import__``) is allowed only in
    ``DYNAMIC_IMPORTS``."""
    offenders = []
    for module, path in MODULES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in {"import_module", "__import__"} and module not in DYNAMIC_IMPORTS:
                offenders.append(f"{module}:{node.lineno}")
    assert offenders == [], "import by reference, or list the module with its reason: " + ", ".join(offenders)


def test_docs_state_the_same_layers() -> None:
    """docs/architecture.md lists the layers of ``LAYERS`` in the same order (then the entry layer)."""
    text = (SRC.parents[1] / "docs" / "architecture.md").read_text("utf-8")
    section = text.split("## 依赖方向", 1)[1].split("\n## ", 1)[0]
    items = [line.split("（", 1)[0] for line in section.splitlines() if re.match(r"\d+\. ", line)]
    stated = [tuple(re.findall(r"`([a-z_]+)`", item)) for item in items]
    assert stated[: len(LAYERS)] == list(LAYERS)
    assert stated[len(LAYERS)][0] == "web"


def test_every_package_is_checked() -> None:
    assert len(MODULES) > 20


def role_comparisons(source: str, module: str) -> list[str]:
    """Return ``module:line: code`` for every comparison that mentions a role (``principal.role == ...``,
    ``role in ROLES``, ``Role.ADMIN in ...``)."""

    def mentions_role(node: ast.AST) -> bool:
        return any(
            (isinstance(n, ast.Attribute) and n.attr == "role")
            or (isinstance(n, ast.Name) and n.id in {"role", "Role"})
            for n in ast.walk(node)
        )

    return [
        f"{module}:{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Compare) and mentions_role(node)
    ]


def test_web_decides_nothing_by_role() -> None:
    """What a page shows comes from the authorisation core: ``can(principal, PERMISSION)`` with the
    permission its target route's ``require(PERMISSION)`` admits — never a role comparison in ``web/``."""
    found = [
        hit
        for module, path in MODULES
        if module.startswith("xinyong.web.")
        for hit in role_comparisons(path.read_text("utf-8"), module)
    ]
    assert found == [], (
        "the web layer compares roles (use can(principal, permission) with the permission the target route "
        "requires, from xinyong.web.permissions or the capability):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "code",
    [
        "flag = principal.role == Role.OFFICER",
        "flag = principal.role in REVIEWER_ROLES",
        "flag = p.role not in (Role.ADMIN, Role.AUDITOR)",
        "flag = role in roles_for(app, href)",
        "flag = Role.ADMIN in allowed",
    ],
)
def test_the_role_guard_catches_comparisons(code: str) -> None:
    assert role_comparisons(code, "m") == [f"m:1: {code.split(' = ', 1)[1]}"]


def test_the_role_guard_lets_permissions_through() -> None:
    assert role_comparisons("flag = can(principal, permissions.CONSOLE) and page > 1", "m") == []
