"""Register entries kept beside the credit file: who sees them, decided by the same person rule as records.

The 信用服务机构 filing list, practitioners of agencies, licensed professionals and civil servants are
registers, not credit records; whether an audience sees an entry follows from the subject's kind alone:
organisations' entries are public (信用中国 publishes the agency list), natural persons' never are
(``facts.personal_not_public``, the rule ``disclosure.decide`` applies to their records). Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xinyong.rules.disclosure import AUDIENCE_LABELS, Audience, Disclosure
from xinyong.rules.facts import personal_not_public

if TYPE_CHECKING:
    from xinyong.policy.loader import Policy

PERSON_NOT_PUBLIC = "自然人信用信息不向社会公开，仅限政务共享和依授权查询"


def decide_entry(subject_kind: str, audience: Audience, policy: Policy) -> Disclosure:
    """Decide whether ``audience`` sees a register entry about a subject of ``subject_kind``, and why."""
    if audience == Audience.PUBLIC and personal_not_public(subject_kind, policy):
        return Disclosure(False, True, False, "natural_person_not_public", PERSON_NOT_PUBLIC)
    if audience == Audience.PUBLIC:
        return Disclosure(True, True, False, "register_public", "备案登记信息，依法向社会公开")
    return Disclosure(True, True, False, "register_shared", f"登记信息；{AUDIENCE_LABELS[audience]}可见")
