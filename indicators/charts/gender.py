"""gender charts (being written)."""
