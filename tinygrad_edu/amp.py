"""`tg.amp`: PyTorch's automatic mixed precision, `autocast` and `GradScaler`.

`autocast` is accepted so that training scripts run, but it casts nothing: PyTorch runs matmuls
and linear layers inside `autocast("cpu")` in bfloat16, a dtype numpy does not have, so here every
op computes in its tensors' own dtype (a warning says so once). `GradScaler` is PyTorch's real
loss-scaling algorithm (the same scale history, the same skipped steps):

- `scaler.scale(loss)` multiplies the loss by the scale S, so the gradients are S times larger
  (in float16 that keeps small gradients from rounding to zero);
- `scaler.step(optimizer)` first divides the gradients by S (`unscale_`), and skips the
  optimizer's step if any gradient is inf or nan (the scale was too large);
- `scaler.update()` halves S (`backoff_factor`) after such a skip, and doubles it
  (`growth_factor`) after `growth_interval` steps in a row without one.

>>> import tinygrad_edu as tg
>>> w = tg.nn.Parameter(tg.tensor([1.0]))
>>> opt = tg.optim.SGD([w], lr=0.1)
>>> scaler = tg.amp.GradScaler("cpu", init_scale=4.0)
>>> scaler.scale((w * 3).sum()).backward()
>>> w.grad
tensor([12.])
>>> scaler.step(opt); scaler.update()
>>> w, scaler.get_scale()
(Parameter containing:
tensor([0.7000], requires_grad=True), 4.0)
"""
from __future__ import annotations

import functools
import warnings
from typing import Any, Callable

import numpy as np

from . import autocast_state as _autocast_state
from . import dtype as _dtype
from .devices import _KNOWN_TYPES
from .tensor import Tensor

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]

_warned_no_cast = False  # the "nothing is cast" warning is given once per process


