"""`indicators export --out DIR` replaces only the pack's own files: drafts, subfolders, other
packs and the folder's permissions survive; a folder it does not own is refused."""

from __future__ import annotations

import json
import os
import stat

import pytest

from indicators.cli import main
from indicators.outputs import folder

SPEC = (
    "title: T\nfigures:\n  - id: a\n    chart: internet_gap\n"
    "  - id: b\n    chart: bandwidth_per_user\n"
)


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(SPEC)
    return path


def export(data, spec, out, *extra):
    args = ["--data-dir", str(data.root), "export", str(spec), "--out", str(out)]
    return main([*args, "--format", "csv", *extra])


def listing(path):
    return sorted(p.name for p in path.iterdir())


def with_draft(out):
    """A folder as a report writer keeps it: a draft, a subfolder holding another pack."""
    out.mkdir(mode=0o755)
    os.chmod(out, 0o755)  # whatever the umask
    (out / "draft.docx").write_bytes(b"my draft")
    (out / "ff").mkdir()
    (out / "ff" / "manifest.json").write_text('{"figures": []}')
    (out / "ff" / "01.png").write_bytes(b"png")
    return out


def test_folder_with_a_draft_and_no_manifest_is_refused(published, spec, tmp_path, capsys):
    out = with_draft(tmp_path / "figures")
    assert export(published, spec, out) == 1
    err = capsys.readouterr().err
    assert f"{out}: holds files but no pack manifest (manifest.json): draft.docx" in err
    assert "--force" in err and "nothing was written" in err
    assert listing(out) == ["draft.docx", "ff"]


def test_force_writes_beside_the_draft_and_keeps_the_folder(published, spec, tmp_path):
    out = with_draft(tmp_path / "figures")
    assert export(published, spec, out, "--force") == 0
    assert (out / "draft.docx").read_bytes() == b"my draft"
    assert listing(out / "ff") == ["01.png", "manifest.json"]
    assert listing(out) == ["a.csv", "a.md", "b.csv", "b.md", "draft.docx", "ff", "manifest.json"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o755


def test_a_second_export_replaces_only_its_own_files(published, spec, tmp_path):
    out = with_draft(tmp_path / "figures")
    assert export(published, spec, out, "--force") == 0
    before = json.loads((out / "manifest.json").read_text())
    (out / "notes.txt").write_text("added after the pack")
    assert export(published, spec, out) == 0  # a pack's folder needs no --force
    assert (out / "draft.docx").read_bytes() == b"my draft"
    assert (out / "notes.txt").read_text() == "added after the pack"
    assert listing(out / "ff") == ["01.png", "manifest.json"]
    after = json.loads((out / "manifest.json").read_text())
    assert after["generated_at"] >= before["generated_at"]
    assert not [p for p in out.iterdir() if p.name.startswith(folder.STAGING_PREFIX)]


def test_out_dot_writes_into_the_current_folder(published, spec, tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert export(published, spec, ".") == 0
    assert listing(here) == ["a.csv", "a.md", "b.csv", "b.md", "manifest.json"]
    assert export(published, spec, ".") == 0


def test_a_new_folder_gets_ordinary_permissions(published, spec, tmp_path):
    out = tmp_path / "new"
    umask = os.umask(0o022)
    try:
        assert export(published, spec, out) == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755  # not mkdtemp's 0700
    assert stat.S_IMODE((out / "a.csv").stat().st_mode) == 0o644


def test_a_pack_file_edited_since_is_not_overwritten_without_force(
    published, spec, tmp_path, capsys
):
    out = tmp_path / "figures"
    assert export(published, spec, out) == 0
    (out / "a.md").write_text("edited caption")
    assert export(published, spec, out) == 1
    assert f"{out / 'a.md'}: was changed since the pack wrote it" in capsys.readouterr().err
    assert (out / "a.md").read_text() == "edited caption"
    assert export(published, spec, out, "--force") == 0
    assert (out / "a.md").read_text().startswith("### ")


def test_a_file_in_the_way_that_the_pack_did_not_write_is_refused(
    published, spec, tmp_path, capsys
):
    out = tmp_path / "figures"
    assert export(published, spec, out) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["figures"] = [f for f in manifest["figures"] if f["id"] != "b"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "b.csv").write_text("someone else's b.csv")
    assert export(published, spec, out) == 1
    assert f"{out / 'b.csv'}: is in the way and was not written by the pack" in (
        capsys.readouterr().err
    )
    assert (out / "b.csv").read_text() == "someone else's b.csv"


def test_another_specs_pack_is_refused(published, spec, tmp_path, capsys):
    out = tmp_path / "figures"
    assert export(published, spec, out) == 0
    other = tmp_path / "other.yaml"
    other.write_text(SPEC)
    assert export(published, other, out) == 1
    assert "holds the pack of another spec" in capsys.readouterr().err
    assert json.loads((out / "manifest.json").read_text())["spec"] == str(spec)


def test_files_the_pack_no_longer_writes_are_removed_if_unchanged(published, spec, tmp_path):
    out = tmp_path / "figures"
    assert export(published, spec, out) == 0
    (out / "a.md").write_text("edited, so kept")
    spec.write_text("title: T\nfigures:\n  - id: b\n    chart: bandwidth_per_user\n")
    assert export(published, spec, out) == 0
    assert listing(out) == ["a.md", "b.csv", "b.md", "manifest.json"]


def test_the_readme_sequence_keeps_the_sub_pack(published, spec, tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    assert export(published, spec, figures / "ff") == 0
    assert export(published, spec, figures) == 0
    assert listing(figures / "ff") == ["a.csv", "a.md", "b.csv", "b.md", "manifest.json"]


def test_the_zip_is_listed_as_the_packs_own(published, spec, tmp_path):
    out = tmp_path / "figures"
    assert export(published, spec, out, "--zip") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["archive"] == "pack.zip"
    assert "pack.zip" in folder.owned_files(manifest)
    assert export(published, spec, out, "--zip") == 0
