"""The app finishes Dash's first-request set-up at import, so a gunicorn worker's threads never
race over it (two first requests once answered a page's scripts with a 500)."""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = """
import threading
import app

assert all(app.app._got_first_request.values()), app.app._got_first_request
routers = [k for k in app.app.callback_map if "_pages_content" in k]
assert routers, "the pages router was not registered at import"
client = app.server.test_client()
codes = []
paths = ["/", "/_dash-layout", "/_dash-dependencies"] * 4
threads = [threading.Thread(target=lambda p=p: codes.append(client.get(p).status_code))
           for p in paths]
[t.start() for t in threads]
[t.join() for t in threads]
print(sorted(set(codes)))
"""


def test_first_requests_from_many_threads_all_succeed(published):
    env = {**os.environ, "INDICATORS_DATA": str(published.root)}
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[200]"
