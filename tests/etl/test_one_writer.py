"""One data folder, one writer: `fetch`, `add`, `remove` and `build` hold a file lock; readers
never wait; a build finishes what a cut-off change left and never publishes an empty folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys

import pytest

from indicators.cli import main
from indicators.contract import store
from indicators.etl import lock
from indicators.etl.fetch import read_manifest
from tests.conftest import REPO
from tests.helpers import next_wdi


def digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(published, tmp_path):
    copy = store.DataDir(tmp_path / "data")
    shutil.copytree(published.root, copy.root, symlinks=True)
    return copy


def command(data, *args) -> subprocess.Popen:
    """An `indicators` command in its own process, as a second terminal would run it."""
    return subprocess.Popen(
        [sys.executable, "-m", "indicators.cli", "--data-dir", str(data.root), *map(str, args)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_command_waits_saying_for_whom_then_refuses(data, mirror, tmp_path, capsys):
    new = tmp_path / "wdi.csv"
    new.write_bytes(next_wdi(mirror))
    raw, processed = digest(data.raw), digest(data.processed)
    with lock.writer(data, "fetch"):
        code = main(["--data-dir", str(data.root), "add", str(new), "--wait", "0.3"])
        err = capsys.readouterr().err
        # Readers never wait: the published tables are read while the folder is locked.
        assert main(["--data-dir", str(data.root), "info"]) == 0
    assert code == 2
    assert f"indicators add: waiting up to 0.3 s for `indicators fetch` (pid {os.getpid()}" in err
    assert "is still in use by `indicators fetch`" in err and "--wait SECONDS" in err
    assert digest(data.raw) == raw and digest(data.processed) == processed


def test_two_adds_at_once_keep_both_editions(data, mirror, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(next_wdi(mirror, date="9/20/2026"))
    second.write_bytes(next_wdi(mirror, date="10/20/2026"))
    with lock.writer(data, "test"):  # both start while the folder is busy, then queue
        runs = [command(data, "add", first), command(data, "add", second)]
        waiting = [run.stderr.readline() for run in runs if run.stderr is not None]
    results = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert all("waiting up to 60 s for `indicators test`" in line for line in waiting), waiting
    assert {"wdi@2026-09", "wdi@2026-10"} <= set(read_manifest(data))


def test_a_holder_killed_with_sigkill_frees_the_folder(data, mirror, tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from indicators.contract.paths import DataDir\n"
            "from indicators.etl import lock\n"
            "with lock.writer(DataDir(Path(sys.argv[1])), 'build'):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(60)\n",
            str(data.root),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    new = tmp_path / "wdi.csv"
    new.write_bytes(next_wdi(mirror))
    assert main(["--data-dir", str(data.root), "--wait", "5", "add", str(new)]) == 0


def test_build_finishes_a_change_cut_off_between_its_two_renames(data, capsys):
    """A fetch killed after moving data/raw aside and before putting the new one in place."""
    processed, raw = digest(data.processed), digest(data.raw)
    os.rename(data.raw, data.root / ".raw-old-1")
    (data.root / ".raw-staging-2").mkdir()  # the half-copied new folder
    assert main(["--data-dir", str(data.root), "build"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().out
    assert digest(data.raw) == raw and digest(data.processed) == processed
    assert not list(data.root.glob(".raw-*"))
