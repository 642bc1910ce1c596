"""A proposed policy tree: its manifest (``proposal.yaml``), and the tree it makes, loaded and validated.

A proposal is a folder. Its ``proposal.yaml`` names it, says from when it would take effect and whether
its files are an **overlay** (the default: each file replaces or adds the file at the same path of the
tree in force, and ``remove`` lists files to drop) or a **full** tree. The tree it makes is written to a
temporary folder and loaded by the same ``load_policy`` and section loaders as the tree in force, so a
proposal is valid exactly when ``xinyong policy check`` would accept it; every problem is reported at
once, in Chinese, naming the proposal's file.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from xinyong.errors import PolicyError
from xinyong.policy.base import Strict
from xinyong.policy.loader import Policy, Problems, load_model, load_policy

MANIFEST = "proposal.yaml"


class ProposalManifest(Strict):
    """``proposal.yaml``: what the proposal is, from when, and how its files apply."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    description: str
    basis: str
    effective_on: dt.date | None = None
    mode: Literal["overlay", "full"] = "overlay"
    remove: list[str] = []


@dataclass(frozen=True)
class Proposal:
    """A proposal folder and its manifest."""

    path: Path
    manifest: ProposalManifest


def read_manifest(folder: Path) -> Proposal:
    """Read and validate a proposal folder's manifest, or raise ``PolicyError`` listing the problems."""
    problems = Problems(folder)
    if not folder.is_dir():
        problems.add(str(folder), "提案目录不存在")
        problems.raise_if_any()
    if not (folder / MANIFEST).is_file():
        problems.add(MANIFEST, "缺少提案说明文件（id、name、description、basis、effective_on、mode）")
        problems.raise_if_any()
    manifest = load_model(folder / MANIFEST, ProposalManifest, problems)
    problems.raise_if_any()
    if manifest is None:
        raise AssertionError("unreachable: problems were raised above")
    return Proposal(folder.resolve(), manifest)


def shipped(folder: Path) -> list[Proposal]:
    """Return the valid manifests of the proposal folders under ``folder`` (those that fail are skipped)."""
    out: list[Proposal] = []
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        try:
            out.append(read_manifest(child))
        except PolicyError:
            continue
    return out


def _files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST
    )


def _build(current: Path, proposal: Proposal, tree: Path) -> None:
    """Write the proposed tree to ``tree``: the tree in force with the overlay applied, or the full tree."""
    problems = Problems(proposal.path)
    m = proposal.manifest
    if m.mode == "overlay":
        shutil.copytree(current, tree)
        for rel in m.remove:
            target = (tree / rel).resolve()
            if tree.resolve() not in target.parents or not target.is_file():
                problems.add(MANIFEST, f"remove：现行政策中没有文件 {rel}")
                continue
            target.unlink()
    else:
        tree.mkdir(parents=True)
        if m.remove:
            problems.add(MANIFEST, "remove 只适用于 mode: overlay（完整政策目录无需删除文件）")
    files = _files(proposal.path)
    if not files and m.mode == "full":
        problems.add(str(proposal.path), "完整政策目录为空")
    for path in files:
        rel_path = path.relative_to(proposal.path)
        (tree / rel_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, tree / rel_path)
    problems.raise_if_any()


@contextmanager
def proposed_policy(current: Path, proposal: Proposal, check: Callable[[Policy], object]) -> Iterator[Policy]:
    """Yield the proposal's policy, loaded and checked like the tree in force (``check``: every section).

    The tree lives in a temporary folder for the duration of the block (sections load lazily from it).
    Problems are raised as one ``PolicyError`` whose lines name the proposal.
    """
    with tempfile.TemporaryDirectory(prefix="xinyong-proposal-") as tmp:
        tree = Path(tmp) / "policy"
        try:
            _build(current, proposal, tree)
            policy = load_policy(tree)
            check(policy)
        except PolicyError as exc:
            found = [str(p) for p in exc.detail.get("problems", [])] or [exc.message]
            raise PolicyError(
                f"提案 {proposal.manifest.id} 的政策数据校验失败：\n" + "\n".join(f"  - {p}" for p in found),
                code="simulation.proposal_invalid",
                problems=found,
                proposal=proposal.manifest.id,
            ) from exc
        yield policy
