"""Subject use cases: register subjects with their identifiers, find them by any code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import Invalid, NotFound
from xinyong.kit import ids
from xinyong.kit.crypto import KeyRing
from xinyong.kit.text import normalize_name
from xinyong.subjects.models import MEMBER_KINDS, IdentifierScheme, SubjectIdentifier, SubjectKind
from xinyong.subjects.models import Subject as Subject  # re-exported: pages name the type through the service


def kind_of_uscc(uscc: str) -> SubjectKind:
    """Infer the subject kind from the registry and category characters of a USCC."""
    head = uscc[:2]
    if head == "92":
        return SubjectKind.INDIVIDUAL_BUSINESS
    if head == "11":
        return SubjectKind.GOVERNMENT
    if head == "12":
        return SubjectKind.PUBLIC_INSTITUTION
    if head[0] == "5":
        return SubjectKind.SOCIAL_ORGANISATION
    if head[0] == "N":
        return SubjectKind.VILLAGE_COLLECTIVE
    return SubjectKind.ENTERPRISE


def xdr_category(kind: str) -> str:
    """Return the exchange formats' 行政相对人类别 of a subject kind (自然人、个体工商户 or 法人及非法人组织)."""
    if kind == SubjectKind.NATURAL_PERSON.value:
        return "自然人"
    if kind == SubjectKind.INDIVIDUAL_BUSINESS.value:
        return "个体工商户"
    return "法人及非法人组织"


def identifier_lookup(keys: KeyRing, scheme: IdentifierScheme, value: str) -> str:
    """Return the stored lookup key of an identifier (blind index for personal numbers)."""
    if scheme == IdentifierScheme.ID_CARD:
        return keys.blind_index(ids.validate_ric(value), scheme=scheme.value)
    if scheme == IdentifierScheme.OTHER:
        return keys.blind_index(value.strip().upper(), scheme=scheme.value)
    if scheme == IdentifierScheme.USCC:
        return ids.validate_uscc(value)
    if scheme == IdentifierScheme.ORG_CODE:
        return ids.validate_org_code(value)
    return ids.validate_reg_no(value)


def make_identifier(keys: KeyRing, scheme: IdentifierScheme, value: str) -> SubjectIdentifier:
    """Build an identifier row; personal numbers are encrypted and only the mask is kept in clear."""
    lookup = identifier_lookup(keys, scheme, value)
    if scheme == IdentifierScheme.ID_CARD:
        normalised = ids.validate_ric(value)
        return SubjectIdentifier(
            scheme=scheme.value,
            lookup=lookup,
            value=None,
            value_enc=keys.encrypt(normalised),
            masked=ids.mask_ric(normalised),
        )
    if scheme == IdentifierScheme.OTHER:
        return SubjectIdentifier(
            scheme=scheme.value,
            lookup=lookup,
            value=None,
            value_enc=keys.encrypt(value.strip()),
            masked=ids.mask_ric(value.strip()),
        )
    return SubjectIdentifier(scheme=scheme.value, lookup=lookup, value=lookup, masked=lookup)


@dataclass(frozen=True)
class SubjectInput:
    """What is needed to register a subject."""

    name: str
    kind: SubjectKind | None = None
    uscc: str | None = None
    id_card: str | None = None
    reg_no: str | None = None
    region_code: str | None = None
    industry: str | None = None
    legal_rep: str | None = None
    established_on: dt.date | None = None
    status: str = "存续"


def build_subject(keys: KeyRing, data: SubjectInput) -> Subject:
    """Build (without adding) a subject and its identifiers from validated input."""
    if not data.uscc and not data.id_card and data.kind not in MEMBER_KINDS:  # a household: its members
        raise Invalid("主体至少需要统一社会信用代码或身份证号码之一", code="subject.no_identifier")
    uscc = ids.validate_uscc(data.uscc) if data.uscc else None
    kind = data.kind or (kind_of_uscc(uscc) if uscc else SubjectKind.NATURAL_PERSON)
    subject = Subject(
        kind=kind.value,
        name=data.name.strip(),
        name_norm=normalize_name(data.name),
        region_code=data.region_code or (uscc[2:8] if uscc else None),
        uscc=uscc,
        industry=data.industry,
        legal_rep=data.legal_rep,
        established_on=data.established_on,
        status=data.status,
    )
    if uscc:
        subject.identifiers.append(make_identifier(keys, IdentifierScheme.USCC, uscc))
        org = ids.org_code_of_uscc(uscc)
        if org:
            subject.identifiers.append(make_identifier(keys, IdentifierScheme.ORG_CODE, org))
    if data.id_card:
        subject.identifiers.append(make_identifier(keys, IdentifierScheme.ID_CARD, data.id_card))
    if data.reg_no:
        subject.identifiers.append(make_identifier(keys, IdentifierScheme.REG_NO, data.reg_no))
    return subject


CODE_TOKEN_PREFIX = "bi_"  # noqa: S105 - a prefix, not a secret
_TOKEN = re.compile(r"^bi_[0-9a-f]{64}$")


