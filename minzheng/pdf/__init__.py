"""PDF posters and letters (pure rendering: plain data in, bytes out)."""
