"""Digital-divide indicators: rebuild, check and chart the gaps the WSIS and ITU reports cite."""

__version__ = "0.1.0"
