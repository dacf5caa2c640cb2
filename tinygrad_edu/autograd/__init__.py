"""The autograd machinery: grad mode, Function and its backward node, the backward engine,
hooks and anomaly detection. Public names are re-exported from `tinygrad_edu`.

As in PyTorch, this package is also the `tg.autograd` namespace: `tg.autograd.Function`,
`tg.autograd.grad`, `tg.autograd.backward`, `tg.autograd.gradcheck`/`gradgradcheck`,
`tg.autograd.set_detect_anomaly`/`detect_anomaly`, `tg.autograd.no_grad`, `tg.autograd.Variable`,
and the submodules `tg.autograd.functional` (jacobian, hessian, vjp, jvp, vhp, hvp),
`tg.autograd.graph` (saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks),
`tg.autograd.forward_ad` (dual_level, make_dual, unpack_dual) and `tg.autograd.function`
(Function, once_differentiable).
Those names are looked up when first used: Tensor imports this package before it exists.
"""
from __future__ import annotations

import importlib

# public name -> (module, attribute)
_NAMES = {
    "Function": ("tinygrad_edu.autograd.function", "Function"),
    "grad": ("tinygrad_edu.autograd.differentiate", "grad"),
    "backward": ("tinygrad_edu.autograd.api", "backward"),
    "set_detect_anomaly": ("tinygrad_edu.autograd.api", "set_detect_anomaly"),
    "Variable": ("tinygrad_edu.autograd.api", "Variable"),
    "detect_anomaly": ("tinygrad_edu.autograd.anomaly", "detect_anomaly"),
    "is_anomaly_enabled": ("tinygrad_edu.autograd.anomaly", "is_anomaly_enabled"),
    "no_grad": ("tinygrad_edu.autograd.grad_mode", "no_grad"),
    "enable_grad": ("tinygrad_edu.autograd.grad_mode", "enable_grad"),
    "set_grad_enabled": ("tinygrad_edu.autograd.grad_mode", "set_grad_enabled"),
    "is_grad_enabled": ("tinygrad_edu.autograd.grad_mode", "is_grad_enabled"),
    "gradcheck": ("tinygrad_edu.gradcheck", "gradcheck"),
    "gradgradcheck": ("tinygrad_edu.gradcheck", "gradgradcheck"),
    "functional": ("tinygrad_edu.autograd.functional", None),  # the submodule: jacobian, hessian, vjp, ...
    "graph": ("tinygrad_edu.autograd.graph", None),  # saved_tensors_hooks, save_on_cpu, ...
    "forward_ad": ("tinygrad_edu.autograd.forward_ad", None),  # dual_level, make_dual, unpack_dual
    "profiler": ("tinygrad_edu.autograd.profiler", None),  # profile, record_function (PyTorch's older API)
    "inference_mode": ("tinygrad_edu.autograd.api", "inference_mode"),
    "set_multithreading_enabled": ("tinygrad_edu.autograd.api", "set_multithreading_enabled"),
    "is_multithreading_enabled": ("tinygrad_edu.autograd.api", "is_multithreading_enabled"),
    "is_view_replay_enabled": ("tinygrad_edu.autograd.api", "is_view_replay_enabled"),
    "is_tensor_like": ("tinygrad_edu.autograd.api", "is_tensor_like"),
}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name not in _NAMES:
        raise AttributeError(f"module 'tinygrad_edu.autograd' has no attribute {name!r}")
    module, attribute = _NAMES[name]
    value = importlib.import_module(module)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value  # found directly next time
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NAMES))
