"""The older `nn.utils.spectral_norm` / `remove_spectral_norm` (a forward pre-hook, as
`torch.nn.utils.spectral_norm`; the newer form is `nn.utils.parametrizations.spectral_norm`).

The parameter `weight` becomes `weight_orig`; buffers `weight_u`, `weight_v` hold the power
iteration's vectors; before each forward `module.weight = weight_orig / σ`, σ = uᵀ W v after
(in training mode) `n_power_iterations` steps v ← normalize(Wᵀu), u ← normalize(W v) (Miyato et
al., "Spectral Normalization for Generative Adversarial Networks", 2018).
"""
from __future__ import annotations

from typing import Any

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..functional import normalize
from ..module import Module
from ..parameter import Parameter
from .parametrizations import _reshape_weight_to_matrix

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


class SpectralNorm:
    """The forward pre-hook that recomputes `module.<name>` = `<name>_orig` / σ."""

    def __init__(self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        """weight_orig / σ, σ = uᵀ W v; u and v are first refined in place if `do_power_iteration`."""
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = _reshape_weight_to_matrix(weight, self.dim)
        if do_power_iteration:
            with no_grad():
                mat = weight_mat.detach()
                for _ in range(self.n_power_iterations):
                    v.data[...] = normalize(mat.T @ u, dim=0, eps=self.eps).data
                    u.data[...] = normalize(mat @ v, dim=0, eps=self.eps).data
            u, v = u.clone(), v.clone()
        sigma = (u * (weight_mat @ v)).sum()
        return weight / sigma

    def remove(self, module: Module) -> None:
        """Put back `module.<name>` as one Parameter holding the current normalized weight."""
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int, eps: float) -> "SpectralNorm":
        """Move `module.<name>` to `<name>_orig`, add the buffers `<name>_u`, `<name>_v` (random
        unit vectors) and register the hook."""
        from ... import randn

        for hook in module.__dict__.get("_forward_pre_hooks", {}).values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        with no_grad():
            h, w = _reshape_weight_to_matrix(weight.detach(), dim).shape
            u = normalize(randn(h, dtype=weight.dtype), dim=0, eps=fn.eps)
            v = normalize(randn(w, dtype=weight.dtype), dim=0, eps=fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        setattr(module, fn.name, weight.detach())  # a plain attribute, recomputed before each forward
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Divide the parameter `name` by its largest singular value σ (power iteration) before each
    forward; the weight is seen as a matrix with `dim` first (default 0, 1 for ConvTranspose).
    State: `name_orig` (trained), buffers `name_u`, `name_v`. Returns the module."""
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Undo `spectral_norm`: `name` is one Parameter again. ValueError if it has no spectral norm."""
    hooks = module.__dict__.get("_forward_pre_hooks", {})
    for k, hook in hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del hooks[k]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
