"""One long-lived Chromium per process for every static image: page downloads and figure packs
(server workers send theirs to the machine's render server instead: ``renderer()``).

kaleido's ``Kaleido`` is an asynchronous browser with a pool of tabs. Here it runs on its own
event loop in a daemon thread, started on the first render (so a forked server worker starts
its own), shared by every thread of the process, and restarted if Chromium has died. At most
``tabs`` renders run at once; further requests wait for a free tab. Rendered bytes can be kept
in a small cache keyed by what determines them (published version, chart, view, format).

A tab whose renderer process dies is noticed at once (Chromium reports the crash), not when the
render times out: the renders in flight fail, Chromium is restarted and each render is tried
once more; every such event is logged. Chromium's profile and kaleido's page live in one folder
per process (:mod:`indicators.outputs.folders`), removed when the renderer closes, and after a
process that could not remove its own.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import functools
import logging
import os
import shutil
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Hashable, Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from indicators.figures import theme
from indicators.outputs import folders, render_client
from indicators.outputs.imaging import (
    IMAGE_FORMATS,
    TIMEOUT_S,
    ImageRenderer,
    Job,
    RenderError,
    check_formats,
)

__all__ = ["IMAGE_FORMATS", "TIMEOUT_S", "ImageRenderer", "Job", "RenderError", "Renderer"]

# Two tabs keep a 2-core server responsive; packs on bigger machines can ask for more.
TABS = int(os.environ.get("INDICATORS_RENDER_TABS", "2"))
START_TIMEOUT_S = 60.0
SETTLE_TIMEOUT_S = 5.0  # for tabs still opening when Chromium is closed
# Rendered downloads kept per process: a few dozen files (a 2x PNG is 0.1-0.3 MB), within a
# worker's memory budget (views asked for again are the ones kept).
DOWNLOAD_CACHE_BYTES = 4 * 2**20
WARM_CHECK_S = 30.0  # a page served within this of the last check does not check again
log = logging.getLogger(__name__)


class _WireNoise(logging.Filter):
    """choreographer logs a message from Chromium it could not decode, and ignores it, with a
    full traceback (seen under heavy load). The render it belonged to times out and is retried
    like any other failure, so the traceback says nothing a user can act on: it is kept for
    debugging only, without its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING and "JSONError" in record.getMessage():
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            record.exc_info, record.exc_text = None, None
        return True


_WIRE_NOISE = _WireNoise()


def quiet_wire_noise() -> None:
    """Install the filter on the logger of choreographer's pipe (once; done when Chromium
    starts). The module is imported first: it makes its logger with its own logger class."""
    from choreographer.channels import pipe

    if _WIRE_NOISE not in pipe._logger.filters:
        pipe._logger.addFilter(_WIRE_NOISE)


class TabCrashed(RuntimeError):
    """A tab's renderer process died while (or before) drawing a figure."""


def figure_dict(fig: go.Figure | dict[str, Any]) -> dict[str, Any]:
    """The plain dict kaleido sends to the browser (no validation pass)."""
    return fig if isinstance(fig, dict) else fig.to_plotly_json()


# Draws an SVG onto a canvas (PNG) or into kaleido's page for printing (PDF), as plotly.js and
# kaleido do after drawing the figure.
FROM_SVG_JS = r"""
async function(svg, fmt, w, h, scale) {
  const url = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(svg)));
  const load = (img) => new Promise((ok, fail) => {
    img.onload = ok;
    img.onerror = fail;
    img.src = url;
  });
  if (fmt === 'png') {
    const img = new Image();
    await load(img);
    const canvas = document.createElement('canvas');
    canvas.width = w * scale;
    canvas.height = h * scale;
    canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
    return JSON.stringify({code: 0, result: canvas.toDataURL('image/png').split(',')[1]});
  }
  document.getElementById('head-style').innerHTML = `@page { size: ${w * scale}px ${h * scale}px; }
    body { margin: 0; padding: 0; background-color: white }`;
  await load(document.getElementById('kaleido-image'));
  return JSON.stringify({code: 0});
}
"""


