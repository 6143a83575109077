"""The indicators, one module each: everything an indicator means is declared in its module."""
