"""The audio room: spoken cues (espeak-ng, pre-rendered) and tones, one sound at a time."""
