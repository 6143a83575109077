"""Whether ``data/processed`` is already the build of what ``data/raw`` holds.

Standard library only, so ``indicators build`` with nothing changed answers without loading
pandas: the same bytes at the same paths, the same manifest, claims file and code give the same
tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import indicators

MANIFEST = "manifest.json"
NOT_DATA = {MANIFEST, "README.md"}
BUILD_FILE = "_build.json"


def data_files(folder: Path) -> Iterator[Path]:
    """Every file under a raw folder or a mirror, except the manifest, READMEs and dotfiles."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.name not in NOT_DATA:
            yield path


def code_fingerprint() -> str:
    """Hash of the reader and build code, so a changed reader invalidates caches and builds."""
    package = Path(indicators.__file__).parent
    digest = hashlib.sha256()
    # Claims are recomputed with the metrics the topics declare: their code is an input too.
    layers = ["*.py", "etl/**/*.py", "contract/*.py", "metrics/*.py", "catalogue/*.py"]
    layers.append("topics/*.py")
    for path in sorted(p for pattern in layers for p in package.glob(pattern)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


REPORT_SUFFIXES = (".yaml", ".yml", ".csv")


def shipped_claims() -> Path:
    """The report files shipped with the package."""
    return Path(indicators.__file__).parent / "data" / "claims"


def report_files(path: Path) -> list[Path]:
    """A report file, or the report files in a folder."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in REPORT_SUFFIXES)
    return [path]


def claim_files(given: Path | None, root: Path) -> list[Path]:
    """The report files a build checks: those given (a file or a folder), else the shipped ones
    and any in ``data/claims/``."""
    if given is not None:
        return report_files(given)
    folders = [shipped_claims(), root / "claims"]
    return [p for folder in folders if folder.is_dir() for p in report_files(folder)]


def stamp(raw: Path, hashes: dict[str, str], claims: list[Path]) -> dict[str, str]:
    """What a build depends on: each raw file's hash by path, the manifest, claims and code."""
    return {
        **{f"raw/{k}": v for k, v in sorted(hashes.items())},
        "manifest": file_sha256(raw / MANIFEST),
        **{f"claims/{p.name}": file_sha256(p) for p in claims},
        "code": code_fingerprint(),
    }


def current_stamp(raw: Path, claims: list[Path]) -> dict[str, str]:
    """The stamp of the raw folder as it is now."""
    hashes = {}
    if raw.is_dir():
        hashes = {str(p.relative_to(raw)): file_sha256(p) for p in data_files(raw)}
    return stamp(raw, hashes, claims)


def is_current(root: Path, claims: list[Path]) -> bool:
    """True when the published build was made from exactly what is there now."""
    record = root / "processed" / BUILD_FILE
    try:
        published = json.loads(record.read_text()).get("raw_stamp")
    except (OSError, ValueError):
        return False
    try:
        return bool(published) and published == current_stamp(root / "raw", claims)
    except OSError:
        return False
