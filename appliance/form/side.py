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

from appliance.form.features import FrameFeatures, side_scores

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


class Facing:
    """Which way a side-on lifter faces in the image: +1 right, -1 left, 0 not yet known.

    The nose sits ahead of the ear; bent over, the shoulders are ahead of the hips (nobody
    leans back that far). Averaged over about half a second, with a margin, so a turn is
    followed and a fumbled frame is not. Facing the camera the evidence is weak and the
    last answer stands.
    """

    def __init__(self, time_constant_s: float = 0.5, margin: float = 0.04) -> None:
        self.time_constant_s = time_constant_s
        self.margin = margin
        self.facing = 0.0
        self._lead = 0.0  # rightward lead of the face (torso lengths), averaged over time
        self._last_t: float | None = None

    def reset(self) -> None:
        """Somebody new."""
        self.facing, self._lead, self._last_t = 0.0, 0.0, None

    def update(self, features: FrameFeatures, min_score: float) -> float:
        """Take one frame; return the facing now (+1, -1, or 0 while unknown)."""
        torso = max(1.0, features.torso_px)
        if features.trunk_2d_deg > 30.0:
            lead = (features.shoulder.x - features.hip.x) / torso
        elif features.seen("nose", "ear", min_score=min_score):
            lead = 2.0 * (features.nose.x - features.ear.x) / torso
        else:
            return self.facing
        lead = max(-1.0, min(1.0, lead))
        t = features.t_s
        if self._last_t is None or t <= self._last_t:
            self._lead = lead if self._last_t is None else self._lead
        else:
            alpha = 1.0 - math.exp(-(t - self._last_t) / self.time_constant_s)
            self._lead += alpha * (lead - self._lead)
        self._last_t = t
        if self._lead > self.margin:
            self.facing = 1.0
        elif self._lead < -self.margin:
            self.facing = -1.0
        return self.facing
