"""`nn.utils.parametrizations`: weight_norm, spectral_norm and orthogonal, built on
`nn.utils.parametrize` as `torch.nn.utils.parametrizations`.

- `weight_norm`: w = g · v / ‖v‖ (Salimans & Kingma, "Weight Normalization: A Simple
  Reparameterization to Accelerate Training of Deep Neural Networks", 2016); trains g
  (`parametrizations.weight.original0`) and v (`original1`).
- `spectral_norm`: w / σ(w), σ the largest singular value estimated by power iteration (Miyato
  et al., "Spectral Normalization for Generative Adversarial Networks", 2018).
- `orthogonal`: w = base · Q(X), Q orthogonal, from the skew-symmetric part of X through the
  matrix exponential or the Cayley map, or from Householder reflections (Lezcano-Casado,
  "Trivializations for Gradient-Based Optimization on Manifolds", 2019).
"""
from __future__ import annotations

from enum import Enum, auto

import numpy as np

from ... import linalg
from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..functional import normalize
from ..module import Module
from . import parametrize

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def _norm_except_dim(v: Tensor, dim: int) -> Tensor:
    """‖v‖₂ over every dim but `dim`, keeping `dim` (the others become size 1); `dim=-1`
    means over all elements, a 0-d result (PyTorch's `torch.norm_except_dim(v, 2, dim)`)."""
    if dim == -1:
        return linalg.vector_norm(v)
    dim = dim % v.ndim if v.ndim else 0
    others = tuple(d for d in range(v.ndim) if d != dim)
    return linalg.vector_norm(v, dim=others, keepdim=True) if others else v.abs()


def _weight_norm(v: Tensor, g: Tensor, dim: int) -> Tensor:
    """w = v · g / ‖v‖, the norm taken per slice along `dim` (over everything for dim=-1)."""
    return v * (g / _norm_except_dim(v, dim))


class _WeightNorm(Module):
    """The parametrization of `weight_norm`: forward(g, v) = g · v / ‖v‖, right_inverse(w) =
    (‖w‖, w)."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        """The weight, from its magnitude g and direction v."""
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        """(g, v) = (‖weight‖ per slice, weight): forward gives the weight back."""
        return _norm_except_dim(weight, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Reparametrize `module.<name>` as g · v / ‖v‖, the norm over every dim but `dim` (over all
    of it when `dim=None`). g and v are at `module.parametrizations.<name>.original0` and
    `original1`. A state dict of the old `nn.utils.weight_norm` (keys `<name>_g`, `<name>_v`)
    still loads. Returns the module.

    >>> import tinygrad_edu.nn as nn
    >>> m = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
    >>> [k for k in m.state_dict()]
    ['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
                                 unexpected_keys, error_msgs) -> None:
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module.register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


def _reshape_weight_to_matrix(weight: Tensor, dim: int) -> Tensor:
    """`dim` moved first, the rest flattened: the (size of dim) × (everything else) matrix whose
    largest singular value spectral normalization divides by."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.ndim) if d != dim))
    return weight.reshape(weight.shape[0], -1)