@functools.cache
def _browser_class() -> Any:
    """The browser class, defined on first use: kaleido (and its browser driver) is imported only
    when a process first renders an image, not when the dashboard starts."""
    import kaleido

    pio.defaults.topojson = theme.TOPOJSON_URI  # for any other export in the process

    class _Browser(kaleido.Kaleido):
        """kaleido's browser, reloading a tab every RELOAD_EVERY renders instead of after each,
        and failing its renders at once when a tab crashes.

        kaleido reloads a tab (and so parses plotly.js again) after every image, which costs more
        than the render itself. Plotly draws each image in a fresh element and purges it, and a
        PDF sets the page's image and page size anew, so consecutive renders in one tab give the
        same bytes; the periodic reload bounds whatever a long-lived page accumulates.

        A crashed tab never answers: kaleido would wait out its timeout (a minute). Chromium
        reports the crash to the browser session (``Target.targetCrashed``, once targets are
        discovered); every render races that report.
        """

        RELOAD_EVERY = 50
        crashed: asyncio.Event

        async def watch_crashes(self) -> None:
            """Have Chromium report crashed tabs, and note them."""
            self.crashed = asyncio.Event()

            async def on_crash(event: dict[str, Any]) -> None:
                log.warning("a Chromium tab crashed: %s", event.get("params", {}))
                self.crashed.set()

            self.subscribe("Target.targetCrashed", on_crash, repeating=True)
            await self.send_command("Target.setDiscoverTargets", params={"discover": True})

        async def unless_crashed(self, work: Coroutine[Any, Any, Any]) -> Any:
            """``await work``, or TabCrashed as soon as a tab crashes."""
            task = asyncio.ensure_future(work)
            crash = asyncio.ensure_future(self.crashed.wait())
            try:
                await asyncio.wait({task, crash}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                crash.cancel()
            if not task.done():
                task.cancel()
                raise TabCrashed("a Chromium tab crashed while drawing the figure")
            return task.result()

        async def calc_fig(self, *args: Any, **kwargs: Any) -> bytes:
            return bytes(await self.unless_crashed(super().calc_fig(*args, **kwargs)))

        async def derive(self, svg: str, job: Job) -> bytes:
            """A PNG or PDF of a figure from its rendered SVG, without drawing the figure again.

            Plotly itself makes a PNG by drawing its SVG onto a canvas, and kaleido a PDF by
            printing a page showing that SVG; this does the same with the SVG already at hand."""
            from kaleido._kaleido_tab import _devtools_utils as devtools

            tab = await self._get_kaleido_tab()
            try:
                args = (svg, job.fmt, job.width, job.height, job.scale)
                js_id = tab._current_js_id
                call = devtools.exec_js_fn(tab.tab, js_id, FROM_SVG_JS, *args)
                answer = devtools.check_kaleido_js_response(await self.unless_crashed(call))
                if job.fmt == "pdf":
                    pdf = await self.unless_crashed(devtools.print_pdf(tab.tab))
                    return base64.b64decode(pdf)
                return base64.b64decode(answer["result"])
            finally:
                await self._return_kaleido_tab(tab)

        async def _return_kaleido_tab(self, tab: Any) -> None:
            uses = getattr(tab, "_indicators_uses", 0) + 1
            if uses >= self.RELOAD_EVERY:
                await tab.reload()
                uses = 0
            tab._indicators_uses = uses
            await self.tabs_ready.put(tab)

    return _Browser


class Renderer:
    """A lazily started Chromium with a pool of tabs, shared by the threads of a process."""

    def __init__(self, tabs: int = TABS) -> None:
        self.tabs = max(1, tabs)
        self.starts = 0  # how many Chromiums this renderer has started (tests, benchmarks)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._browser: Any = None
        self.folder: Path | None = None  # Chromium's profile and kaleido's page, while it runs

    # -- life cycle ---------------------------------------------------------------------------

    def alive(self) -> bool:
        """True while the browser process runs and none of its tabs has crashed."""
        process = getattr(self._browser, "subprocess", None)
        crashed = getattr(self._browser, "crashed", None)
        return process is not None and process.poll() is None and not _is_set(crashed)

    def pid(self) -> int | None:
        """The Chromium process id (None before the first render)."""
        process = getattr(self._browser, "subprocess", None)
        return int(process.pid) if process is not None else None

    def start(self) -> None:
        """Start Chromium now if it is not running (renders otherwise start it)."""
        self._ensure()

    def _ensure(self) -> tuple[asyncio.AbstractEventLoop, Any]:
        with self._lock:
            thread_gone = self._thread is None or not self._thread.is_alive()
            if self._browser is None or thread_gone or not self.alive():
                if self._browser is not None:
                    log.warning("Chromium (pid %s) died or lost a tab; restarting it", self.pid())
                self._shutdown()
                self._start()
            assert self._loop is not None
            return self._loop, self._browser

    def _start(self) -> None:
        if self.starts == 0:
            # Registered before Chromium starts: a process that ends while it is starting (an
            # export refused after its warm-up began) waits for the start, then closes it.
            # Chromium's profile is a TemporaryDirectory, removed at exit by weakref's exit
            # handler; that handler is registered first (by the finalizer made here), so that
            # ours, registered after it, runs before it (atexit runs the last registered first)
            # and the profile is not removed under a running browser.
            weakref.finalize(self, lambda: None)
            atexit.register(self.close)
        quiet_wire_noise()
        folders.remove_folders()  # those of processes that ended without removing theirs
        folder = folders.make_folder()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="chromium", daemon=True)
        thread.start()

        async def open_browser() -> Any:
            # One tab first, so the first render need not wait for every tab to load plotly.js;
            # the others open in the background and join the pool when ready.
            page = _write_page(folder)
            browser = _browser_class()(
                n=1, timeout=TIMEOUT_S, page_generator=page, tmp_dir=str(folder)
            )
            await browser.open()
            await browser.watch_crashes()
            # (kept referenced: the loop holds only weak references to its tasks)
            browser.opening_tabs = [
                asyncio.ensure_future(browser._create_kaleido_tab()) for _ in range(self.tabs - 1)
            ]
            return browser

        try:
            browser = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_S)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            shutil.rmtree(folder, ignore_errors=True)
            raise RenderError(f"could not start Chromium: {exc}") from exc
        self._loop, self._thread, self._browser = loop, thread, browser
        self.folder = folder
        self.starts += 1

    def _shutdown(self) -> None:
        loop, browser, folder = self._loop, self._browser, self.folder
        self._loop = self._thread = self._browser = self.folder = None
        if loop is not None:
            if browser is not None:
                # Tabs still opening in the background would fail on the closed browser (a
                # process ending while Chromium starts closes it here): they are cancelled and
                # their ends read, so that asyncio reports no unread failure at exit.
                opening = list(getattr(browser, "opening_tabs", ()))
                if opening:
                    with contextlib.suppress(Exception):
                        done = asyncio.run_coroutine_threadsafe(_settled(opening), loop)
                        done.result(SETTLE_TIMEOUT_S)
                # A dead browser may fail to close; it is gone either way.
                with contextlib.suppress(Exception):
                    asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
                process = getattr(browser, "subprocess", None)
                if process is not None and process.poll() is None:
                    process.kill()  # a browser that would not close must not outlive us
                if process is not None:
                    # Gone before its profile folder is removed, or it writes there still.
                    with contextlib.suppress(Exception):
                        process.wait(10)
            loop.call_soon_threadsafe(loop.stop)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        """Stop Chromium (the next render starts a new one)."""
        with self._lock:
            self._shutdown()

    # -- rendering ----------------------------------------------------------------------------

    def _submit(self, job: Job) -> tuple[Future[bytes], Any]:
        """The job's render under way, and the browser drawing it."""
        loop, browser = self._ensure()
        opts = {"format": job.fmt, "width": job.width, "height": job.height, "scale": job.scale}
        coroutine = browser.calc_fig(job.figure, opts=opts, topojson=theme.TOPOJSON_URI)
        return asyncio.run_coroutine_threadsafe(coroutine, loop), browser

    def _close_if_running(self, browsers: Sequence[Any]) -> None:
        """Stop Chromium if it is still one the failed renders used: another thread's render
        that failed on the same crash may have restarted it already, and its new browser (and
        the renders on it) must be left alone."""
        with self._lock:
            if any(self._browser is b for b in browsers):
                self._shutdown()

    def render_many(self, jobs: Sequence[Job]) -> list[bytes]:
        """Render several images concurrently (as many at once as there are tabs)."""
        check_formats(jobs)
        for attempt in (1, 2):
            submitted = [self._submit(job) for job in jobs]
            futures = [future for future, _ in submitted]
            try:
                return [bytes(f.result(TIMEOUT_S * max(1, len(jobs)))) for f in futures]
            except Exception as exc:
                for f in futures:
                    f.cancel()
                if self.alive() and attempt == 1 and not _browser_gone(exc):
                    raise RenderError(f"the figure could not be rendered: {exc}") from exc
                if attempt == 2:
                    log.error("the render failed again after restarting Chromium: %r", exc)
                    raise RenderError(f"the figure could not be rendered: {exc}") from exc
                # Chromium or a tab died under us: start a new one and try once more.
                log.warning("render failed (%r); restarting Chromium and retrying once", exc)
                self._close_if_running([browser for _, browser in submitted])
        raise AssertionError("unreachable")

    def render_stream(self, groups: Iterable[Sequence[Job]]) -> list[list[bytes]]:
        """Render groups of jobs as they are produced: each group is queued as soon as it is
        made, so Chromium renders while the next one is being laid out. On a failure the
        whole batch goes through ``render_many`` (which restarts a dead Chromium once)."""
        made: list[list[Job]] = []
        futures: list[list[Future[list[bytes]]]] = []
        try:
            for group in groups:
                made.append(list(group))
                loop, browser = self._ensure()
                coroutine = self._group(browser, made[-1])
                futures.append([asyncio.run_coroutine_threadsafe(coroutine, loop)])
        except BaseException:
            _cancel(futures)
            raise
        try:
            return [list(pending[0].result(TIMEOUT_S * 4)) for pending in futures]
        except Exception:
            _cancel(futures)
        flat = self.render_many([job for jobs in made for job in jobs])
        out, at = [], 0
        for jobs in made:
            out.append(flat[at : at + len(jobs)])
            at += len(jobs)
        return out

    async def _group(self, browser: Any, jobs: list[Job]) -> list[bytes]:
        """One figure's images: its SVG drawn once, its PNG and PDF made from that SVG; other
        jobs (another figure, another size) drawn directly, all as tabs come free."""
        out: list[bytes] = [b""] * len(jobs)
        first = next((i for i, j in enumerate(jobs) if j.fmt == "svg"), None)
        derived = [
            i
            for i, job in enumerate(jobs)
            if first is not None
            and i != first
            and job.fmt in ("png", "pdf")
            and job.figure is jobs[first].figure
            and (job.width, job.height) == (jobs[first].width, jobs[first].height)
        ]

        async def direct(i: int) -> None:
            job = jobs[i]
            opts = {"format": job.fmt, "width": job.width, "height": job.height}
            opts["scale"] = job.scale
            out[i] = bytes(
                await browser.calc_fig(job.figure, opts=opts, topojson=theme.TOPOJSON_URI)
            )

        async def from_svg(i: int, svg: str) -> None:
            out[i] = await asyncio.wait_for(browser.derive(svg, jobs[i]), TIMEOUT_S)

        async def via_svg() -> None:
            if first is None:
                return
            await direct(first)
            svg = out[first].decode("utf-8")
            await asyncio.gather(*(from_svg(i, svg) for i in derived))

        rest = [i for i in range(len(jobs)) if i != first and i not in derived]
        await asyncio.gather(via_svg(), *(direct(i) for i in rest))
        return out

    def render(self, job: Job) -> bytes:
        """Render one image."""
        return self.render_many([job])[0]


