"""The live room: the appliance's loop — frames in, the mirror and the voice out."""
