"""Subject resolution (主体关联), set-based per chunk.

Order: USCC (a preloaded index of the register, looked up column-wise) → 身份证 through the blind index
→ legacy 组织机构代码 (every USCC subject carries the one embedded in its USCC) → 工商注册号 → a
reviewer's earlier "same" decision for the written name → the exact normalised name in the row's
county. A subject unknown to the register but carrying a valid USCC (or a natural person with a valid
身份证) is created from the row: the code is checksummed and legally unique, and the register often
lags the decision; the creation is counted on the batch and audited. Everything else waits in the
未关联 queue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.ingest import queries
from xinyong.ingest.fields import mask_of
from xinyong.ingest.models import MatchDecision
from xinyong.ingest.uscc_cache import UsccIndexCache
from xinyong.ingest.validate import Validated
from xinyong.kit.crypto import KeyRing
from xinyong.kit.text import name_core, normalize_name
from xinyong.policy.schemas import CatalogItem
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import IdentifierScheme, Subject, SubjectIdentifier, SubjectKind

REG_NO = re.compile(r"^\d{15}$")
PERSON = SubjectKind.NATURAL_PERSON.value


@dataclass
class Resolution:
    """Subject of each row (null where unresolved) and how it was found."""

    subject_ids: pa.Array
    unresolved: list[int]
    created: int
    conflicts: np.ndarray
    methods: dict[str, int] = field(default_factory=dict)


@dataclass
class _Rows:
    """The columns a chunk's resolution reads, the subject found for each row and how."""

    names: list[Any]  # Arrow's to_pylist
    cats: list[Any]  # Arrow's to_pylist
    depts: list[Any]  # Arrow's to_pylist
    usccs: list[Any]  # Arrow's to_pylist
    orgs: list[Any]  # Arrow's to_pylist
    regs: list[Any]  # Arrow's to_pylist
    person_index: list[Any]  # Arrow's to_pylist
    sids: list[int | None]
    methods: dict[str, int]
    created: int = 0

    @classmethod
    def of(
        cls, item: CatalogItem, v: Validated, uscc: pa.Array, sids: list[int | None], methods: dict[str, int]
    ) -> _Rows:
        roles, nulls = item.roles, pa.nulls(v.n, pa.string())
        return cls(
            names=v.text.get(roles["subject_name"], nulls).to_pylist(),
            cats=v.category.to_pylist(),
            depts=v.department.to_pylist(),
            usccs=uscc.to_pylist(),
            orgs=v.codes.get(roles.get("org_code", ""), nulls).to_pylist(),
            regs=v.text.get(roles.get("reg_no", ""), nulls).to_pylist(),
            person_index=v.person_index.to_pylist(),
            sids=sids,
            methods=methods,
        )

    def found(self, i: int, subject_id: int, method: str) -> None:
        self.sids[i] = subject_id
        self.methods[method] = self.methods.get(method, 0) + 1


