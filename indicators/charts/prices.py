"""prices charts (being written)."""