class _SpectralNorm(Module):
    """The parametrization of `spectral_norm`: w / σ, σ ≈ uᵀ W v with u, v (buffers `_u`, `_v`)
    refined by `n_power_iterations` steps v ← normalize(Wᵀu)... in training mode."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] "
                             f"but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            from ... import randn

            self.n_power_iterations = n_power_iterations
            weight_mat = _reshape_weight_to_matrix(weight.detach(), self.dim)
            h, w = weight_mat.shape
            self.register_buffer("_u", normalize(randn(h, dtype=weight.dtype), dim=0, eps=self.eps))
            self.register_buffer("_v", normalize(randn(w, dtype=weight.dtype), dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        """u ← normalize(W v), v ← normalize(Wᵀ u), `n_power_iterations` times, in place, outside
        autograd: u and v approach the top singular vectors of W."""
        with no_grad():
            weight_mat = weight_mat.detach()
            for _ in range(n_power_iterations):
                self._u.data[...] = normalize(weight_mat @ self._v, dim=0, eps=self.eps).data
                self._v.data[...] = normalize(weight_mat.T @ self._u, dim=0, eps=self.eps).data

    def forward(self, weight: Tensor) -> Tensor:
        """weight / σ with σ = uᵀ W v (one power step first in training mode); a 1-d weight is
        just normalized."""
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        weight_mat = _reshape_weight_to_matrix(weight, self.dim)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = (u * (weight_mat @ v)).sum()
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        """Assigning a weight stores it as is (σ is recomputed from it)."""
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Divide `module.<name>` by its largest singular value σ, estimated by power iteration
    (buffers `parametrizations.<name>.0._u` and `._v`, updated at each access in training mode).
    The weight is seen as a matrix with `dim` first (default 0, 1 for ConvTranspose). Returns the
    module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


def _make_orthogonal(A: Tensor) -> Tensor:
    """The Q of A's QR decomposition, each column's sign chosen so that diag(R) > 0 (unique)."""
    q, r = np.linalg.qr(A.data)
    return Tensor(q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :])


def _is_orthogonal(Q: Tensor) -> bool:
    n, k = Q.shape[-2], Q.shape[-1]
    eps = 10.0 * n * np.finfo(Q.dtype).eps
    return bool(np.allclose(np.swapaxes(Q.data, -1, -2).conj() @ Q.data, np.eye(k), atol=eps))


def _householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """First k columns of H₁H₂⋯H_k, H_i = I − τ_i v_i v_iᵀ, v_i = column i of A below the
    diagonal with a 1 on it (LAPACK's orgqr); composed from differentiable ops."""
    from ... import eye

    n, k = A.shape[-2], A.shape[-1]
    V = A.tril(-1) + eye(n, k, dtype=A.dtype)
    M = eye(n, k, dtype=A.dtype).expand(*A.shape)
    for i in reversed(range(k)):
        v = V[..., :, i:i + 1]
        M = M - tau[..., i:i + 1].unsqueeze(-1) * (v @ (v.mT @ M))
    return M


class _Orthogonal(Module):
    """The parametrization of `orthogonal`: X ↦ base · Q(X), Q orthogonal."""

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *, use_trivialization: bool = True) -> None:
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        """matrix_exp: Q = exp(A); cayley: Q = (I − A/2)⁻¹(I + A/2), A = L − Lᴴ from the lower
        triangle L of X (padded to square); householder: the product of the reflections stored
        below X's diagonal. Wide matrices are handled transposed."""
        from ... import cat, eye, zeros

        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                X = cat([X, zeros(n, n - k, dtype=X.dtype).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = linalg.matrix_exp(A)
            else:
                Id = eye(n, dtype=A.dtype)
                Q = linalg.solve(Id - 0.5 * A, Id + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            Q = Q * Tensor(np.trunc(np.diagonal(X.data, axis1=-2, axis2=-1)).astype(X.dtype)).unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q: Tensor) -> Tensor:
        """Store an orthogonal matrix near Q (Q's own if it is orthogonal) as `base`, and return
        the X with Q(X) = I (minus the identity), so that the weight is that matrix."""
        if tuple(Q.shape) != tuple(self.shape):
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        with no_grad():
            Q_init = Q
            n, k = Q.shape[-2], Q.shape[-1]
            transpose = n < k
            if transpose:
                Q = Q.mT
                n, k = k, n
            if not hasattr(self, "base"):
                if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                    raise NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley "
                                              "parametrizations when use_trivialization=False.")
                h, tau = np.linalg.qr(Q.data, mode="raw")  # LAPACK geqrf: reflectors below the diagonal
                A = np.swapaxes(h, -1, -2).copy()
                idx = np.arange(k)
                diag = np.sign(A[..., idx, idx])
                diag[tau == 0.0] *= -1
                A[..., idx, idx] = diag
                return Tensor(np.swapaxes(A, -1, -2) if transpose else A)
            if n == k:
                Q = _make_orthogonal(Q) if not _is_orthogonal(Q) else Q.clone()
            else:
                from ... import cat, randn

                N = randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype)
                Q = _make_orthogonal(cat([Q, N], dim=-1))
            self.base = Q.detach()
            neg_Id = np.zeros(Q_init.shape, dtype=Q_init.dtype)
            idx = np.arange(min(neg_Id.shape[-2:]))
            neg_Id[..., idx, idx] = -1.0
            return Tensor(neg_Id)


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Make `module.<name>` (a matrix or a batch of matrices) orthogonal: QᵀQ = I (or QQᵀ = I
    for a wide matrix). `orthogonal_map`: "matrix_exp" (default for square), "cayley" or
    "householder" (default otherwise). With `use_trivialization` (default) the current weight,
    made orthogonal, is kept as the buffer `base` and training moves away from it. Returns the
    module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError(f'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module
