"""What every frame source is: timestamped RGB frames, a size, a nominal rate, and a close.

A source is opened by constructing it (``open_source`` picks the kind); anything wrong with
the input is raised then, as ``BadInput`` or ``CameraNotFound``, so a caller can fall back
before the first frame. ``frames()`` yields ``Frame`` objects with ``index`` counting from 0
and ``t_s`` in seconds since the source's first frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from appliance.types import Frame


@runtime_checkable
class FrameSource(Protocol):
    """A stream of timestamped RGB frames (or of poses, for a keypoints file).

    ``description`` is one human line, e.g. ``video clip.mp4 (1920x1080, 29.97 fps)``.
    ``nominal_fps`` is the rate the file or camera claims, in frames per second, or ``None``
    if unknown; real timestamps are in each frame's ``t_s``. ``width`` and ``height`` are
    the frame size in pixels (of the first frame, where frames differ).
    """

    description: str
    nominal_fps: float | None
    width: int
    height: int

    def frames(self) -> Iterator[Frame]:
        """Frames in order, ``index`` from 0, ``t_s`` in seconds, images RGB."""
        ...

    def close(self) -> None:
        """Release the file or device. Safe to call more than once."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class ClosesOnExit:
    """A ``with`` block that calls ``close()`` at its end, whatever happened inside."""

    def close(self) -> None:
        """Release resources; the default has none."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class SourceBase(ClosesOnExit):
    """Shared plumbing: the attributes of ``FrameSource`` and closing as a context manager."""

    description: str = ""
    nominal_fps: float | None = None
    width: int = 0
    height: int = 0

    def frames(self) -> Iterator[Frame]:
        """Frames in order; each subclass implements this."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description}>"
