"""bandwidth charts (being written)."""
