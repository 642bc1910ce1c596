"""Resolve the subjects named in a check (code, or name with an optional region) in set-based queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, select

from xinyong.db_prepared import Prepared, Reader, connection_of
from xinyong.kit import ids
from xinyong.kit.crypto import KeyRing
from xinyong.kit.text import normalize_name
from xinyong.policy.loader import Policy
from xinyong.sanctions.inputs import chunks
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import IdentifierScheme, Subject, SubjectIdentifier


@dataclass(frozen=True)
class Query:
    """One subject asked about: a code, or a name with an optional region (code or name)."""

    code: str | None = None
    name: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class SubjectRef:
    """The resolved subject (no ORM object: batches stay set-based)."""

    subject_id: int
    name: str
    kind: str
    region_code: str | None
    uscc: str | None


@dataclass
class Resolution:
    """The outcome for one query: found, not found, ambiguous (with candidates) or invalid."""

    status: str
    subject: SubjectRef | None = None
    candidates: list[SubjectRef] = field(default_factory=list)
    message: str | None = None


_S = Subject.__table__
_I = SubjectIdentifier.__table__
# the columns of a SubjectRef, in its field order
SUBJECT_COLUMNS = (_S.c.id, _S.c.name, _S.c.kind, _S.c.region_code, _S.c.uscc)
# Built once: executing a prepared Core statement skips building and ORM compilation on the hot path.
_BY_USCC = select(*SUBJECT_COLUMNS).where(_S.c.uscc.in_(bindparam("values", expanding=True)))
_ONE_USCC = Prepared(select(*SUBJECT_COLUMNS).where(_S.c.uscc == bindparam("value")))
_BY_LOOKUP = (
    select(*SUBJECT_COLUMNS, _I.c.scheme, _I.c.lookup)
    .join(_I, _I.c.subject_id == _S.c.id)
    .where(_I.c.lookup.in_(bindparam("values", expanding=True)))
)
_BY_NAME = select(*SUBJECT_COLUMNS, _S.c.name_norm).where(
    _S.c.name_norm.in_(bindparam("values", expanding=True))
)


_BAD_CODE = "代码不是有效的统一社会信用代码、身份证号码、组织机构代码或注册号"


def _clean_code(code: str) -> str:
    """Normalise a code; plain ASCII (the usual case) skips the full-width conversion."""
    if code.isascii():
        return code.strip().replace(" ", "").replace("-", "").upper()
    return ids.normalize_uscc(code)


def uscc_like(code: str | None) -> str | None:
    """Return the cleaned code if it has the shape of a USCC (looked up as one first), else ``None``."""
    if not code:
        return None
    clean = _clean_code(code)
    if len(clean) == 18 and clean[0] != "0" and not clean[:17].isdigit():
        return clean
    return None


def _scheme_of(code: str) -> IdentifierScheme | None:
    """Return the first scheme a code is valid for (``subjects.service.code_schemes``), or ``None``."""
    return next(iter(subjects_service.code_schemes(code)), None)


def region_code_of(policy: Policy, value: str | None) -> str | None:
    """Return the region code for a code or a (current) region name."""
    if not value:
        return None
    value = value.strip()
    if value in policy.region_codes():
        return value
    for r in policy.regions.regions:
        if value in (r.name, r.name[:-1]):
            return r.code
    return None


@dataclass
class _Lookups:
    """A batch's queries sorted by how they are looked up, and the answer of each (by position)."""

    out: list[Resolution]
    by_uscc: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_ident: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def resolve(
    db: Reader, keys: KeyRing, policy: Policy, queries: Sequence[Query], absent_usccs: Collection[str] = ()
) -> list[Resolution]:
    """Resolve every query with a handful of ``IN`` queries, whatever the batch size.

    ``absent_usccs`` are cleaned codes the caller already looked up as USCCs and did not find (the
    check's probe): they are not looked up as USCCs again, only as the other schemes they are valid for.
    """
    lk = _sort(keys, queries)
    conn = connection_of(db)
    _find_usccs(conn, lk, absent_usccs)
    _other_schemes(keys, lk)
    for part in chunks(list(lk.by_ident)):
        lookups = [lookup for _, lookup in part]
        for irow in conn.execute(_BY_LOOKUP, {"values": lookups}).all():
            ref = SubjectRef(irow.id, irow.name, irow.kind, irow.region_code, irow.uscc)
            for i in lk.by_ident.get((irow.scheme, irow.lookup), []):
                lk.out[i] = Resolution("found", ref)
    _find_names(conn, policy, queries, lk)
    return lk.out


