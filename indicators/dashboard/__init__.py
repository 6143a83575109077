"""Dash-only code: the process state, chart panels, and the named callbacks that wire them.

Nothing outside this package (and pages/) imports Dash. ``state.STATE`` holds the process's
tables and caches; ``panels`` lays pages out; ``callbacks`` holds the callbacks as plain named
functions that tests import and call, and registers them.
"""
