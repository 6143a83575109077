"""A pack's output folder: a pack owns exactly the files its manifest lists, and nothing else.

Writing a pack into a folder replaces only the files the pack writes, each in one step
(``os.replace`` from a staging folder inside the output folder, so every move stays on one file
system, ``--out .`` included), with ``manifest.json`` last. Everything else in the folder (a
draft, subfolders, other packs) and the folder itself (its permissions) are left as they were.
Files the previous pack wrote and this one no longer does are removed only if they are still
exactly as written (their sha256 matches the old manifest).

Before anything is rendered, the folder is checked: a folder holding files but no pack manifest,
a file in the way that the previous pack did not write, a pack file changed since it was written,
or the manifest of another spec's pack are refused unless ``force`` (and even then only the
pack's own files are replaced).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
STAGING_PREFIX = ".indicators-pack-"
FORCE_HINT = "pass --force to write the pack's own files beside it"


class FolderError(Exception):
    """The output folder cannot take the pack; the message names the folder and the file."""


@dataclass
class Plan:
    """What writing into a folder will do: where, whether it is created, and what it replaces."""

    out: Path
    created: bool
    previous: dict[str, str] = field(default_factory=dict)  # file -> sha256 the old pack wrote
    staging: Path | None = None


def sha256(path: Path) -> str:
    """The file's sha256, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _recorded(node: Any) -> Iterator[tuple[str, str]]:
    """Every (path, sha256) a manifest records, wherever it sits in the manifest."""
    if isinstance(node, dict):
        if isinstance(node.get("path"), str) and isinstance(node.get("sha256"), str):
            yield node["path"], node["sha256"]
        for value in node.values():
            yield from _recorded(value)
    elif isinstance(node, list):
        for value in node:
            yield from _recorded(value)


def owned_files(manifest: dict[str, Any]) -> dict[str, str]:
    """The files a pack's manifest says the pack wrote, with their sha256 ('' if unrecorded)."""
    files = {Path(p).name: sha for p, sha in _recorded(manifest)}
    archive = manifest.get("archive")
    if isinstance(archive, str) and archive:
        files.setdefault(Path(archive).name, "")
    return files


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The pack manifest in a folder (None if there is none); FolderError if it is not one."""
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FolderError(f"{path}: is not a pack manifest ({exc})") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("figures"), list):
        raise FolderError(f"{path}: is not a pack manifest (no 'figures' list)")
    return manifest


def _check_writable(out: Path) -> None:
    """The folder (or, when it is new, its parent) must exist and take a real write."""
    if out.exists() and not out.is_dir():
        raise FolderError(f"{out}: exists and is not a folder")
    target = out if out.is_dir() else out.resolve().parent
    if not target.is_dir():
        raise FolderError(f"{out}: output folder's parent {target} does not exist")
    try:  # a real write: permission bits alone say nothing about read-only mounts or root
        tempfile.TemporaryFile(dir=target).close()
    except OSError as exc:
        raise FolderError(f"{out}: output folder is not writable ({exc.strerror})") from exc


def _foreign(out: Path) -> list[str]:
    """Files (not folders, not a staging leftover) at the top of a folder without a manifest."""
    return sorted(
        p.name for p in out.iterdir() if p.is_file() and not p.name.startswith(STAGING_PREFIX)
    )


def _same_spec(manifest: dict[str, Any], spec: Path) -> bool:
    """Whether a manifest is that of the same spec (by file name: the folder may have moved)."""
    return Path(str(manifest.get("spec", ""))).name == spec.name


def check(out: Path, spec: Path, writes: list[str], force: bool = False) -> Plan:
    """Check that the pack may write ``writes`` into ``out``; FolderError naming why not."""
    out = Path(out)
    _check_writable(out)
    if not out.exists():
        return Plan(out, created=True)
    manifest = read_manifest(out)
    if manifest is None:
        files = _foreign(out)
        if files and not force:
            shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
            raise FolderError(
                f"{out}: holds files but no pack manifest ({MANIFEST}): {shown}; write the pack "
                f"into an empty or new folder, or {FORCE_HINT}"
            )
        return Plan(out, created=False)
    if not _same_spec(manifest, spec) and not force:
        raise FolderError(
            f"{out}: holds the pack of another spec ({manifest.get('spec')}); write this one "
            f"into its own folder, or {FORCE_HINT}"
        )
    previous = owned_files(manifest) if _same_spec(manifest, spec) else {}
    if not force:
        _check_in_the_way(out, writes, previous)
    return Plan(out, created=False, previous=previous)


def _check_in_the_way(out: Path, writes: list[str], previous: dict[str, str]) -> None:
    """Refuse to replace a file the previous pack did not write, or one changed since."""
    for name in writes:
        path = out / name
        if not path.exists() or name == MANIFEST:
            continue
        if path.is_dir():
            raise FolderError(f"{path}: a folder is in the way of the pack's file")
        if name not in previous:
            raise FolderError(
                f"{path}: is in the way and was not written by the pack; {FORCE_HINT}"
            )
        if previous[name] and sha256(path) != previous[name]:
            raise FolderError(
                f"{path}: was changed since the pack wrote it; move it away to keep it, or "
                f"{FORCE_HINT.replace('beside it', 'over it')}"
            )


def stage(plan: Plan) -> Path:
    """A staging folder inside the output folder (created now if it is new)."""
    plan.out.mkdir(exist_ok=True)
    plan.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=plan.out))
    return plan.staging


def _replace(source: Path, target: Path) -> None:
    """Move one file into place in one step, keeping the permissions of the file it replaces."""
    if target.is_file():
        shutil.copymode(target, source)
    os.replace(source, target)


def commit(plan: Plan) -> list[str]:
    """Move the staged files into the folder (the manifest last); remove the previous pack's
    files this one no longer writes, if unchanged. Returns the names of files left alone."""
    assert plan.staging is not None
    staged = sorted(p for p in plan.staging.iterdir() if p.is_file())
    for path in [p for p in staged if p.name != MANIFEST] + [
        p for p in staged if p.name == MANIFEST
    ]:
        _replace(path, plan.out / path.name)
    written = {p.name for p in staged}
    kept = []
    for name, recorded in sorted(plan.previous.items()):
        old = plan.out / name
        if name in written or not old.is_file():
            continue
        if recorded and sha256(old) == recorded:
            old.unlink()
        else:
            kept.append(name)
    discard(plan)
    return kept


def discard(plan: Plan) -> None:
    """Remove the staging folder, and the output folder if this export created it empty."""
    if plan.staging is not None:
        shutil.rmtree(plan.staging, ignore_errors=True)
        plan.staging = None
    if plan.created and plan.out.is_dir() and not any(plan.out.iterdir()):
        plan.out.rmdir()
