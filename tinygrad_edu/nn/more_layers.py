"""More of PyTorch's layers, the module forms of functional/pooling.py, folding.py, bilinear.py,
embedding_bag.py and channel_shuffle.py: `nn.MaxUnpool1d/2d/3d`, `nn.LPPool1d/2d/3d`,
`nn.AdaptiveMaxPool3d`, `nn.Unfold`, `nn.Fold`, `nn.Bilinear`, `nn.EmbeddingBag`, `nn.ChannelShuffle`
-- with PyTorch's arguments, parameter names, initialisation and reprs.
"""
from __future__ import annotations

import math

from ..creation import zeros
from ..devices import check_device
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional.convolution import _tuple
from .functional.layers import embedding_padding_idx
from .layers import Embedding, _check_size, _embedding_table
from .module import Module
from .parameter import Parameter
from .resampling import _AdaptiveMaxPoolNd


class _MaxUnpoolNd(Module):
    dims = 2

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = _tuple(kernel_size, self.dims, name, "kernel_size")
        self.stride = self.kernel_size if stride is None else _tuple(stride, self.dims, name, "stride")
        self.padding = _tuple(padding, self.dims, name, "padding")

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:
        """Each value of `input` put at its `indices` (from MaxPool with return_indices=True)."""
        unpool = (F.max_unpool1d, F.max_unpool2d, F.max_unpool3d)[self.dims - 1]
        return unpool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of MaxPool1d: values back at their indices, zeros elsewhere."""

    dims = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of MaxPool2d: values back at their indices, zeros elsewhere.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    >>> unpool(*pool(tg.ones(1, 1, 4, 4))).shape
    (1, 1, 4, 4)
    """

    dims = 2


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of MaxPool3d: values back at their indices, zeros elsewhere."""

    dims = 3


class _LPPoolNd(Module):
    dims = 2

    def __init__(self, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        pool = (F.lp_pool1d, F.lp_pool2d, F.lp_pool3d)[self.dims - 1]
        return pool(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """(Σ_window x^p)^(1/p) over each window of (N, C, L)."""

    dims = 1


class LPPool2d(_LPPoolNd):
    """(Σ_window x^p)^(1/p) over each window of (N, C, H, W); p = norm_type."""

    dims = 2


class LPPool3d(_LPPoolNd):
    """(Σ_window x^p)^(1/p) over each window of (N, C, D, H, W)."""

    dims = 3


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, D, H, W) to a given size (F.adaptive_max_pool3d)."""

    function = staticmethod(F.adaptive_max_pool3d)


class Unfold(Module):
    """Sliding blocks of (N, C, H, W) as columns: (N, C·kh·kw, L) (F.unfold, im2col)."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Module):
    """Columns (N, C·kh·kw, L) summed back into an (N, C, *output_size) image (F.fold, col2im)."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Bilinear(Module):
    """y = x1ᵀ A x2 + b: weight (out_features, in1_features, in2_features), bias (out_features,),
    both from U(-1/√in1_features, 1/√in1_features), as PyTorch.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.Bilinear(3, 4, 2)(tg.ones(5, 3), tg.ones(5, 4)).shape
    (5, 2)
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        for what, n in (("in1_features", in1_features), ("in2_features", in2_features),
                        ("out_features", out_features)):
            _check_size(n, "Bilinear", what)
        check_device(device, "Bilinear")
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(zeros(out_features, in1_features, in2_features, dtype=dtype))
        if bias:
            self.bias = Parameter(zeros(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight and bias from U(-1/√in1_features, 1/√in1_features)."""
        bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class EmbeddingBag(Module):
    """The sum, mean or max of the embeddings of each bag of indices (F.embedding_bag): weight
    (num_embeddings, embedding_dim) starts as N(0, 1), with a zero row at padding_idx.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> bag = nn.EmbeddingBag(10, 3, mode="sum")
    >>> bag(tg.tensor([1, 2, 4, 5, 4]), tg.tensor([0, 2])).shape
    (2, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                 _weight: Tensor | None = None, include_last_offset: bool = False, padding_idx: int | None = None,
                 device=None, dtype=None) -> None:
        super().__init__()
        _check_size(num_embeddings, "EmbeddingBag", "num_embeddings")
        _check_size(embedding_dim, "EmbeddingBag", "embedding_dim")
        check_device(device, "EmbeddingBag")
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"EmbeddingBag: mode has to be one of sum, mean or max, got {mode!r}")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset
        self.padding_idx = embedding_padding_idx(padding_idx, num_embeddings, "EmbeddingBag")
        _embedding_table(self, "EmbeddingBag", _weight, dtype)

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, max_norm: float | None = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                        include_last_offset: bool = False, padding_idx: int | None = None) -> "EmbeddingBag":
        """An EmbeddingBag whose table is a copy of the 2-D `embeddings`, frozen unless freeze=False."""
        table = embeddings.data if isinstance(embeddings, Tensor) else Tensor(embeddings).data
        if table.ndim != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings parameter is expected to be 2-dimensional, "
                             f"got shape {table.shape}")
        bag = cls(table.shape[0], table.shape[1], max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                  Tensor(table.copy()), include_last_offset, padding_idx)
        bag.weight.requires_grad = not freeze
        return bag

    # N(0, 1) entries, and a row of zeros at padding_idx (as PyTorch): as Embedding's
    reset_parameters = Embedding.reset_parameters

    def forward(self, input, offsets=None, per_sample_weights: Tensor | None = None) -> Tensor:
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                               self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s


class ChannelShuffle(Module):
    """Interleave the channels of `groups` groups (F.channel_shuffle; ShuffleNet's channel mixing)."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
