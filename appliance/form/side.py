"""Which side of the body is nearest the camera, following the lifter as they turn.

Side-on, MoveNet sees one side clearly and guesses the other (lower scores). The near
side is the one whose shoulder, hip, knee, ankle and ear score higher *lately*: an
exponential average of the score difference over about a third of a second, with a
margin before the decision flips. So a left/right swap of a few frames does not flip it,
and a lifter who turns around (or walks in facing one way and lifts facing the other)
is followed within about half a second. Facing the camera both sides score alike and
either one serves.
"""

from __future__ import annotations

import math

from appliance.form.features import side_scores

_PARTS = 5  # parts summed by ``side_scores``


class NearSide:
    """``update(rows, t_s)`` every frame a person is seen; ``side`` is ``left``/``right``.

    ``time_constant_s``: how far back the evidence reaches (seconds); ``margin``: mean
    per-part score lead (0..1) the other side needs before the decision flips.
    """

    def __init__(self, time_constant_s: float = 0.3, margin: float = 0.05) -> None:
        self.time_constant_s = time_constant_s
        self.margin = margin
        self.side: str | None = None
        self._lead = 0.0  # left minus right, mean per part, averaged over time
        self._last_t: float | None = None

    def reset(self) -> None:
        """Somebody new: decide from scratch."""
        self.side, self._lead, self._last_t = None, 0.0, None

    def update(self, rows: list[list[float]], t_s: float) -> str:
        """Take one frame's keypoint rows ``[y, x, score]``; return the near side now."""
        left, right = side_scores(rows)
        lead = (left - right) / _PARTS
        if self._last_t is None or t_s <= self._last_t:
            self._lead = lead if self._last_t is None else self._lead
        else:
            alpha = 1.0 - math.exp(-(t_s - self._last_t) / self.time_constant_s)
            self._lead += alpha * (lead - self._lead)
        self._last_t = t_s
        if self.side is None:
            self.side = "left" if self._lead >= 0 else "right"
        elif self.side == "left" and self._lead < -self.margin:
            self.side = "right"
        elif self.side == "right" and self._lead > self.margin:
            self.side = "left"
        return self.side
