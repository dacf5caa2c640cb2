"""Run a PyTorch tutorial program twice: as written (with PyTorch) and after the textual
substitution a learner makes to run it here,

    import torch                      ->  import tinygrad_edu as tg
    import torch.nn as nn             ->  import tinygrad_edu.nn as nn
    from torch.utils.data import ...  ->  from tinygrad_edu.utils.data import ...
    torch.anything                    ->  tg.anything

A program is one source string. It may call `same(x)` on a module or a tensor whose values come
from a random generator: in the tinygrad_edu run `same` records the values (a module's state_dict,
a tensor's data) and returns `x`; in the PyTorch run it puts the recorded values into `x`, so both
runs start from the same weights (copied from ours). Both runs use float64 as the default dtype,
so what they compute agrees to ~1e-9. The program leaves what is compared in a dict `result`, and
asserts its own properties (a loss that falls, a value worked out by hand), which are checked in
the tinygrad_edu run whether or not PyTorch is installed.
"""
from __future__ import annotations

import importlib.util
import math
import re
import textwrap

import numpy as np

HAS_TORCH = importlib.util.find_spec("torch") is not None


def to_tinygrad(source: str) -> str:
    """The program with `torch` replaced by tinygrad_edu, imported as `tg`."""
    text = re.sub(r"\btorch\b", "tg", source)
    text = re.sub(r"^(\s*)import tg$", r"\1import tinygrad_edu as tg", text, flags=re.M)
    text = re.sub(r"^(\s*)import tg\.", r"\1import tinygrad_edu.", text, flags=re.M)
    return re.sub(r"^(\s*)from tg\b", r"\1from tinygrad_edu", text, flags=re.M)


class Same:
    """`same(x)`: record values in the first run, put them back in the second."""

    def __init__(self) -> None:
        self.recorded: list = []
        self.replay = False
        self.position = 0

    def __call__(self, x):
        if not self.replay:
            self.recorded.append(_values(x))
            return x
        values = self.recorded[self.position]
        self.position += 1
        return _load(x, values)


def _values(x):
    if hasattr(x, "state_dict"):
        return {k: np.array(v.detach().numpy(), copy=True) for k, v in x.state_dict().items()}
    return np.array(x.detach().numpy(), copy=True)


def _load(x, values):
    import torch

    if isinstance(values, dict):
        x.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in values.items()})
        return x
    with torch.no_grad():
        x.copy_(torch.from_numpy(values.copy()))
    return x


def execute(source: str, namespace: dict) -> dict:
    exec(compile(source, "<tutorial program>", "exec"), namespace)
    return namespace


def run_here(source: str, same: Same | None = None, dtype: str = "float64") -> dict:
    """Run the program with tinygrad_edu, `dtype` the default float dtype; return its namespace."""
    import tinygrad_edu as tg

    before = tg.get_default_dtype()
    tg.set_default_dtype(getattr(tg, dtype))
    tg.manual_seed(0)  # the tests do not depend on luck
    try:
        return execute(to_tinygrad(textwrap.dedent(source)), {"same": same or Same(), "__name__": "__tutorial__"})
    finally:
        tg.set_default_dtype(before)


def run_torch(source: str, same: Same, dtype: str = "float64") -> dict:
    import torch

    same.replay, same.position = True, 0
    torch.set_num_threads(1)  # OpenMP threads that spin on a shared machine make tiny ops slow
    before = torch.get_default_dtype()
    torch.set_default_dtype(getattr(torch, dtype))
    torch.manual_seed(0)
    try:
        return execute(textwrap.dedent(source), {"same": same, "__name__": "__tutorial__"})
    finally:
        torch.set_default_dtype(before)


def check(source: str, rtol: float = 1e-7, atol: float = 1e-9, dtype: str = "float64") -> dict:
    """Run here (the program's own asserts), then with PyTorch when it is installed, and compare
    the two `result` dicts. Returns our namespace.

    `dtype="float32"`: both libraries run with float32 as the default dtype, PyTorch's own default,
    for programs that write `.float()` or `dtype=torch.float` next to tensors made with the
    default dtype (here that default is float64: `tg.set_default_dtype(tg.float32)` is the line a
    learner adds to such a program); compare with a float32 tolerance then."""
    same = Same()
    ours = run_here(source, same, dtype)
    assert _finite(ours.get("result", {})), "a NaN or inf in the result"
    if HAS_TORCH:
        theirs = run_torch(source, same, dtype)
        assert_same(ours.get("result", {}), theirs.get("result", {}), "result", rtol, atol)
    return ours


def _plain(value):
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return np.array(value.detach().numpy(), copy=True)
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def assert_same(ours, theirs, where: str, rtol: float = 1e-7, atol: float = 1e-9) -> None:
    """Tensors and numbers within tolerance (and the same shape), anything else equal."""
    ours, theirs = _plain(ours), _plain(theirs)
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(theirs), f"{where}: keys {ours} vs {theirs}"
        for key in theirs:
            assert_same(ours[key], theirs[key], f"{where}[{key!r}]", rtol, atol)
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), f"{where}: {ours!r} here, {theirs!r} in PyTorch"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]", rtol, atol)
    elif isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray), f"{where}: {type(ours).__name__} here, a tensor in PyTorch"
        assert ours.shape == theirs.shape, f"{where}: shape {ours.shape} here, {theirs.shape} in PyTorch"
        assert ours.dtype.kind == theirs.dtype.kind, f"{where}: dtype {ours.dtype} here, {theirs.dtype} in PyTorch"
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(theirs, float):
        assert isinstance(ours, float) and math.isclose(ours, theirs, rel_tol=rtol, abs_tol=atol), \
            f"{where}: {ours!r} here, {theirs!r} in PyTorch"
    else:
        assert type(ours) is type(theirs) and ours == theirs, f"{where}: {ours!r} here, {theirs!r} in PyTorch"


def _finite(value) -> bool:
    value = _plain(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fc" or bool(np.isfinite(value).all())
    return not isinstance(value, float) or math.isfinite(value)
