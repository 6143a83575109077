"""The divide metrics, the claims engine and editions compared: pure functions of the tables."""
