"""The synthetic lifter's body: segment lengths as fractions of standing height.

Every length in ``Body`` is a fraction of the standing height ``height_m`` (metres), the
way anthropometric tables (Drillis & Contini, Winter) give them; ``length_m`` turns one
into metres. Masses are fractions of body mass. Postural traits are in degrees.

Lengths are joint to joint as MoveNet places the keypoints: ankle, knee, hip joint,
shoulder (acromion), ear (tragus). Widths are keypoint to keypoint across the body.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

# Segment masses, fractions of body mass (Winter 2009). They add up to 1.
MASS_FOOT = 0.0145
MASS_SHANK = 0.0465
MASS_THIGH = 0.100
MASS_TRUNK = 0.497
MASS_HEAD = 0.081
MASS_UPPER_ARM = 0.028
MASS_FOREARM_HAND = 0.022

# Fraction of the segment length from the proximal joint to its centre of mass (Winter).
COM_SHANK_FROM_KNEE = 0.433
COM_THIGH_FROM_HIP = 0.433
COM_UPPER_ARM_FROM_SHOULDER = 0.436
COM_FOREARM_FROM_ELBOW = 0.6

_LENGTH_FIELDS = (
    "ankle",
    "shank",
    "thigh",
    "trunk",
    "neck",
    "head",
    "upper_arm",
    "forearm",
    "shoulder_width",
    "hip_width",
    "head_width",
    "eye_width",
    "foot",
)


@dataclass(frozen=True)
class Body:
    """One person's proportions.

    Lengths (fractions of ``height_m``):

    - ``ankle``: floor to ankle joint; ``shank``: ankle to knee; ``thigh``: knee to hip.
    - ``trunk``: hip joint to shoulder along the spine's chord (standing).
    - ``neck``: shoulder to ear; ``head``: ear to nose tip (the eyes sit 80 % of the way).
    - ``upper_arm``: shoulder to elbow; ``forearm``: elbow to wrist.
    - ``shoulder_width``, ``hip_width``, ``head_width`` (ear to ear), ``eye_width``: between
      the left and right keypoints.
    - ``foot``: heel to toe; the ankle sits a quarter of the way from the heel.

    Traits: ``forward_head_deg`` tilts the neck forward of the trunk line when standing
    (a common posture, 0..10°); ``stand_trunk_deg`` is the standing trunk inclination
    (positive forward).
    """

    height_m: float = 1.75
    ankle: float = 0.039
    shank: float = 0.246
    thigh: float = 0.245
    trunk: float = 0.288
    neck: float = 0.105
    head: float = 0.057
    upper_arm: float = 0.186
    forearm: float = 0.146
    shoulder_width: float = 0.22
    hip_width: float = 0.12
    head_width: float = 0.085
    eye_width: float = 0.036
    foot: float = 0.152
    forward_head_deg: float = 4.0
    stand_trunk_deg: float = 1.0

    def __post_init__(self) -> None:
        if not 0.5 <= self.height_m <= 2.5:
            raise ValueError(f"height_m must be 0.5..2.5 m, got {self.height_m}")
        for name in _LENGTH_FIELDS:
            value = getattr(self, name)
            if not 0.0 < value < 0.6:
                raise ValueError(
                    f"Body.{name} must be a fraction of height in (0, 0.6), got {value}"
                )

    @classmethod
    def default(cls) -> Body:
        """An average adult of 1.75 m with textbook proportions."""
        return cls()

    @classmethod
    def random(cls, rng: np.random.Generator) -> Body:
        """A plausible adult: height 1.55..1.95 m, each proportion within ±8 % of the
        textbook value (about 3 % standard deviation), posture traits varied."""
        base = cls()
        changes: dict[str, float] = {"height_m": float(rng.uniform(1.55, 1.95))}
        for name in _LENGTH_FIELDS:
            factor = float(np.clip(rng.normal(1.0, 0.03), 0.92, 1.08))
            changes[name] = getattr(base, name) * factor
        changes["forward_head_deg"] = float(rng.uniform(0.0, 10.0))
        changes["stand_trunk_deg"] = float(rng.uniform(-1.0, 3.0))
        return replace(base, **changes)

    def length_m(self, name: str) -> float:
        """The named length (a field of this class) in metres."""
        if name not in _LENGTH_FIELDS:
            raise KeyError(f"{name!r} is not a body length; one of {', '.join(_LENGTH_FIELDS)}")
        return float(getattr(self, name)) * self.height_m

    @property
    def arm_reach(self) -> float:
        """Shoulder to wrist with the elbow almost straight (175°), fraction of height."""
        a, b = self.upper_arm, self.forearm
        return float(np.sqrt(a * a + b * b - 2 * a * b * np.cos(np.radians(175.0))))

    def as_dict(self) -> dict[str, float]:
        """All fields by name (for logs and reports)."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}
