"""`quiet_exp(z)`: e^z in place, with numpy's overflow warning silenced, cheaply.

Where e^z overflows, inf is the right answer for the formulas that use it (σ(x) = 1 / (1 + e⁻ˣ) is
then exactly 0, as PyTorch gives), so numpy's RuntimeWarning would only alarm a learner.
`with np.errstate(over="ignore")` silences it, but builds a new settings object on every entry: about
1 µs, as long as the whole sigmoid of a small array. numpy (2.x) keeps those settings in a context
variable; the settings "as they are, with overflow ignored" are made once here and reused for as
long as the outer settings stay the same. Without that variable (another numpy), np.errstate.
"""
from __future__ import annotations

import numpy as np

try:  # numpy's own context variable (numpy/_core/_ufunc_config.py)
    from numpy._core._ufunc_config import _extobj_contextvar as _settings
except ImportError:  # pragma: no cover - a numpy that keeps them elsewhere
    _settings = None

_cached = (None, None)  # (the outer settings seen last, the same with overflow ignored): one tuple,
# replaced whole, so that another thread never sees half of it


def _quiet_settings():
    global _cached
    outer = _settings.get()
    if _cached[0] is not outer:
        with np.errstate(over="ignore"):  # (the outer settings, overflow ignored)
            _cached = (outer, _settings.get())
    return _cached[1]


def quiet_exp(z: np.ndarray) -> np.ndarray:
    """e^z written into z (an array this call may overwrite), overflow giving inf silently."""
    if _settings is None:  # pragma: no cover
        with np.errstate(over="ignore"):
            return np.exp(z, out=z)
    token = _settings.set(_quiet_settings())
    try:
        return np.exp(z, out=z)
    finally:
        _settings.reset(token)
