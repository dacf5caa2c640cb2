"""Layers: the module forms of `nn.functional`, holding their parameters.

Parameter names, shapes and initial distributions are PyTorch's, so `state_dict()` keys match
the equivalent `torch.nn` model exactly.
"""
from __future__ import annotations

import math
import warnings

from ..creation import zeros
from ..devices import check_device, is_meta
from ..errors import ShapeError
from ..ops import normalize_dim
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional.layers import embedding_padding_idx
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """y = x Wᵀ + b, with `weight` of shape (out_features, in_features) and `bias` (out_features,).

    Both start as U(-1/√in, 1/√in), PyTorch's default (kaiming_uniform_ with a=√5).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> layer = nn.Linear(3, 2)
    >>> layer(tg.ones(4, 3)).shape
    (4, 2)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        _check_size(in_features, "Linear", "in_features")
        _check_size(out_features, "Linear", "out_features")
        meta = is_meta(device)  # nn.Linear(5, 3, device="meta"): shapes and dtypes, no values
        if not meta:
            check_device(device, "Linear")
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(zeros(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(zeros(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()
        if meta:
            self.to(device)

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def _embedding_table(module: Module, name: str, _weight, dtype) -> None:
    """The `weight` table (num_embeddings, embedding_dim) of Embedding and EmbeddingBag (`name`):
    `_weight` itself if given (its shape checked), else zeros filled by reset_parameters (N(0, 1)
    with a zero row at padding_idx)."""
    num_embeddings, embedding_dim = module.num_embeddings, module.embedding_dim
    if _weight is None:
        module.weight = Parameter(zeros(num_embeddings, embedding_dim, dtype=dtype))
        module.reset_parameters()
    else:
        if tuple(_weight.shape) != (num_embeddings, embedding_dim):
            raise AssertionError(f"{name}: the shape of _weight {tuple(_weight.shape)} does not match "
                                 f"(num_embeddings, embedding_dim) = ({num_embeddings}, {embedding_dim})")
        module.weight = Parameter(_weight)


class Embedding(Module):
    """A lookup table: row i of `weight` (num_embeddings, embedding_dim) is the vector of index i.
    `weight` starts as N(0, 1), like PyTorch.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> emb = nn.Embedding(10, 4)
    >>> emb(tg.tensor([[1, 2], [3, 1]])).shape
    (2, 2, 4)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight=None, _freeze: bool = False, device=None, dtype=None) -> None:
        super().__init__()
        _check_size(num_embeddings, "Embedding", "num_embeddings")
        _check_size(embedding_dim, "Embedding", "embedding_dim")
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = embedding_padding_idx(padding_idx, num_embeddings, "Embedding")
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        _embedding_table(self, "Embedding", _weight, dtype)
        self.weight.requires_grad = not _freeze

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, padding_idx: int | None = None,
                        max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> "Embedding":
        """An Embedding whose table is a copy of `embeddings` (2-D), frozen unless freeze=False
        (the padding_idx row keeps its pretrained values)."""
        table = embeddings.data if isinstance(embeddings, Tensor) else Tensor(embeddings).data
        if table.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: expects a 2-D table, got shape {table.shape}")
        emb = cls(table.shape[0], table.shape[1], padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                  dtype=table.dtype)
        emb.weight.data[...] = table
        emb.weight.requires_grad = not freeze
        return emb

    def reset_parameters(self) -> None:
        """N(0, 1) entries, and a row of zeros at padding_idx (as PyTorch)."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq=True"
        if self.sparse is not False:
            s += ", sparse=True"
        return s


class Dropout(Module):
    """Zero each element with probability p while training, scaling the rest by 1/(1-p);
    the identity in eval mode."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        F._check_dropout_p(p, "Dropout")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e⁻ˣ), elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        return x.sigmoid()


class Tanh(Module):
    """tanh(x), elementwise."""

    def forward(self, x: Tensor) -> Tensor:
        return x.tanh()


class ReLU(Module):
    """max(x, 0), elementwise; `inplace=True` overwrites the input (PyTorch's option, which
    saves memory there; here it saves one array)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


def _implicit_softmax_dim(name: str, ndim: int) -> int:
    """PyTorch's legacy choice when no dim is given (0 for 0-, 1- and 3-d inputs, else 1), with
    its deprecation warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  f"include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


class Softmax(Module):
    """softmax over `dim`. Without a dim, PyTorch's old implicit choice is made, with a warning."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        dim = _implicit_softmax_dim(type(self).__name__.lower(), x.ndim) if self.dim is None else self.dim
        return self.function(x, dim)

    function = staticmethod(F.softmax)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log softmax over `dim`."""

    function = staticmethod(F.log_softmax)


class LeakyReLU(Module):
    """x where x > 0, negative_slope · x elsewhere."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """x where x > 0, alpha · (eˣ - 1) elsewhere."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.elu(x, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class SiLU(Module):
    """x · σ(x)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.silu(x, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class GELU(Module):
    """x · Φ(x) (approximate='none') or its tanh approximation (approximate='tanh')."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + e^(βx)) / β, linear where βx > threshold."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x: Tensor) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class LogSigmoid(Module):
    """log σ(x), finite for any x."""

    def forward(self, x: Tensor) -> Tensor:
        return F.logsigmoid(x)


class Identity(Module):
    """Returns its input unchanged (a placeholder in a Sequential); ignores any arguments."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return x


class Flatten(Module):
    """Flatten axes start_dim..end_dim (by default all but the batch axis)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis `dim` into `unflattened_size` (one entry may be -1), the inverse of Flatten.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.Unflatten(1, (2, 3))(tg.ones(4, 6)).shape
    (4, 2, 3)
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(n, int) and not isinstance(n, bool) for n in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}")
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size) if isinstance(unflattened_size, tuple) else unflattened_size

    def forward(self, x: Tensor) -> Tensor:
        dim = normalize_dim(self.dim, x.ndim, "Unflatten")
        sizes = tuple(self.unflattened_size)
        known = math.prod(n for n in sizes if n != -1)
        n = x.shape[dim]
        if (-1 not in sizes and known != n) or (-1 in sizes and (known == 0 or n % known)):
            raise ShapeError(f"Unflatten: sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                             f"({n}) of the input of shape {x.shape}")
        return x.reshape(*x.shape[:dim], *sizes, *x.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


def _check_size(n, layer: str, what: str) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"{layer}: {what} must be a non-negative int, got {n!r}")