class Resolver:
    """Resolves the subjects of a batch's chunks; holds the preloaded USCC index.

    ``index`` (optional) keeps the index between the files of one load (``ingest.uscc_cache``).
    """

    def __init__(
        self, session: Session, keys: KeyRing, *, city_region: str, index: UsccIndexCache | None = None
    ) -> None:
        self.session = session
        self.keys = keys
        self.city_region = city_region
        conn = session.connection()
        self.usccs, self.uscc_ids, self.uscc_names = (
            index.get(conn) if index is not None else queries.uscc_index(conn)
        )
        self.created_by_uscc: dict[str, int] = {}
        self.created_by_person: dict[str, int] = {}
        self.org_code_shared = 0

    def resolve(
        self,
        item: CatalogItem,
        v: Validated,
        ok: np.ndarray,
        department_regions: Mapping[str, str],
        actor: str,
    ) -> Resolution:
        """Resolve the subject of every row where ``ok`` is true."""
        roles = item.roles
        uscc = v.codes.get(roles.get("uscc", ""), pa.nulls(v.n, pa.string()))
        idx = pc.index_in(uscc, value_set=self.usccs)
        sid_arr = pc.take(self.uscc_ids, idx)
        sids: list[int | None] = sid_arr.to_pylist()
        methods = {"uscc": int(np.count_nonzero(ok & ~pc.is_null(sid_arr).to_numpy(zero_copy_only=False)))}
        conflicts = self._conflicts(v, roles["subject_name"], idx, ok)
        todo = [int(i) for i in np.flatnonzero(ok) if sids[i] is None]
        if not todo:
            return Resolution(sid_arr, [], 0, conflicts, methods)
        rows = _Rows.of(item, v, uscc, sids, methods)
        todo = self._by_new_uscc(rows, todo)
        todo = self._by_person(rows, v, todo, actor)
        todo = self._by_codes(rows, todo)
        unresolved = self._by_name(rows, todo, department_regions)
        return Resolution(pa.array(sids, pa.int64()), unresolved, rows.created, conflicts, methods)

    def _by_new_uscc(self, rows: _Rows, todo: list[int]) -> list[int]:
        """Create the subjects of valid USCCs unknown to the register (one flush per chunk)."""
        fresh: dict[str, subjects_service.SubjectInput] = {}
        for i in todo:
            code = rows.usccs[i]
            if code is not None and code not in self.created_by_uscc and code not in fresh:
                fresh[code] = subjects_service.SubjectInput(name=rows.names[i] or code, uscc=code)
        shared_before = self.org_code_shared
        self.created_by_uscc.update(self._create_many(fresh))
        rows.created += len(fresh)
        if self.org_code_shared > shared_before:
            rows.methods["org_code_shared"] = self.org_code_shared - shared_before
        for i in todo:
            code = rows.usccs[i]
            if code is not None:
                rows.found(i, self.created_by_uscc[code], "uscc_new")
        return [i for i in todo if rows.sids[i] is None]

    def _by_person(self, rows: _Rows, v: Validated, todo: list[int], actor: str) -> list[int]:
        """身份证 (and other certificates) through the blind index; a new natural person is created."""
        conn = self.session.connection()
        pidx = rows.person_index
        found = queries.subjects_by_identifier(conn, ("ID_CARD", "OTHER"), [pidx[i] for i in todo if pidx[i]])
        for i in todo:
            key = pidx[i]
            if key is None:
                continue
            if key in found:
                rows.found(i, found[key], "id_card")
            elif key in self.created_by_person:
                rows.found(i, self.created_by_person[key], "id_card")
            elif rows.cats[i] == PERSON and v.person_plain[i]:
                self.created_by_person[key] = self._create(
                    subjects_service.SubjectInput(
                        name=rows.names[i] or "（未具名）",
                        kind=SubjectKind.NATURAL_PERSON,
                        id_card=v.person_plain[i],
                    ),
                    actor,
                )
                rows.created += 1
                rows.found(i, self.created_by_person[key], "id_card_new")
        return [i for i in todo if rows.sids[i] is None]

    def _by_codes(self, rows: _Rows, todo: list[int]) -> list[int]:
        """Legacy 组织机构代码, then 工商注册号."""
        conn = self.session.connection()
        for scheme, values, label in (("ORG_CODE", rows.orgs, "org_code"), ("REG_NO", rows.regs, "reg_no")):
            wanted = [
                values[i] for i in todo if values[i] and (scheme != "REG_NO" or REG_NO.match(values[i]))
            ]
            if not wanted:
                continue
            found = queries.subjects_by_identifier(conn, (scheme,), wanted)
            for i in todo:
                if values[i] in found:
                    rows.found(i, found[values[i]], label)
            todo = [i for i in todo if rows.sids[i] is None]
        return todo

    def _by_name(self, rows: _Rows, todo: list[int], department_regions: Mapping[str, str]) -> list[int]:
        """A reviewer's decision first, then the exact normalised name within the county; return the rest."""
        unresolved: list[int] = []
        pending = [i for i in todo if rows.names[i] and rows.cats[i] != PERSON]
        norms = {i: normalize_name(rows.names[i] or "") for i in pending}
        decided = self._decisions(set(norms.values()))
        exact = queries.subjects_by_name(self.session.connection(), set(norms.values()))
        for i in todo:
            if i not in norms:
                unresolved.append(i)
                continue
            region = department_regions.get(rows.depts[i] or "")
            region = None if region == self.city_region else region
            same = decided.get((norms[i], region or "")) or decided.get((norms[i], ""))
            if same is not None:
                rows.found(i, same, "decision")
                continue
            matches = [
                sid
                for sid, reg, kind in exact.get(norms[i], [])
                if kind != PERSON and (region is None or reg == region)
            ]
            if len(matches) == 1:
                rows.found(i, matches[0], "name_region")
            else:
                unresolved.append(i)
        return unresolved

    def _conflicts(self, v: Validated, name_field: str, idx: pa.Array, ok: np.ndarray) -> np.ndarray:
        """Flag rows whose USCC is registered under a different name core (重码: one code, two names)."""
        written = v.text.get(name_field)
        if written is None:
            return np.zeros(v.n, dtype=bool)
        registered = pc.take(self.uscc_names, idx)
        norm = pc.replace_substring_regex(pc.utf8_upper(pc.utf8_normalize(written, "NFKC")), r"\s", "")
        norm = pc.replace_substring(pc.replace_substring(norm, "(", "（"), ")", "）")
        differ = np.flatnonzero(ok & mask_of(pc.not_equal(norm, registered)))
        out = np.zeros(v.n, dtype=bool)
        if len(differ):
            a = pc.take(written, pa.array(differ)).to_pylist()
            b = pc.take(registered, pa.array(differ)).to_pylist()
            for i, x, y in zip(differ, a, b, strict=True):
                out[i] = name_core(x) != name_core(y)
        return out

    def _create_many(self, inputs: Mapping[str, subjects_service.SubjectInput]) -> dict[str, int]:
        built = {key: subjects_service.build_subject(self.keys, data) for key, data in inputs.items()}
        self._drop_shared_org_codes(list(built.values()))
        self.session.add_all(built.values())
        self.session.flush()
        out = {key: subject.id for key, subject in built.items()}
        for subject in built.values():
            self.session.expunge(subject)
        return out

    def _drop_shared_org_codes(self, subjects: list[Subject]) -> None:
        """Leave out the legacy 组织机构代码 a new subject's USCC embeds when another subject holds it.

        A code is held by one subject (``subject_identifier`` is unique per scheme and lookup). A new USCC
        whose embedded code another subject already carries (or an earlier new subject of the batch) is
        still created under its own USCC, which is checksummed and legally unique; the shared legacy code
        stays with its first holder, so old records keyed by it are not re-attributed by a guess. The
        count is kept on the batch's resolution detail (``org_code_shared``), which the batch audit holds.
        """
        org = IdentifierScheme.ORG_CODE.value
        wanted = {i.lookup for s in subjects for i in s.identifiers if i.scheme == org}
        if not wanted:
            return
        held = set(
            self.session.scalars(
                select(SubjectIdentifier.lookup).where(
                    SubjectIdentifier.scheme == org, SubjectIdentifier.lookup.in_(sorted(wanted))
                )
            )
        )
        for subject in subjects:
            for ident in list(subject.identifiers):
                if ident.scheme != org:
                    continue
                if ident.lookup in held:
                    subject.identifiers.remove(ident)
                    self.org_code_shared += 1
                else:
                    held.add(ident.lookup)

    def _create(self, data: subjects_service.SubjectInput, actor: str) -> int:
        subject = subjects_service.build_subject(self.keys, data)
        self.session.add(subject)
        self.session.flush()
        return subject.id

    def _decisions(self, norms: set[str]) -> dict[tuple[str, str], int]:
        """Return (name, region key) → subject of reviewers' "same" decisions."""
        if not norms:
            return {}
        rows = self.session.execute(
            select(MatchDecision.name_norm, MatchDecision.region_key, MatchDecision.subject_id).where(
                MatchDecision.name_norm.in_(sorted(norms)), MatchDecision.same.is_(True)
            )
        )
        return {(name, region): sid for name, region, sid in rows}
