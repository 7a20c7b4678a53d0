"""The stick room: the drill's broomstick found in the image, tracked, judged and checked.

``detect`` finds it in one frame (a line where the keypoints say a stick must lie),
``track`` keeps it across frames, ``verdicts`` judges each rep (level, in the elbows, on
the spine) and ``setup`` checks the hold before the first rep.
"""
