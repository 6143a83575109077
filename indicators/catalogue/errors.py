"""What goes wrong when a chart is asked for: a value outside its choices, or no data for it."""

from __future__ import annotations


class ParamError(ValueError):
    """A parameter value outside its choices; names the parameter and the choices."""


class NoData(LookupError):
    """The tables hold no data for what was asked; the message says which command builds it."""