def code_token(keys: KeyRing, code: str) -> str:
    """Return the token that stands for ``code`` in URLs: an ID number's blind index, other codes as they are.

    ID numbers must not travel in paths or query strings (they reach access logs and browser history);
    a caller exchanges one for this token by POST and uses the token wherever a code is accepted. The
    token is computed without a lookup, so it tells nothing about whether the person is known.
    """
    cleaned = ids.normalize_uscc(code)
    if len(cleaned) in (15, 18) and ids.is_valid_ric(cleaned):
        return CODE_TOKEN_PREFIX + identifier_lookup(keys, IdentifierScheme.ID_CARD, cleaned)
    return cleaned


def code_schemes(cleaned: str) -> list[IdentifierScheme]:
    """Return every identifier scheme a normalised code is valid for, USCC first (the one home of which
    code is what: length and check digits)."""
    schemes: list[IdentifierScheme] = []
    if len(cleaned) == 18 and ids.is_valid_uscc(cleaned):
        schemes.append(IdentifierScheme.USCC)
    if len(cleaned) in (15, 18) and ids.is_valid_ric(cleaned):
        schemes.append(IdentifierScheme.ID_CARD)
    if len(cleaned) == 9:
        schemes.append(IdentifierScheme.ORG_CODE)
    if len(cleaned) == 15:
        schemes.append(IdentifierScheme.REG_NO)
    return schemes


def code_lookups(keys: KeyRing, code: str) -> list[tuple[IdentifierScheme, str]]:
    """Return (scheme, stored lookup key) for every scheme ``code`` is valid for, USCC first.

    An 18-digit ID number passes the USCC check by chance about once in 31, so every scheme the code
    is valid for is tried. A token from :func:`code_token` is an ID number's lookup key itself.
    """
    if code.startswith(CODE_TOKEN_PREFIX):
        return [(IdentifierScheme.ID_CARD, code[3:])] if _TOKEN.match(code) else []
    cleaned = ids.normalize_uscc(code)
    out = []
    for scheme in code_schemes(cleaned):
        try:
            out.append((scheme, identifier_lookup(keys, scheme, cleaned)))
        except ids.IdentifierError:
            continue
    return out


def find_by_code(session: Session, keys: KeyRing, code: str) -> Subject | None:
    """Find a subject by USCC, 身份证, 组织机构代码 or 工商注册号, whichever ``code`` is."""
    for scheme, lookup in code_lookups(keys, code):
        found = session.scalar(
            select(Subject)
            .join(SubjectIdentifier, SubjectIdentifier.subject_id == Subject.id)
            .where(SubjectIdentifier.scheme == scheme.value, SubjectIdentifier.lookup == lookup)
        )
        if found is not None:
            return found
    return None


def get_by_code(session: Session, keys: KeyRing, code: str) -> Subject:
    """Return the subject for ``code`` or raise ``NotFound``."""
    subject = find_by_code(session, keys, code)
    if subject is None:
        raise NotFound("未找到该信用主体", code="subject.not_found")
    return subject


def reveal_id_card(keys: KeyRing, subject: Subject) -> str | None:
    """Decrypt a natural person's ID number (callers must authorise and log the read)."""
    for ident in subject.identifiers:
        if ident.scheme == IdentifierScheme.ID_CARD and ident.value_enc:
            return keys.decrypt(ident.value_enc)
    return None


def _checked(validate: Callable[[str], str], value: str) -> str:
    try:
        return validate(value)
    except ids.IdentifierError as exc:
        raise Invalid(str(exc), code=exc.code) from exc


def ensure_person(session: Session, keys: KeyRing, name: str, id_card: str) -> Subject:
    """Return the natural person with ``id_card`` (found by its blind index), registering them if new.

    Registers that hold people (practitioners, licensed professionals, civil servants) link to the person's
    one subject: the ID number is stored only encrypted, with its keyed blind index for the lookup.
    """
    number = _checked(ids.validate_ric, id_card)
    lookup = identifier_lookup(keys, IdentifierScheme.ID_CARD, number)
    found = session.scalar(
        select(Subject)
        .join(SubjectIdentifier, SubjectIdentifier.subject_id == Subject.id)
        .where(SubjectIdentifier.scheme == IdentifierScheme.ID_CARD.value, SubjectIdentifier.lookup == lookup)
    )
    if found is not None:
        return found
    subject = build_subject(keys, SubjectInput(name=name, kind=SubjectKind.NATURAL_PERSON, id_card=number))
    session.add(subject)
    session.flush()
    return subject


def ensure_organisation(session: Session, keys: KeyRing, data: SubjectInput) -> Subject:
    """Return the organisation with ``data.uscc``, registering it from ``data`` if new."""
    uscc = _checked(ids.validate_uscc, data.uscc or "")
    found = session.scalar(select(Subject).where(Subject.uscc == uscc))
    if found is not None:
        return found
    subject = build_subject(keys, data)
    session.add(subject)
    session.flush()
    return subject
