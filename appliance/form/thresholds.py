"""Every number the form evaluator judges by, in one place, with its unit and its reason.

Each value sits where coaching.md's definition of the fault puts it, between what good and
faulty reps measure — the real clips in shared/media (MoveNet) and the synthetic lifter's
tuning corpora — with margin on both sides; the comments give the numbers on each side.
The held-out corpus (see README, "Accuracy") was not used to place any of them. Angles in
degrees, times in seconds, lengths as fractions of the lifter's own standing torso (hip to
shoulder) or shank (knee to ankle).
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
    # ... and reach this deep: under ~18° a "hinge" is standing sway, a nod or a fidget
    # (standing trunk ±5°, keypoint noise ±3°), while a shallow hinge still bends 30-40°
    # (read from the front as 23-33°: see the evaluator's hinge signal).
    rep_min_peak_deg: float = 18.0
    # Side-on, where the angle is measured directly, a rep bends the trunk this far
    # (a shallow hinge stops at 25-40°, a floor pull at 45-60°) unless the knees bend
    # this far at the bottom (a squatted rep keeps the trunk upright).
    rep_side_peak_deg: float = 22.0
    rep_squat_knee_deg: float = 50.0
    # A rep from a top short of standing (an incomplete lockout) must still go down by
    # this share of its depth (a floor pull stopped at 35° goes down 20° of 55°), and
    # start from straightened knees (see ``top_max_knee_deg``): a bob at the floor is none.
    rep_min_depth_share: float = 0.25
    # A set first seen bent further than this starts at the floor (set up at the bar); so
    # does one first seen crouched, knees past ``top_max_knee_deg`` and trunk past
    # ``rep_min_peak_deg`` (a squatted set-up reads 28-30°, upright walking bends no trunk).
    rep_top_max_deg: float = 30.0
    # Deadlift: a first rep that paused this long at the bottom (within an eighth of its
    # depth) with the hips dropped to this share of their standing height above the knees
    # set up at the weight on the floor: the set's reps are pulls, each confirmed by the
    # lowering after it, and each reaches the floor so. Synthetic floor pulls read 0.28-0.53
    # side-on and up to 0.65 from a front camera at 1.4 m (it looks down on the thighs);
    # RDLs, squatting ones too, 0.89-0.99: the middle of that gap.
    floor_setup_pause_s: float = 1.0
    floor_setup_hip_drop: float = 0.75
    # Every rep of a floor set goes down to the weight (floor pulls 45-60°; real ones read
    # 55-90°): this far, or, squatted, with the hips dropped as above. A lean at the top
    # of a pull (real: 26-29°, knees straight) is none.
    floor_rep_trunk_deg: float = 40.0
    # A first rep paused at the bottom with the hips dropped is a set-up at the weight when
    # it bends the trunk past this: a floor pull's own 45-60° (synthetic pulls read 43-75°),
    # where a squat paused the same way reads up to 41-42° side-on or oblique (47° once
    # from the mirror's camera). Short of it the set-up may be squatted: a later rep past
    # it with the hips dropped (a pull; no RDL drops the hips) shows the set is from the
    # floor, from then on.
    floor_pull_trunk_deg: float = 45.0
    # ... or past ``floor_rep_trunk_deg`` and this much past the first rep's trunk: a pull
    # after a squatted set-up bends 15-25° more than it did (one read 44.9° after 30°),
    # where a squat paused like the first reads about the same (38.3° then 39.0°).
    floor_pull_past_setup_deg: float = 10.0
    # A squatted rep may begin and end with the trunk as inclined as at its bottom (a squat
    # that never locks out comes up to a trunk 20-35° forward, where its bottom kept it
    # 28-38°): the hips sinking from over the second share of their standing height above
    # the knees to under the first (squats 0.14-0.3 side-on and up to 0.6 from a front
    # camera looking down on the thighs, floor pulls 0.28-0.53; RDLs and good mornings
    # never go under 0.89) is its descent, and their rising back over the second (an
    # incomplete lockout bends the knees 10-16°: 0.95 and more) with the trunk under
    # ``top_max_deg`` its lockout, once held this long (s): hips that rise early straighten
    # the knees with the trunk held (0.3-0.4 s of a floor pull's ascent), then stand it up.
    rep_squat_hips_share: float = 0.65
    rep_stood_hips_share: float = 0.85
    squat_lockout_hold_s: float = 0.6
    # Lockout: back at least this share of the way to the top, and steady (deg/s) a while.
    lockout_share: float = 0.45
    # ... or at least this upright (deg): an incomplete lockout comes up to 20-35°, with
    # the knees straightened to under ``top_max_knee_deg`` (a bob at the floor keeps them
    # bent as for the pull: real 70-90°).
    top_max_deg: float = 40.0
    top_max_knee_deg: float = 50.0
    lockout_speed_deg_s: float = 35.0
    lockout_hold_s: float = 0.2
    # A rep is reported this long after lockout (or when the next descent starts).
    top_window_s: float = 0.8
    # From the start of the descent to lockout: a kettlebell swing takes about 0.8 s.
    min_rep_s: float = 0.6
    # Feet planted (torso lengths of travel; hips, when no ankle is seen, move more in a
    # hinge): walking at 1.2 m/s covers about two torso lengths a second.
    planted_feet_torso: float = 0.35
    planted_hips_torso: float = 0.9
    settled_feet_torso: float = 0.2
    settled_hips_torso: float = 0.45
    settled_before_s: float = 0.5
    settled_after_s: float = 0.5
    # Nobody seen for this long: the rep in progress is dropped.
    lost_after_s: float = 1.0
    # Reference torso length: the longest seen in this window (seconds).
    torso_window_s: float = 10.0

    # Calibration: upright (deg) for this long (s), hip and shoulder within this distance
    # (torso lengths, summed) of where they typically were.
    calibration_upright_deg: float = 15.0
    calibration_still_torso: float = 0.15
    calibration_hold_s: float = 0.8
    # A torso this much longer or shorter than the calibrated one is another person.
    person_change_ratio: float = 0.3

    # View, from shoulder width over torso length while standing: about 0.76 x sin(yaw)
    # for adult proportions. Side below 0.36 (yaw under ~28°; real side clips read under
    # 0.34, a lifter turned 30° reads 0.38), front above 0.68 (yaw over ~65°).
    side_below: float = 0.36
    front_above: float = 0.68
    view_margin: float = 0.05
    view_hold_s: float = 1.0

    # Faults. Each value: what it separates, the evidence on both sides (coaching.md's lab
    # norms; "real" = MoveNet on the clips in shared/media; "synthetic" = the kinematic
    # lifter's mild and clear faults on the tuning corpora, seeds 1-3 of
    # ``python -m appliance.synthetic``; never the held-out seed), and the margin left.
    #
    # squatting, side: knees bent at least this far (a squat bends them a lot; Choe 2021)...
    squat_min_knee_deg: float = 60.0
    # ... and the trunk inclined no more than this past the shins (deg). In a squat trunk
    # and shins run near parallel (synthetic mild -4°, clear -15°); every hinge leans the
    # trunk well past the shins: floor pulls +20° to +45° (Schellenberg 2013 norms on the
    # synthetic lifter), real barbell pulls +36° to +72°, swings +52° to +65°.
    squat_trunk_over_shin_deg: float = 10.0
    # A deeper knee bend with the same trunk is more of a squat: the limit rises by this
    # much per degree of knee flexion past 100° (good floor pulls reach 90-105° with the
    # trunk 14-42° past the shins; squats go on to 115-130°).
    squat_depth_slope: float = 0.4
    # squatting, front: hip-to-knee height left at the bottom, as a share of standing
    # (cos of the thigh from vertical: squat 0.14-0.22, floor pulls 0.34-0.5) with the
    # trunk under this inclination as read from the front (squats 25-38° read up to 41°,
    # hinges 60-90°).
    squat_front_hip_drop: float = 0.3
    squat_front_trunk_deg: float = 50.0
    # locked_knees: signed knee bend at the bottom under this (deg). coaching.md: about 5°;
    # locked synthetic 0-4°, good mornings 10-20°, RDLs 15-30° (Schellenberg: 5 ± 7 in a
    # good morning — the soft-kneed half of them sits above this).
    locked_knee_deg: float = 7.0
    # bar_drift: wrists ahead of the shin line (shank lengths, upper quartile while bent):
    # real good barbell pulls 0.13-0.48, synthetic drift 0.6 (mild) to 0.9 (clear).
    bar_drift_shank: float = 0.55
    # ... or, after two reps, this much further out than the median of the lifter's own
    # earlier reps and past the second value (coaching.md: judge a person against
    # themselves). Synthetic good reps of one set spread 0.08 (median), 0.22 (p90), and
    # never reach 0.25; mild drifts sit 0.49-0.78 out from the set's good reps.
    bar_drift_own_shank: float = 0.3
    bar_drift_own_min_shank: float = 0.4
    # shallow_hinge: peak trunk under this (deg) with the knees under the next value (a
    # squat or floor pull reaches the bar with the knees instead). Good hinges 60-90°,
    # floor pulls 45-60° (with knees 70°+), shallow synthetic 38° (mild) and 30° (clear).
    shallow_trunk_deg: float = 44.0
    shallow_max_knee_deg: float = 45.0
    # incomplete_lockout: hip extension left at the top (deg, trunk forward of the leg
    # line: a camera that is not level tilts both alike). Calibrated, beyond standing by
    # this: synthetic good -9° to 0°, faulty +16° to +38°. Uncalibrated, beyond standing
    # tall: real good lockouts -28° to +9°, good004 +17° (its plate hides the hips),
    # synthetic standing about -8°, faulty +36° and more.
    incomplete_lockout_deg: float = 12.0
    incomplete_lockout_uncalibrated_deg: float = 20.0
    # The top is also where the drive up first stalled: the trunk moving no more than
    # this (deg) for this long (s), and the knees no more than ``stall_knee_deg``, between
    # ``stall_min_deg`` and ``top_max_deg`` of lean (a lifter who stops short and only
    # straightens when the set is over has not locked out that rep; mild incomplete
    # lockouts stop at 20°, good ascents slow down within about 12° of upright).
    stall_deg: float = 3.0
    stall_s: float = 0.25
    stall_min_deg: float = 15.0
    # A squat's ascent drives the knees 20°+ in a stall's 0.25 s while its trunk holds;
    # keypoint noise on a still knee reads up to about 8° at 15 fps: between the two.
    stall_knee_deg: float = 12.0
    # hyperextension: the trunk behind the leg line at the top. Calibrated, past standing
    # by this: synthetic good -9° to 0°, faulty -17° to -31°. Without calibration against
    # standing tall: real good barbell lockouts read to -28° (the bar pulls the hip keypoint
    # forward), synthetic faulty -31° to -38°, so only a lean past the second value is
    # called; against the lifter's own earlier lockouts, ``hyperextension_deg`` again.
    hyperextension_deg: float = 10.0
    hyperextension_uncalibrated_deg: float = 30.0
    # head_up, side: the ear raised above the trunk line against the calibrated neutral
    # (deg, on the body's midline; synthetic seeds 1-4, 2,003 good reps: 95th percentile
    # 9.5°, 99th 12.9°; mild head_up (35° of neck extension) from 16.1°, 5th percentile
    # 18.7°; clear from 28.4°): the middle of the gap between good's p99 and mild's p5
    # (a good set at 3.4 px of noise on a small lifter reads up to 15.0°).
    # Real lifters who look ahead at the floor (labelled good) raise it 8-42° without
    # calibration, so uncalibrated only a neck cranked past the second value, or a face
    # turned above the horizon (gaze below the third), is called.
    head_up_deg: float = 16.0
    head_up_uncalibrated_deg: float = 48.0
    head_up_gaze_deg: float = -5.0
    # rounded_back, calibrated: the head's drop against neutral (deg) and the torso's
    # shortening add up; each alone at these values means rounded (synthetic good drops
    # up to 10°, rounded 4-41°, mostly over 10°; torso ratios overlap: 0.87-0.98) ...
    rounded_torso_shrink: float = 0.12
    rounded_neck_deg: float = 10.0
    # ... and the head must drop at least this share of ``rounded_neck_deg`` too: 7°, the
    # middle of the gap between good reps (90 % drop under 4.3°, from side cameras at any
    # height, 0.6-1.3 m) and the least a rounded rep dropped (9.4°; most 15° and more). At
    # 4° the torso's shortening, which overlaps (good 0.89-0.98, rounded 0.84-0.96),
    # carried good reps seen from low side cameras over the line (9 % of them at 0.6 m).
    rounded_min_head_share: float = 0.7
    # Without a baseline: the ear this far below the trunk line (real good -42° to -1°,
    # synthetic good -6° to +10°; rounded synthetic +14° to +46°, real bad005 +14°) with
    # the torso at least a little short (under ``rounded_some_shrink`` of standing) ...
    rounded_uncalibrated_neck_deg: float = 11.0
    rounded_some_shrink: float = 0.97
    # ... or the torso clearly short (real good 0.84-0.99, bad005 0.81) with the head not
    # held up (ear no higher than this above the trunk line).
    rounded_uncalibrated_ratio: float = 0.83
    rounded_head_held_deg: float = -5.0
    # Said at once, mid-rep (one frame, so a stronger case): the rounded-back evidence
    # this strong for this long (s).
    rounded_live_evidence: float = 1.5
    rounded_live_hold_s: float = 0.3
    # Front view: a clearly visible face, nose above the shoulders by this share of torso,
    # while bent over at least this far (an upright trunk faces the mirror anyway).
    head_up_face_score: float = 0.75
    head_up_nose_torso: float = 0.2
    head_up_front_bent_deg: float = 45.0
    # hips_rise_early: when the knees have done this share of their straightening from
    # the deepest bend, the trunk has done under ``hips_early_trunk_share`` of its rise
    # and under ``hips_early_trunk_rise_deg`` (synthetic faulty: knees done in the first
    # 30-40 % of the ascent with the trunk within 5°; good: knees and trunk together).
    hips_early_knee_share: float = 0.9
    hips_early_trunk_share: float = 0.2
    hips_early_trunk_rise_deg: float = 12.0
    hips_early_min_knee_deg: float = 15.0  # knees that barely move cannot lead the way up
    # rushed: the middle 80 % of the descent (10 % to 90 % of its depth), seconds.
    # coaching.md: a lowering under about 1 s. A controlled 1.2 s lowering spends 0.62 s
    # (smooth) to 0.96 s (even speed) there; a 0.7 s drop 0.36-0.56 s.
    rushed_descent_s: float = 0.48
    # ... times this facing the camera (good 1.2 s lowerings read 0.43-0.53 s there, a
    # 0.7 s drop about 0.29 s).
    rushed_front_share: float = 0.8
    # A kettlebell swing: wrists this many torso lengths above the hips at the top.
    swing_wrist_torso: float = 0.45
    # Deadlift from the floor: a pause this long (s) at the bottom with the knees bent past
    # ``squat_min_knee_deg`` is gripping the bar; the way down was a set-up, not a lowering.
    setup_pause_s: float = 0.8
    setup_pause_unseen_knees_s: float = 1.2


DEFAULT_THRESHOLDS = Thresholds()
