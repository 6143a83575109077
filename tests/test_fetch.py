"""`indicators fetch`: from a local folder, over HTTP from a loopback server, and offline."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading

import pytest

from indicators import store
from indicators.cli import main
from indicators.fetch import read_manifest
from indicators.sources import RAW_FILES


@pytest.fixture
def http_mirror(mirror):
    """A real HTTP server on 127.0.0.1 serving the mirror folder."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(mirror))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def check_manifest(data, mirror):
    manifest = read_manifest(data)
    assert set(manifest) == {r.key for r in RAW_FILES}
    for raw in RAW_FILES:
        content = (mirror / raw.path).read_bytes()
        entry = manifest[raw.key]
        assert (data.raw / raw.path).read_bytes() == content
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
        assert entry["retrieved_at"].endswith("+00:00")


def test_fetch_from_local_folder(tmp_path, mirror, capsys):
    data = store.DataDir(tmp_path / "data")
    assert main(["--data-dir", str(data.root), "fetch", "--from", str(mirror)]) == 0
    check_manifest(data, mirror)
    assert main(["--data-dir", str(data.root), "fetch", "--from", str(mirror)]) == 0


def test_fetch_downloads_over_http(tmp_path, mirror, http_mirror):
    data = store.DataDir(tmp_path / "data")
    assert main(["--data-dir", str(data.root), "fetch", "--mirror-url", http_mirror]) == 0
    check_manifest(data, mirror)
    assert read_manifest(data)["m49_2026"]["url"].startswith(http_mirror)


def test_fetch_offline_says_what_to_do(tmp_path, capsys):
    data = store.DataDir(tmp_path / "data")
    # Port 9 on loopback: nothing listens, so the connection is refused at once.
    code = main(["--data-dir", str(data.root), "fetch", "--mirror-url", "http://127.0.0.1:9/"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1
    assert "cannot download http://127.0.0.1:9/" in err[0]
    assert "--from" in err[0]
    assert not (data.raw / "manifest.json").exists()


def test_fetch_from_folder_missing_a_file(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code = main(["--data-dir", str(tmp_path / "data"), "fetch", "--from", str(empty)])
    assert code == 2
    assert "not found in the folder given with --from" in capsys.readouterr().err