def _check_device_type(device_type, where: str) -> None:
    """PyTorch's checks: a string (ValueError otherwise) naming a known device type (RuntimeError)."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    kind = device_type.partition(":")[0]
    if kind not in _KNOWN_TYPES:
        raise RuntimeError(f"{where}: expected one of {', '.join(_KNOWN_TYPES)} device type at start of "
                           f"device string: {device_type}")


class autocast:  # noqa: N801 (PyTorch's name: torch.autocast)
    """`with tg.autocast("cpu"):` or `@tg.autocast("cpu")`: PyTorch's mixed precision region.

    Nothing is cast here: every op computes in its tensors' own dtype. With `enabled=True` on the
    CPU and `dtype` bfloat16 (the default) or float16, a UserWarning says so once; another dtype
    warns and disables autocast, as PyTorch does. `device_type="cuda"` (or any other device) warns
    that it is not available and disables autocast, as PyTorch does on a machine without CUDA.
    `enabled=False` does nothing at all.

    >>> import tinygrad_edu as tg
    >>> with tg.autocast("cpu", enabled=False):
    ...     y = tg.ones(2, 2) @ tg.ones(2, 2)
    >>> y.dtype
    dtype('float64')
    """

    def __init__(self, device_type: str, dtype: np.dtype | None = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        _check_device_type(device_type, "autocast")
        self.device = device_type
        self.fast_dtype = dtype  # None: the device's default (bfloat16 on the CPU, float16 on CUDA)
        self._cache_enabled = cache_enabled
        self._enabled = bool(enabled) and self._check_enabled()

    def _check_enabled(self) -> bool:
        """Whether autocast stays enabled, warning as PyTorch does when it disables itself."""
        if self.device != "cpu":
            name = "CUDA" if self.device == "cuda" else repr(self.device)
            warnings.warn(f"{name} is not available (tinygrad_edu runs on the CPU). Disabling autocast.",
                          UserWarning, stacklevel=3)
            return False
        bfloat16 = self.fast_dtype is None or _dtype.bfloat16 == self.fast_dtype  # (tg.bfloat16 or "bfloat16")
        if not bfloat16 and self.fast_dtype != _dtype.float16:
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                          "CPU Autocast only supports dtypes of bfloat16, float16 currently.",
                          UserWarning, stacklevel=3)
            return False
        _warn_no_cast("bfloat16" if bfloat16 else "float16")
        return True

    def __enter__(self) -> "autocast":
        # the state tg.is_autocast_enabled(...) and friends report (autocast_state.py)
        self._saved_state = _autocast_state.enter_region(self.device, self._enabled, self.fast_dtype,
                                                         self._cache_enabled)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        _autocast_state.exit_region(self._saved_state)
        return None

    def __call__(self, func: Callable) -> Callable:
        """Used as a decorator: every call of `func` runs inside this region."""
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return wrapper


def _warn_no_cast(name: str) -> None:
    global _warned_no_cast
    if not _warned_no_cast:
        _warned_no_cast = True
        warnings.warn(f"autocast: tinygrad_edu computes in the tensors' own dtype; nothing is cast to "
                      f"{name} (PyTorch would run matmuls and linear layers in {name} here).",
                      UserWarning, stacklevel=4)


# ---- GradScaler ---------------------------------------------------------------------------------
_READY, _UNSCALED, _STEPPED = "ready", "unscaled", "stepped"  # where each optimizer is in an iteration


class GradScaler:
    """PyTorch's loss scaler (`torch.amp.GradScaler`) for the CPU; see the module docstring.

    `device="cuda"` (the default, as in PyTorch) warns that CUDA is not available and disables the
    scaler: then `scale` returns its input, `step` just calls `optimizer.step()`, and `update`
    does nothing -- pass `"cpu"` to use it. The scale is a float32 number as in PyTorch.
    """

    def __init__(self, device: str = "cuda", init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000, enabled: bool = True) -> None:
        self._device = device
        self._enabled = enabled
        if enabled and device != "cpu":  # (PyTorch's words for CUDA)
            if device == "cuda":
                message = "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling."
            else:
                message = f"GradScaler on {device!r} is enabled, but {device!r} is not available.  Disabling."
            warnings.warn(message, UserWarning, stacklevel=2)
            self._enabled = False
        if self._enabled:
            assert growth_factor > 1.0, "The growth factor must be > 1.0."
            assert backoff_factor < 1.0, "The backoff factor must be < 1.0."
        self._init_scale = init_scale
        self._scale: np.float32 | None = None  # made by the first scale() call
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._init_growth_tracker = 0
        self._growth_tracker: int | None = None  # successful steps in a row since the last change
        self._per_optimizer: dict[int, dict] = {}

    # ---- the loop: scale -> backward -> (unscale_) -> step -> update --------------------------
    def scale(self, outputs):
        """`outputs` (a Tensor, or a list/tuple/iterable of them) times the current scale."""
        if not self._enabled:
            return outputs
        if self._scale is None:
            self._scale = np.float32(self._init_scale)
            self._growth_tracker = self._init_growth_tracker
        return self._scale_all(outputs)

    def _scale_all(self, value):
        if isinstance(value, Tensor):
            return value * Tensor(np.array(self._scale, dtype=np.float32))  # a 0-d float32 tensor
        if isinstance(value, (list, tuple)):
            return type(value)(self._scale_all(v) for v in value)
        if hasattr(value, "__iter__"):
            return map(self._scale_all, value)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def unscale_(self, optimizer) -> None:
        """Divide the gradients of `optimizer`'s parameters by the scale (in place) and record
        whether any of them is inf or nan. Call it before clipping gradients; `step` calls it
        when you did not."""
        if not self._enabled:
            return
        self._check_scale("unscale_")
        state = self._state(optimizer)
        if state["stage"] is _UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] is _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv_scale = np.float32(1.0 / np.float64(self._scale))  # PyTorch: scale.double().reciprocal().float()
        found_inf = False
        for param in self._params_with_grads(optimizer):
            found_inf |= not bool(np.isfinite(param.grad.data).all())
            if param.grad.data.flags.writeable:  # in place, as PyTorch
                np.multiply(param.grad.data, inv_scale, out=param.grad.data, casting="same_kind")
            else:
                param.grad = Tensor(param.grad.data * inv_scale)
        state["found_inf"] = 1.0 if found_inf else 0.0
        state["stage"] = _UNSCALED

    @staticmethod
    def _params_with_grads(optimizer) -> list[Tensor]:
        params = [p for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        if any(p.grad.dtype == _dtype.float16 for p in params):
            raise ValueError("Attempting to unscale FP16 gradients.")
        return params

    def step(self, optimizer, *args, **kwargs):
        """`optimizer.step(*args, **kwargs)` on the unscaled gradients, or nothing (returns None)
        if a gradient was inf or nan."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale("step")
        state = self._state(optimizer)
        if state["stage"] is _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is _READY:
            self.unscale_(optimizer)
        assert state["found_inf"] is not None, "No inf checks were recorded for this optimizer."
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return result

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Set the scale for the next iteration: `new_scale` if given; otherwise back off
        (scale × backoff_factor) if any optimizer found inf/nan gradients, or grow (scale ×
        growth_factor) after `growth_interval` clean steps in a row."""
        if not self._enabled:
            return
        self._check_scale("update")
        if new_scale is not None:
            self._scale = np.float32(new_scale.item() if isinstance(new_scale, Tensor) else new_scale)
        else:
            found = [s["found_inf"] for s in self._per_optimizer.values() if s["found_inf"] is not None]
            assert len(found) > 0, "No inf checks were recorded prior to update."
            self._update_scale(sum(found) > 0)
        self._per_optimizer = {}

    def _update_scale(self, found_inf: bool) -> None:
        """PyTorch's `_amp_update_scale_`, in float32 like its scale tensor."""
        with np.errstate(over="ignore"):
            if found_inf:
                self._scale = np.float32(np.float64(self._scale) * self._backoff_factor)
                self._growth_tracker = 0
                return
            successful = self._growth_tracker + 1
            if successful == self._growth_interval:
                grown = np.float32(np.float64(self._scale) * self._growth_factor)
                if np.isfinite(grown):  # never grow to inf
                    self._scale = grown
                successful = 0
            self._growth_tracker = successful

    def _state(self, optimizer) -> dict:
        return self._per_optimizer.setdefault(id(optimizer), {"stage": _READY, "found_inf": None})

    def _check_scale(self, where: str) -> None:
        assert self._scale is not None, (f"Attempted {where} but _scale is None.  This may indicate your "
                                         "script did not use scaler.scale(loss or outputs) earlier in the iteration.")

    # ---- settings and checkpoints -------------------------------------------------------------
    def get_scale(self) -> float:
        """The current scale (`init_scale` before the first `scale()`; 1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return float(self._init_scale if self._scale is None else self._scale)

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def is_enabled(self) -> bool:
        return self._enabled

    def _get_growth_tracker(self) -> int:
        return self._init_growth_tracker if self._growth_tracker is None else self._growth_tracker

    def state_dict(self) -> dict:
        """The scale and its settings (an empty dict when disabled), as PyTorch's."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict: dict) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled "
                               "instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale = np.float32(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker = state_dict["_growth_tracker"]


