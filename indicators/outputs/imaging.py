"""What every image renderer shares: the job, the error, the formats and the time limit.

A process draws its images with its own Chromium (:mod:`indicators.outputs.render`) or sends
them to the machine's render server (:mod:`indicators.outputs.render_client`); both take these
jobs and raise this error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

TIMEOUT_S = 60.0  # one image; a render that takes longer has hung
IMAGE_FORMATS = ("png", "svg", "pdf")


class RenderError(RuntimeError):
    """Chromium could not render a figure (it is restarted for the next one)."""


@dataclass(frozen=True)
class Job:
    """One image to render: a laid-out figure, its format, size in CSS px and pixel scale."""

    figure: dict[str, Any]
    fmt: str
    width: int
    height: int
    scale: float = 1.0


def check_formats(jobs: Sequence[Job]) -> None:
    """Refuse an unknown format before any Chromium starts."""
    for job in jobs:
        if job.fmt not in IMAGE_FORMATS:
            raise ValueError(f"unknown image format {job.fmt!r}")


class ImageRenderer(Protocol):
    """What draws images: this process's Chromium, or the machine's render server."""

    starts: int

    def render(self, job: Job) -> bytes: ...

    def render_many(self, jobs: Sequence[Job]) -> list[bytes]: ...

    def render_stream(self, groups: Iterable[Sequence[Job]]) -> list[list[bytes]]: ...

    def alive(self) -> bool: ...

    def start(self) -> None: ...

    def pid(self) -> int | None: ...

    def close(self) -> None: ...