def _cancel(futures: Sequence[Sequence[Future[Any]]]) -> None:
    for pending in futures:
        for f in pending:
            f.cancel()


def _browser_gone(exc: BaseException) -> bool:
    """Whether an error means the browser, a tab or the pipe is gone or hung (worth one
    restart)."""
    name = type(exc).__name__
    words = ("Closed", "Pipe", "Channel", "Broken", "Cancelled", "Timeout", "Crashed")
    return any(k in name for k in words)


def _is_set(event: asyncio.Event | None) -> bool:
    return event is not None and event.is_set()


def _write_page(folder: Path) -> Path:
    """kaleido's page (plotly.js from the installed plotly) in the renderer's own folder, where
    kaleido would otherwise make a temporary folder of its own that a killed process leaves."""
    from kaleido._page_generator import PageGenerator

    page = folder / "index.html"
    page.write_text(PageGenerator().generate_index(), encoding="utf-8")
    return page


class ByteCache:
    """Rendered files by key, least recently used dropped first beyond ``max_bytes``."""

    def __init__(self, max_bytes: int = DOWNLOAD_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_make(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The cached bytes for ``key``, made (outside the lock) on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        content = make()
        with self._lock:
            if key not in self._items and len(content) <= self.max_bytes:
                self._items[key] = content
                self._size += len(content)
                while self._size > self.max_bytes:
                    _, dropped = self._items.popitem(last=False)
                    self._size -= len(dropped)
        return content

    def __len__(self) -> int:
        return len(self._items)


class _Process:
    """The renderers and download cache of this process, created on first use."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.renderer: Renderer | None = None
        self.remote: ImageRenderer | None = None
        self.cache = ByteCache()
        self.warming = False
        self.warmed_at = -WARM_CHECK_S  # when the renderer was last found running


_PROCESS = _Process()


def local_renderer() -> Renderer:
    """This process's own Chromium (started on the first render)."""
    with _PROCESS.lock:
        if _PROCESS.renderer is None:
            _PROCESS.renderer = Renderer()
        return _PROCESS.renderer


def renderer() -> ImageRenderer:
    """What draws this process's images: the machine's render server when
    ``INDICATORS_RENDER_SOCKET`` names one (server workers), else this process's Chromium."""
    path = os.environ.get(render_client.SOCKET_ENV)
    if not path:
        return local_renderer()
    with _PROCESS.lock:
        if _PROCESS.remote is None or getattr(_PROCESS.remote, "path", None) != Path(path):
            _PROCESS.remote = render_client.RemoteRenderer(Path(path), fallback=local_renderer)
        return _PROCESS.remote


async def _settled(tasks: Sequence[asyncio.Future[Any]]) -> None:
    """Cancel tasks and wait for them to end, their failures read (asyncio reports unread ones
    at exit)."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def warm_up() -> None:
    """Start the renderer in the background if it is not running yet.

    Called when a page with download buttons is served, so that the first click finds a
    browser ready instead of waiting for one to start (processes that never show a chart
    never start one)."""
    current = renderer()
    with _PROCESS.lock:
        if _PROCESS.warming or time.monotonic() - _PROCESS.warmed_at < WARM_CHECK_S:
            return
        _PROCESS.warming = True

    def start() -> None:
        try:
            if not current.alive():
                current.start()
            _PROCESS.warmed_at = time.monotonic()
        except RenderError:
            pass  # the first download will try again and report the failure
        finally:
            _PROCESS.warming = False

    threading.Thread(target=start, name="chromium-warm-up", daemon=True).start()


def download_cache() -> ByteCache:
    """This process's cache of downloaded files."""
    return _PROCESS.cache