# The device types PyTorch has an autocast for (its answer does not depend on the hardware present:
# on a machine without CUDA, is_autocast_available("cuda") is True and autocast("cuda") warns and
# does nothing, here as there)
_AUTOCAST_TYPES = ("cpu", "cuda", "mps", "xpu", "xla", "ipu", "maia", "hpu", "mtia", "privateuseone")


def is_autocast_available(device_type: str) -> bool:
    """Whether PyTorch has an autocast for `device_type` ("cpu", "cuda", ...), as
    `torch.amp.is_autocast_available`."""
    if not isinstance(device_type, str):
        raise TypeError(f"is_autocast_available(): argument 'device_type' must be str, not "
                        f"{type(device_type).__name__}")
    _check_device_type(device_type, "is_autocast_available")
    return device_type.partition(":")[0] in _AUTOCAST_TYPES


def custom_fwd(fwd: Callable | None = None, *, device_type: str, cast_inputs=None) -> Callable:
    """Decorator for the `forward` of a custom `tg.autograd.Function` under autocast, as
    `torch.amp.custom_fwd`: with `cast_inputs` (a float dtype) and autocast enabled for
    `device_type`, forward runs with autocast off and its float16/float32 tensor arguments cast
    to that dtype; otherwise forward runs as it is. Use it with `custom_bwd` on backward."""
    _check_device_type(device_type, "custom_fwd")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    dtype = None if cast_inputs is None else _dtype.as_dtype(cast_inputs, "custom_fwd")

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        if dtype is None or not _autocast_state.is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)

        def cast(value):  # (as PyTorch: float64 tensors keep their precision)
            eligible = isinstance(value, Tensor) and value.is_floating_point() and value.data.dtype != np.float64
            return value.to(dtype) if eligible else value

        with autocast(device_type, enabled=False):
            return fwd(*[cast(a) for a in args], **{k: cast(v) for k, v in kwargs.items()})
    return decorate_fwd


def custom_bwd(bwd: Callable | None = None, *, device_type: str) -> Callable:
    """Decorator for the `backward` of a custom Function whose forward has `custom_fwd`, as
    `torch.amp.custom_bwd`: backward runs in the autocast state forward ran in (autocast casts
    nothing here, so the state changes no result)."""
    _check_device_type(device_type, "custom_bwd")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        return bwd(*args, **kwargs)
    return decorate_bwd
