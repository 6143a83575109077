"""The README's "Run it for a team" commands, started as written with other ports and folders.

``commands()`` reads the section's shell block; ``Team`` runs it: each line in bash from the
repository root, with only these substituted: ``$PWD/data`` (a data folder the test built),
the ``run`` folder (a temporary one), and the ports (nginx's ``listen`` and its upstream's
``server`` lines, in a copy of ``deploy/nginx.conf``; gunicorn's ``INDICATORS_BIND``). Several
gunicorns stand for several machines behind one upstream.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
NGINX_CONF = REPO / "deploy" / "nginx.conf"
HOST = "127.0.0.1"
SERVERS = ("gunicorn", "nginx")  # the lines that start a server (the others run and finish)
START_TIMEOUT_S = 90.0


def commands() -> list[str]:
    """The shell lines of the README's team section, in order."""
    text = README.read_text()
    section = text.split("## Run it for a team", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block, "the README's team section has no sh block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def answers(port: int, path: str = "/healthz") -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def nginx_conf(listen: int, upstreams: list[int]) -> str:
    """deploy/nginx.conf with its ports substituted: nginx's own, and one upstream line per
    gunicorn (as the README says to add one per machine)."""
    text = NGINX_CONF.read_text()
    assert text.count("listen 8080;") == 1 and text.count("server 127.0.0.1:8050;") == 1
    servers = "\n        ".join(f"server {HOST}:{port};" for port in upstreams)
    return text.replace("listen 8080;", f"listen {listen};").replace(
        "server 127.0.0.1:8050;", servers
    )


@dataclass
class Team:
    """The README's servers: ``gunicorns`` instances behind one nginx, reading ``data``."""

    data: Path
    gunicorns: int = 1
    app: str = "app:server"  # another WSGI app in its place (the benchmark's trivial one)
    pythonpath: str = ""  # where that app is found
    port: int = 0  # nginx's
    upstreams: list[int] = field(default_factory=list)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    folder: Path = Path()

    def start(self) -> Team:
        # World-readable: nginx's workers drop root (when the tests run as root) and must still
        # reach their temporary folders under it.
        self.folder = Path(tempfile.mkdtemp(prefix="team-", dir="/tmp"))
        self.folder.chmod(0o755)
        self.port = free_port()
        self.upstreams = [free_port() for _ in range(self.gunicorns)]
        conf = self.folder / "nginx.conf"
        conf.write_text(nginx_conf(self.port, self.upstreams))
        run = self.folder / "run"
        # The team's own render server (the machine's default is shared by every gunicorn).
        env = {**os.environ, "INDICATORS_RENDER_SOCKET": str(self.render_socket)}
        for line in commands():
            line = line.replace("$PWD/data", str(self.data))
            line = line.replace('"$PWD/run"', shlex.quote(str(run)))
            line = line.replace('"$PWD/deploy/nginx.conf"', shlex.quote(str(conf)))
            line = re.sub(r"(?<=mkdir -p )run$", shlex.quote(str(run)), line)
            if line.startswith("gunicorn ") and self.app != "app:server":
                extra = f"--pythonpath {shlex.quote(self.pythonpath)} " if self.pythonpath else ""
                line = line.replace(" app:server", f" {extra}{shlex.quote(self.app)}")
            self._run(line, env)
        for port in [*self.upstreams, self.port]:
            self._wait(port)
        return self

    def _run(self, line: str, env: dict[str, str]) -> None:
        """One README line: an export, a command that finishes, or a server (per instance)."""
        if line.startswith("export "):
            name, value = line[len("export ") :].split("=", 1)
            env[name] = subprocess.run(
                ["bash", "-c", f'printf %s "{value}"'], cwd=REPO, env=env, text=True,
                capture_output=True, check=True,
            ).stdout  # fmt: skip
            return
        if line.split()[0] not in SERVERS:
            subprocess.run(["bash", "-c", line], cwd=REPO, env=env, check=True)
            return
        binds = self.upstreams if line.startswith("gunicorn") else [0]
        for port in binds:
            child = {**env, "INDICATORS_BIND": f"{HOST}:{port}"} if port else env
            log = self.folder / f"{line.split()[0]}-{port or self.port}.log"
            with log.open("wb") as sink:
                self.procs.append(
                    subprocess.Popen(
                        ["bash", "-c", f"exec {line}"],
                        cwd=REPO,
                        env=child,
                        stdout=sink,
                        stderr=sink,
                    )
                )
            self.logs.append(log)

    def _wait(self, port: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if answers(port):
                return
            if any(p.poll() is not None for p in self.procs):
                break
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"port {port} never answered:\n{self.log_text()[-4000:]}")

    def log_text(self) -> str:
        return "\n".join(f"== {log.name}\n{log.read_text(errors='replace')}" for log in self.logs)

    def gunicorn(self, index: int) -> subprocess.Popen[bytes]:
        """The master of the index-th gunicorn."""
        return [p for p in self.procs if "gunicorn" in " ".join(map(str, p.args))][index]

    @property
    def render_socket(self) -> Path:
        return self.folder / "render.sock"

    def render_server(self) -> int | None:
        """The pid of the render server the team's workers started (None if none runs)."""
        from indicators.outputs import render, render_client

        remote = render_client.RemoteRenderer(self.render_socket, fallback=render.local_renderer)
        return remote.server_pid() if remote.alive() else None

    def stop(self) -> None:
        """Stop every server this team started (by pid), gracefully, then for good."""
        renderer = self.render_server()
        if renderer is not None:
            os.kill(renderer, signal.SIGTERM)
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Team:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def controls(node: Any, found: dict[str, list[dict[str, Any]]]) -> None:
    """Every chart control in a page-content answer, by panel: its id and value."""
    if isinstance(node, dict):
        props = node.get("props")
        ident = props.get("id") if isinstance(props, dict) else None
        if isinstance(ident, dict) and ident.get("type") == "param":
            found.setdefault(ident["panel"], []).append({"id": ident, "value": props["value"]})
        for value in node.values():
            controls(value, found)
    elif isinstance(node, list):
        for value in node:
            controls(value, found)
