"""Every number the form evaluator judges by, in one place, with its unit.

Starting points from coaching.md, set on the synthetic lifter and checked on the real
clips in shared/media (see the tests). Angles in degrees, times in seconds, lengths as
fractions of the lifter's own standing torso (hip to shoulder) or shank (knee to ankle).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """What the evaluator needs to see, and where a fault begins."""

    # Keypoints below this score are not seen.
    min_score: float = 0.3
    # A fault's keypoints must be seen on at least this share of its frames.
    min_seen_share: float = 0.6

    # Reps: the hinge signal (trunk inclination, deg) must swing this much to make a rep.
    rep_swing_deg: float = 15.0
    # Lockout: back within this share of the way to the top, and steady (deg/s) for a while.
    lockout_share: float = 0.6
    lockout_speed_deg_s: float = 60.0
    lockout_hold_s: float = 0.25
    # A rep is reported this long after lockout (or when the next descent starts).
    top_window_s: float = 0.8
    min_rep_s: float = 0.7
    # Nobody seen for this long: the rep in progress is dropped.
    lost_after_s: float = 1.0
    # Reference torso length: the longest seen in this window (seconds).
    torso_window_s: float = 6.0

    # Calibration: upright (deg) for this long (s), hip and shoulder within this distance
    # (torso lengths, summed) of where they typically were.
    calibration_upright_deg: float = 15.0
    calibration_still_torso: float = 0.08
    calibration_hold_s: float = 1.0
    # A torso this much longer or shorter than the calibrated one is another person.
    person_change_ratio: float = 0.3

    # View, from shoulder width over torso length while standing.
    side_below: float = 0.42
    front_above: float = 0.68
    view_margin: float = 0.05
    view_hold_s: float = 1.0

    # Faults.
    squat_knee_deg: float = 45.0
    squat_knee_over_trunk_deg: float = 20.0
    squat_front_hip_drop: float = 0.55  # front view: hip-to-knee height left at the bottom
    locked_knee_deg: float = 8.0
    bar_drift_shank: float = 0.55
    shallow_trunk_deg: float = 45.0
    incomplete_lockout_deg: float = 15.0
    incomplete_lockout_uncalibrated_deg: float = 30.0
    hyperextension_deg: float = 12.0
    head_up_deg: float = 25.0
    rounded_torso_shrink: float = 0.14  # torso shortening that alone means rounded
    rounded_neck_deg: float = 30.0  # neck flexion against neutral that alone means rounded
    # Calibrated: head drop must be at least this share of ``rounded_neck_deg`` too.
    rounded_min_head_share: float = 0.3
    # Without a baseline: torso under this share of standing and the ear no higher than
    # this above the trunk line (good lifters on the real clips: -13° to -35°).
    rounded_uncalibrated_ratio: float = 0.88
    rounded_uncalibrated_neck_deg: float = -12.0
    # Said at once, mid-rep: the rounded-back evidence this strong for this long (s).
    rounded_live_evidence: float = 1.2
    rounded_live_hold_s: float = 0.3
    # Front view: a clearly visible face, nose above the shoulders by this share of torso.
    head_up_face_score: float = 0.75
    head_up_nose_torso: float = 0.2
    # How far the knees' straightening runs ahead of the trunk's rise, as a share of each.
    hips_early_knee_lead: float = 0.35
    hips_early_trunk_rise_deg: float = 4.0
    # The middle 80 % of the descent (10 % to 90 % of its depth), seconds. A controlled
    # lowering spends 0.6 s or more there; a drop, about 0.2-0.3 s.
    rushed_descent_s: float = 0.45
    # Deadlift from the floor: a pause this long (s) at the bottom with the knees bent past
    # ``squat_knee_deg`` is gripping the bar; the way down to it was a set-up, not a lowering.
    setup_pause_s: float = 0.8
    setup_pause_unseen_knees_s: float = 1.2


DEFAULT_THRESHOLDS = Thresholds()
