"""Subject search: exact by code, or by a Chinese name fragment — ranked, capped, paginated, and
showing only what the viewer may see (natural persons never appear in public search)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.access import Basis, Capability, ReadAccess, can
from xinyong.auth.principal import Principal
from xinyong.errors import Invalid
from xinyong.kit import ids
from xinyong.kit.crypto import KeyRing
from xinyong.kit.text import normalize_name
from xinyong.policy.loader import Policy
from xinyong.rules.disclosure import Audience
from xinyong.subjects import queries
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.schemas import SearchHit, SearchPage

# At most this many name matches are ranked; a fragment such as 有限公司 matches most of the city.
SEARCH_CAP = 100
MAX_PAGE_SIZE = 50


def _region_names(policy: Policy) -> dict[str, str | None]:
    """Return region code -> current name, built once per loaded policy (20 lookups per page)."""
    return policy.section(
        "subjects.region_names", lambda p: {code: p.region_name(code) for code in p.region_codes()}
    )


def persons_ok(principal: Principal) -> bool:
    """Tell whether ``principal`` may find natural persons (never the public)."""
    return can(principal, Capability.SEARCH_PERSONS)


def looks_like_code(q: str) -> bool:
    """Tell whether ``q`` is a USCC, an ID number (or its token), an organisation code or a registration number."""
    if q.startswith(subjects_service.CODE_TOKEN_PREFIX):
        return True
    cleaned = ids.normalize_uscc(q)
    if len(cleaned) == 18:
        return ids.is_valid_uscc(cleaned) or ids.is_valid_ric(cleaned)
    return len(cleaned) in (9, 15) and cleaned.isalnum() and any(c.isdigit() for c in cleaned)


def _hit(
    hit: queries.NameHit, regions: dict[str, str | None], id_masked: str | None = None
) -> dict[str, Any]:
    """Return the fields of a search hit; the page validates them all in one pass."""
    return {
        "name": hit.name,
        "kind": hit.kind,
        "code": hit.uscc,
        "id_masked": id_masked,
        "region_code": hit.region_code,
        "region_name": regions.get(hit.region_code) if hit.region_code else None,
        "status": hit.status,
    }


def search(
    session: queries.Db,
    keys: KeyRing,
    policy: Policy,
    principal: Principal,
    q: str,
    *,
    page: int = 1,
    size: int = 20,
    on: dt.date,
) -> SearchPage:
    """Search subjects by code or name for ``principal`` (government callers' person hits are logged).

    ``session`` may be a ``queries.Reader`` for anonymous callers: they never see a natural person, so
    nothing is masked or logged and no session is needed.
    """
    q = q.strip()
    size = max(1, min(size, MAX_PAGE_SIZE))
    page = max(1, page)
    if looks_like_code(q):
        return _by_code(session, keys, policy, principal, q, page=page, size=size, on=on)
    if len(normalize_name(q)) < queries.MIN_QUERY_CHARS:
        raise Invalid(f"请至少输入 {queries.MIN_QUERY_CHARS} 个字", code="search.too_short")
    # The best SEARCH_CAP hits are paginated; one more match than that marks the total as capped.
    offset = (page - 1) * size
    window, matched = queries.find_by_name(
        session,
        q,
        include_persons=persons_ok(principal),
        cap=SEARCH_CAP + 1,
        offset=offset,
        size=max(0, min(size, SEARCH_CAP - offset)),
    )
    capped = matched > SEARCH_CAP
    person_ids = [h.id for h in window if h.kind == SubjectKind.NATURAL_PERSON.value]
    masks = queries.person_masks(_writable(session), person_ids) if person_ids else {}
    if person_ids:
        _log_person_hits(_writable(session), policy, principal, person_ids, on)
    regions = _region_names(policy)
    items = [_hit(h, regions, masks.get(h.id)) for h in window]
    total = min(matched, SEARCH_CAP)
    # One validation pass over the whole page (per-hit model construction costs more than the query).
    return SearchPage.model_validate(
        {"q": q, "mode": "name", "page": page, "size": size, "total": total, "capped": capped, "items": items}
    )


def _writable(db: queries.Db) -> Session:
    """Return the session a non-public read is logged in; a bare Reader is only for public reads."""
    if not isinstance(db, Session):
        raise TypeError("非公开信息的检索必须在会话中进行（要写查询日志）")
    return db


def _log_person_hits(
    session: Session, policy: Policy, principal: Principal, subject_ids: list[int], on: dt.date
) -> None:
    """Log that a government caller saw natural persons (name and masked ID) in search results."""
    access = ReadAccess(Audience.DEPARTMENT, Basis.DUTY, "信用主体检索")
    for sid in subject_ids:
        consent.log_read(
            session,
            principal,
            subject_id=sid,
            access=access,
            what="search_hit",
            items=0,
            policy=policy,
            on=on,
        )


def _by_code(
    session: queries.Db,
    keys: KeyRing,
    policy: Policy,
    principal: Principal,
    q: str,
    *,
    page: int,
    size: int,
    on: dt.date,
) -> SearchPage:
    """Find the one subject holding code ``q``; a natural person only for callers who may see it."""
    found = None
    for scheme, lookup in subjects_service.code_lookups(keys, q):
        found = queries.hit_by_identifier(session, scheme.value, lookup)
        if found is not None:
            break
    person = found is not None and found.kind == SubjectKind.NATURAL_PERSON.value
    visible = found is not None and (not person or persons_ok(principal) or found.id == principal.subject_id)
    items = []
    if found is not None and visible and page == 1:
        masked = queries.person_masks(_writable(session), [found.id]).get(found.id) if person else None
        items.append(SearchHit.model_validate(_hit(found, _region_names(policy), masked)))
        if person and found.id != principal.subject_id:
            _log_person_hits(_writable(session), policy, principal, [found.id], on)
    return SearchPage(
        q=q, mode="code", page=page, size=size, total=1 if visible else 0, capped=False, items=items
    )
