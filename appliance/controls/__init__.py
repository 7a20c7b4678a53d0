"""The controls room: GPIO buttons and keyboard keys, turned into control events."""
