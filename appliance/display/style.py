"""Colours for a screen behind a two-way mirror.

Black is mirror: anything black is invisible and the glass reflects. Only bright, saturated
colours show through the half-silvered coating, so text is drawn at full brightness and
"dim" means a grey that is just visible through the glass, not a dark one.
"""

from __future__ import annotations

Colour = tuple[int, int, int]

BLACK: Colour = (0, 0, 0)
WHITE: Colour = (255, 255, 255)
LABEL: Colour = (170, 170, 170)  # secondary text: states, units, labels
DIM: Colour = (90, 90, 90)  # frames and guide lines, barely there
INFO: Colour = (110, 215, 255)  # cyan
SAFETY: Colour = (255, 72, 40)  # red-orange
FORM: Colour = (255, 196, 0)  # amber
PRAISE: Colour = (60, 230, 100)  # green
NOTICE: Colour = (255, 140, 30)  # orange: the system's own trouble (camera lost)
BONE: Colour = (205, 225, 235)
ATTRACT: Colour = (70, 120, 140)  # the idle screen's slow figure: calm, mostly dark

SEVERITY_COLOURS: dict[str, Colour] = {
    "safety": SAFETY,
    "form": FORM,
    "info": INFO,
    "praise": PRAISE,
}

SAFETY_FAULTS = frozenset({"rounded_back"})
"""Faults drawn in the safety colour when no severity comes with them (the summary):
coaching.md puts the rounded back first as the one that loads the spine."""


def severity_colour(severity: str) -> Colour:
    """The colour of a cue of ``severity`` (safety/form/info/praise); white if unknown."""
    return SEVERITY_COLOURS.get(severity, WHITE)


def fault_colour(fault: str) -> Colour:
    """The colour of fault id ``fault`` shown without a cue's severity."""
    return SAFETY if fault in SAFETY_FAULTS else FORM


def score_colour(score: float) -> Colour:
    """A rep score's colour (0..100): green from 85, amber from 60, red below."""
    if score >= 85:
        return PRAISE
    if score >= 60:
        return FORM
    return SAFETY


def scaled(colour: Colour, factor: float) -> Colour:
    """``colour`` with its brightness multiplied by ``factor`` (0..1)."""
    r, g, b = colour
    return (round(r * factor), round(g * factor), round(b * factor))
