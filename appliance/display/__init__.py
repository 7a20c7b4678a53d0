"""The display room: what the mirror shows, drawn with pygame."""