def _sort(keys: KeyRing, queries: Sequence[Query]) -> _Lookups:
    """Sort the queries by code scheme or name; a code valid for no scheme, or no code nor name, is invalid."""
    lk = _Lookups([Resolution("not_found") for _ in queries])
    for i, q in enumerate(queries):
        if q.code:
            code = _clean_code(q.code)
            if uscc_like(code) is not None:
                # looks like a USCC: looked up first, validated only when not found (see _other_schemes)
                lk.by_uscc[code].append(i)
                continue
            scheme = _scheme_of(code)
            if scheme is None:
                lk.out[i] = Resolution("invalid", message=_BAD_CODE)
            elif scheme == IdentifierScheme.USCC:
                lk.by_uscc[code].append(i)
            else:
                try:
                    lk.by_ident[
                        (scheme.value, subjects_service.identifier_lookup(keys, scheme, code))
                    ].append(i)
                except ids.IdentifierError as exc:
                    lk.out[i] = Resolution("invalid", message=exc.message)
        elif q.name and q.name.strip():
            lk.by_name[normalize_name(q.name)].append(i)
        else:
            lk.out[i] = Resolution("invalid", message="须提供主体代码或名称")
    return lk


def _find_usccs(conn: Connection, lk: _Lookups, absent_usccs: Collection[str]) -> None:
    """Look the USCC-like codes up; the found ones leave ``by_uscc``."""
    for part in chunks([c for c in lk.by_uscc if c not in absent_usccs]):
        if len(part) == 1:  # the common single check: prepared equality on the driver
            rows = _ONE_USCC.all(conn, {"value": part[0]})
        else:
            rows = [tuple(r) for r in conn.execute(_BY_USCC, {"values": list(part)}).all()]
        for sid, name, kind, region, uscc in rows:
            ref = SubjectRef(sid, name, kind, region, uscc)
            for i in lk.by_uscc.pop(uscc):
                lk.out[i] = Resolution("found", ref)


def _other_schemes(keys: KeyRing, lk: _Lookups) -> None:
    """Queue the codes not found as USCCs under every other scheme they are valid for.

    An 18-digit ID number passes the USCC check by chance about once in 31; a valid USCC found nowhere
    stays not_found, anything valid for no scheme is invalid.
    """
    for code, waiting in lk.by_uscc.items():
        others = [
            (sc, lookup)
            for sc, lookup in subjects_service.code_lookups(keys, code)
            if sc != IdentifierScheme.USCC
        ]
        for scheme, lookup in others:
            lk.by_ident[(scheme.value, lookup)].extend(waiting)
        if not others and not ids.is_valid_uscc(code):
            for i in waiting:
                lk.out[i] = Resolution("invalid", message=_BAD_CODE)


def _find_names(conn: Connection, policy: Policy, queries: Sequence[Query], lk: _Lookups) -> None:
    """Look names up, narrowed by the query's region; several left is ambiguous."""
    for part in chunks(list(lk.by_name)):
        found: dict[str, list[SubjectRef]] = defaultdict(list)
        for nrow in conn.execute(_BY_NAME, {"values": list(part)}).all():
            found[nrow.name_norm].append(
                SubjectRef(nrow.id, nrow.name, nrow.kind, nrow.region_code, nrow.uscc)
            )
        for norm, refs in found.items():
            for i in lk.by_name[norm]:
                region = region_code_of(policy, queries[i].region)
                if queries[i].region and region is None:
                    lk.out[i] = Resolution("invalid", message=f"未知行政区划：{queries[i].region}")
                    continue
                pick = [r for r in refs if region is None or r.region_code == region]
                if len(pick) == 1:
                    lk.out[i] = Resolution("found", pick[0])
                elif pick:
                    lk.out[i] = Resolution(
                        "ambiguous", candidates=pick, message="同名主体不止一个，请提供代码或区划"
                    )
