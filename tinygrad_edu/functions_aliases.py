"""PyTorch's top-level aliases of functions this package already has, each as `torch.<name>` behaves:

    conv1d, max_pool2d, layer_norm, ...   `torch.X` for `F.X` (torch's argument order; losses take
                                          `reduction` as an int: 0 none, 1 mean, 2 sum)
    dropout_, relu_, exp_, ...            `torch.X_(t, ...)` is `t.X_(...)`: in place, returns t
    view_copy, t_copy, ...                the view op followed by a clone (differentiable)
    unsafe_split, unsafe_chunk, ...       the same as split, chunk, ...
    igamma, igammac                       tg.special.gammainc, gammaincc
    fill, rsub, detach, scalar_tensor, binomial, frobenius_norm, nuclear_norm, adjoint
    real, conj, resolve_conj, resolve_neg the input itself (this package has only real tensors)

Nothing here has a formula of its own: every name calls an existing function, so gradients come
from there. `tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import dtype as _dtype
from . import memory_formats as _formats
from . import special
from .conversion import _is_dtype
from .functions import _tensor
from .nn import functional as F
from .nn.functional.channel_dropout import _masked
from .out_argument import written_to
from .random import rng_of
from .tensor import Tensor
from .tensor_math import batch_transpose

__all__: list[str] = []

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _export(function):
    __all__.append(function.__name__)
    return function


def _reduction(reduction, op: str) -> str:
    """torch's top-level losses take the reduction as an int enum: 0 none, 1 mean, 2 sum. (Their
    schema says the default is 1, but torch 2.13's Python functions give 0, no reduction, when it
    is left out: `torch.kl_div(a, b).shape == a.shape`. The defaults here do the same.)"""
    if isinstance(reduction, bool) or not isinstance(reduction, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'reduction' must be int (0 none, 1 mean, 2 sum), not "
                        f"{type(reduction).__name__} (F.{op} takes the names)")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 0 (none), 1 (mean) or 2 (sum), got {reduction!r}")
    return _REDUCTIONS[reduction]


def _stride(stride):
    """aten's pooling default `stride=[]` means "the kernel size" (F's stride=None)."""
    return None if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else stride


# ---- convolution and pooling: F's own argument order ------------------------------------------
@_export
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """`F.conv1d`."""
    return F.conv1d(input, weight, bias, stride, padding, dilation, groups)


@_export
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """`F.conv2d`."""
    return F.conv2d(input, weight, bias, stride, padding, dilation, groups)


@_export
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """`F.conv3d`."""
    return F.conv3d(input, weight, bias, stride, padding, dilation, groups)


@_export
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:
    """`F.conv_transpose1d`."""
    return F.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups, dilation)


@_export
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:
    """`F.conv_transpose2d`."""
    return F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)


@_export
def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1) -> Tensor:
    """`F.conv_transpose3d`."""
    return F.conv_transpose3d(input, weight, bias, stride, padding, output_padding, groups, dilation)


@_export
def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True) -> Tensor:
    """`F.avg_pool1d` (an empty stride means the kernel size)."""
    return F.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad)


@_export
def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False) -> Tensor:
    """`F.max_pool1d` without `return_indices` (see `max_pool1d_with_indices`)."""
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


@_export
def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False) -> Tensor:
    """`F.max_pool2d` without `return_indices`."""
    return F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


@_export
def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False) -> Tensor:
    """`F.max_pool3d` without `return_indices`."""
    return F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


@_export
def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False) -> tuple:
    """`F.max_pool1d_with_indices`: (values, indices)."""
    return F.max_pool1d_with_indices(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


@_export
def adaptive_avg_pool1d(input, output_size) -> Tensor:
    """`F.adaptive_avg_pool1d`."""
    return F.adaptive_avg_pool1d(input, output_size)


@_export
def adaptive_max_pool1d(input, output_size) -> tuple:
    """`F.adaptive_max_pool1d(..., return_indices=True)`: torch's top-level one returns (values, indices)."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


# ---- normalisation: torch's top level puts weight and bias first and has no defaults --------
@_export
def batch_norm(input, weight, bias, running_mean, running_var, training: bool, momentum: float, eps: float,
               cudnn_enabled: bool) -> Tensor:
    """`F.batch_norm` with torch's top-level order (weight and bias first; `cudnn_enabled` is ignored);
    as torch.batch_norm, one value per channel is allowed while training (F.batch_norm refuses it)."""
    from .nn.functional.normalization import batch_norm_unchecked
    return batch_norm_unchecked(input, running_mean, running_var, weight, bias, training, momentum, eps)


@_export
def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats: bool, momentum: float,
                  eps: float, cudnn_enabled: bool) -> Tensor:
    """`F.instance_norm` with torch's top-level order (`cudnn_enabled` is ignored); as torch.instance_norm,
    one position per channel is allowed (F.instance_norm refuses it)."""
    from .nn.functional.group_normalization import instance_norm_unchecked
    return instance_norm_unchecked(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


@_export
def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-05,
               cudnn_enable: bool = True) -> Tensor:
    """`F.layer_norm` (`cudnn_enable` is ignored)."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


@_export
def group_norm(input, num_groups: int, weight=None, bias=None, eps: float = 1e-05,
               cudnn_enabled: bool = True) -> Tensor:
    """`F.group_norm` (`cudnn_enabled` is ignored); as torch.group_norm, a group of one value is
    allowed (F.group_norm refuses it)."""
    from .nn.functional.group_normalization import group_norm_unchecked
    return group_norm_unchecked(input, num_groups, weight, bias, eps)


@_export
def rms_norm(input, normalized_shape, weight=None, eps: float | None = None) -> Tensor:
    """`F.rms_norm`."""
    return F.rms_norm(input, normalized_shape, weight, eps)


@_export
def embedding(weight, indices, padding_idx: int = -1, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """`F.embedding(indices, weight, ...)`: note the order, weight first. `padding_idx=-1` means
    none (the last row is not special here, unlike F's padding_idx=-1)."""
    return F.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


# ---- dropout: `train` is positional and has no default ---------------------------------------
@_export
def dropout(input, p: float, train: bool) -> Tensor:
    """`F.dropout(input, p, training=train)`."""
    return F.dropout(input, p, train)


@_export
def alpha_dropout(input, p: float, train: bool) -> Tensor:
    """`F.alpha_dropout(input, p, training=train)`."""
    return F.alpha_dropout(input, p, train)


@_export
def feature_alpha_dropout(input, p: float, train: bool) -> Tensor:
    """`F.feature_alpha_dropout(input, p, training=train)`."""
    return F.feature_alpha_dropout(input, p, train)


def _feature_dropout(input, p: float, train: bool, inplace: bool, op: str) -> Tensor:
    """Dropout with one draw per (sample, channel): the mask has shape (N, C, 1, ..., 1)."""
    input = _tensor(input)
    if input.ndim < 2 and train and p != 0 and input.numel():  # (not training: the identity, whatever the rank)
        raise RuntimeError(f"{op}: the input of shape {tuple(input.shape)} has no channel axis "
                           f"(needs at least 2 dims)")
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _masked(input, p, train, inplace, shape, False, op)


@_export
def feature_dropout(input, p: float, train: bool) -> Tensor:
    """Channel dropout of any rank ≥ 2 (dropout2d's rule for dims 2, 3, ...): whole channels
    zeroed with probability p, the rest scaled by 1/(1-p)."""
    return _feature_dropout(input, p, train, False, "feature_dropout")


@_export
def dropout_(input, p: float, train: bool) -> Tensor:
    """`dropout` in place: returns `input`."""
    return F.dropout(input, p, train, inplace=True)


@_export
def alpha_dropout_(input, p: float, train: bool) -> Tensor:
    """`alpha_dropout` in place."""
    return F.alpha_dropout(input, p, train, inplace=True)


@_export
def feature_alpha_dropout_(input, p: float, train: bool) -> Tensor:
    """`feature_alpha_dropout` in place."""
    return F.feature_alpha_dropout(input, p, train, inplace=True)


@_export
def feature_dropout_(input, p: float, train: bool) -> Tensor:
    """`feature_dropout` in place."""
    return _feature_dropout(input, p, train, True, "feature_dropout_")


# ---- similarity and losses: reduction is an int ------------------------------------------------
@_export
def bilinear(input1, input2, weight, bias=None) -> Tensor:
    """`F.bilinear`."""
    return F.bilinear(input1, input2, weight, bias)


@_export
def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-08) -> Tensor:
    """`F.cosine_similarity`."""
    return F.cosine_similarity(x1, x2, dim, eps)


@_export
def pdist(input, p: float = 2.0) -> Tensor:
    """`F.pdist`."""
    return F.pdist(input, p)


@_export
def kl_div(input, target, reduction: int = 0, *, log_target: bool = False) -> Tensor:
    """`F.kl_div` with reduction 0/1/2 (none/mean/sum; none when left out, as torch does). Mean
    here is the plain mean over all elements (F's 'mean', not 'batchmean')."""
    with warnings.catch_warnings():  # (F's warning about 'mean' vs 'batchmean': torch.kl_div does not warn)
        warnings.simplefilter("ignore", UserWarning)
        return F.kl_div(input, target, reduction=_reduction(reduction, "kl_div"), log_target=log_target)


@_export
def margin_ranking_loss(input1, input2, target, margin: float = 0.0, reduction: int = 0) -> Tensor:
    """`F.margin_ranking_loss` with an int reduction."""
    return F.margin_ranking_loss(input1, input2, target, margin,
                                 reduction=_reduction(reduction, "margin_ranking_loss"))


@_export
def hinge_embedding_loss(input, target, margin: float = 1.0, reduction: int = 0) -> Tensor:
    """`F.hinge_embedding_loss` with an int reduction."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction, "hinge_embedding_loss"))


@_export
def cosine_embedding_loss(input1, input2, target, margin: float = 0.0, reduction: int = 0) -> Tensor:
    """`F.cosine_embedding_loss` with an int reduction."""
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction(reduction, "cosine_embedding_loss"))


@_export
def triplet_margin_loss(anchor, positive, negative, margin: float = 1.0, p: float = 2.0, eps: float = 1e-06,
                        swap: bool = False, reduction: int = 0) -> Tensor:
    """`F.triplet_margin_loss` with an int reduction."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction(reduction, "triplet_margin_loss"))


@_export
def poisson_nll_loss(input, target, log_input: bool, full: bool, eps: float, reduction: int) -> Tensor:
    """`F.poisson_nll_loss`; every argument is required at torch's top level."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction(reduction, "poisson_nll_loss"))


@_export
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction: int = 0) -> Tensor:
    """`F.binary_cross_entropy_with_logits` with an int reduction (pos_weight before reduction)."""
    return F.binary_cross_entropy_with_logits(input, target, weight, pos_weight=pos_weight,
                                              reduction=_reduction(reduction, "binary_cross_entropy_with_logits"))


@_export
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank: int = 0, reduction: int = 0,
             zero_infinity: bool = False) -> Tensor:
    """`F.ctc_loss` with an int reduction."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                      reduction=_reduction(reduction, "ctc_loss"), zero_infinity=zero_infinity)


# ---- activations ----------------------------------------------------------------------------------
@_export
def celu(input, alpha: float = 1.0) -> Tensor:
    """`F.celu`."""
    return F.celu(input, alpha)


@_export
def selu(input) -> Tensor:
    """`F.selu`."""
    return F.selu(input)


@_export
def prelu(input, weight) -> Tensor:
    """`F.prelu`."""
    return F.prelu(input, weight)


@_export
def rrelu(input, lower: float = 0.125, upper: float = 1.0 / 3.0, training: bool = False, generator=None) -> Tensor:
    """`F.rrelu` (the slopes come from the global generator; `generator=` must be None)."""
    _no_generator(generator, "rrelu")
    return F.rrelu(input, lower, upper, training)


@_export
def threshold(input, threshold: float, value: float) -> Tensor:
    """`F.threshold`."""
    return F.threshold(input, threshold, value)


@_export
def hardshrink(input, lambd: float = 0.5) -> Tensor:
    """`F.hardshrink`."""
    return F.hardshrink(input, lambd)


@_export
def constant_pad_nd(input, pad, value=0) -> Tensor:
    """`F.pad(input, pad, value=value)`."""
    return F.pad(input, pad, value=value)


@_export
def celu_(input, alpha: float = 1.0) -> Tensor:
    """`celu` in place."""
    return F.celu(input, alpha, inplace=True)


@_export
def selu_(input) -> Tensor:
    """`selu` in place."""
    return F.selu(input, inplace=True)


@_export
def rrelu_(input, lower: float = 0.125, upper: float = 1.0 / 3.0, training: bool = False, generator=None) -> Tensor:
    """`rrelu` in place."""
    _no_generator(generator, "rrelu_")
    return F.rrelu_(input, lower, upper, training)


@_export
def threshold_(input, threshold: float, value: float) -> Tensor:
    """`threshold` in place."""
    return F.threshold_(input, threshold, value)


@_export
def relu_(input) -> Tensor:
    """`relu` in place: `input.relu_()`."""
    return input.relu_()


def _no_generator(generator, op: str) -> None:
    if generator is not None:
        raise NotImplementedError(f"{op}: generator= is not supported here; seed with tg.manual_seed")


# ---- in-place elementwise: torch.X_(t, *args) is t.X_(*args) -------------------------------------
_INPLACE = ("abs_ acos_ acosh_ asin_ asinh_ atan_ atanh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ "
            "ceil_ clip_ cos_ cosh_ deg2rad_ rad2deg_ erf_ erfc_ exp_ exp2_ expm1_ fix_ floor_ frac_ gcd_ lcm_ "
            "i0_ ldexp_ log_ log10_ log1p_ log2_ logit_ nan_to_num_ neg_ negative_ reciprocal_ round_ rsqrt_ "
            "sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_ zero_ fill_").split()


def _inplace(name: str):
    def function(input: Tensor, *args, **kwargs) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"`input.{name}(...)`: changes `input` in place and returns it."
    return function


for _name in _INPLACE:
    globals()[_name] = _inplace(_name)
    __all__.append(_name)


# ---- small ones --------------------------------------------------------------------------------
@_export
def fill(input, value) -> Tensor:
    """A new tensor of input's shape and dtype, every element `value` (a number or a 0-d tensor;
    differentiable in value). `input.clone().fill_(value)`."""
    return _tensor(input).clone().fill_(value)


@_export
def detach(input) -> Tensor:
    """`input.detach()`: the same values, cut from the graph."""
    return _tensor(input).detach()


@_export
def detach_(input) -> Tensor:
    """`input.detach_()`: cuts input itself from the graph; returns it."""
    return input.detach_()


@_export
def rsub(input, other, alpha=1) -> Tensor:
    """other - alpha · input (`sub` with the sides swapped); `other` may be a number."""
    if not isinstance(input, Tensor):
        raise TypeError(f"rsub(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if isinstance(other, Tensor):
        return other.sub(input, alpha=alpha)
    return (input if alpha == 1 else input.mul(alpha)).__rsub__(other)


@_export
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None) -> Tensor:
    """A 0-d tensor holding s, in the default float dtype unless `dtype` says otherwise
    (`torch.scalar_tensor(3)` is `tensor(3.)`)."""
    from .creation import tensor

    return tensor(s, dtype=_dtype.get_default_dtype() if dtype is None else dtype, device=device)


@_export
def binomial(count, prob, generator=None) -> Tensor:
    """One draw of Binomial(count, prob) per element (count and prob broadcast), in prob's
    float dtype. Random, so no gradient."""
    for name, value in (("count", count), ("prob", prob)):
        if not isinstance(value, Tensor):
            raise TypeError(f"binomial(): argument '{name}' must be Tensor, not {type(value).__name__}")
    if count.data.dtype.kind != "f" or prob.data.dtype.kind != "f":
        raise NotImplementedError(f"binomial: count and prob must be floating point, got {count.dtype} and "
                                  f"{prob.dtype}")
    n, q = np.broadcast_arrays(count.data, prob.data)
    draws = rng_of(generator, "binomial").binomial(n.astype(np.int64), q.astype(np.float64))
    return Tensor._make(np.asarray(draws).astype(prob.data.dtype), None, False)


@_export
def igamma(input, other, *, out=None) -> Tensor:
    """The regularized lower incomplete gamma function P(input, other): `tg.special.gammainc`."""
    return special.gammainc(input, other, out=out)


@_export
def igammac(input, other, *, out=None) -> Tensor:
    """The regularized upper incomplete gamma function Q(input, other): `tg.special.gammaincc`."""
    return special.gammaincc(input, other, out=out)


_WARNED: set[str] = set()


def _deprecated(name: str, instead: str) -> None:
    """torch warns once per process that these two are kept only for old code."""
    if name not in _WARNED:
        _WARNED.add(name)
        warnings.warn(f"{name} is deprecated and kept only for compatibility; use {instead} instead", UserWarning,
                      stacklevel=3)


@_export
def frobenius_norm(input, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    """sqrt(Σ x²) over `dim` (all dims when empty): `tg.linalg.vector_norm(input, 2, dim, keepdim)`."""
    from .linalg import vector_norm

    _deprecated("frobenius_norm", "tg.linalg.vector_norm(A, 2, dim, keepdim)")
    return vector_norm(input, 2, None if dim == () else dim, keepdim, out=out)


@_export
def nuclear_norm(input, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    """The sum of the singular values of a matrix (over the two dims in `dim`, or the last two):
    `tg.linalg.matrix_norm(input, 'nuc', dim, keepdim)`. Also `nuclear_norm(input, keepdim)`."""
    from .linalg import matrix_norm

    _deprecated("nuclear_norm", "tg.linalg.matrix_norm(A, 'nuc', dim, keepdim)")
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    if dim is None:  # (as PyTorch: the last two dims, a batch of matrices before them)
        dim = (-2, -1)
    return matrix_norm(input, "nuc", dim, keepdim, out=out)


@_export
def adjoint(input) -> Tensor:
    """The transpose of the last two dims, a view (the conjugate transpose, for a real tensor)."""
    return batch_transpose(_tensor(input), "adjoint")


# ---- real tensors only: these return the input itself ---------------------------------------------
def _itself(name: str):
    def function(input: Tensor) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return input

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"The input itself: for a real tensor (the only kind here) {name} changes nothing, "
                        f"and torch returns the same object.")
    return function


for _name in ("real", "conj", "resolve_conj", "resolve_neg"):
    globals()[_name] = _itself(_name)
    __all__.append(_name)


@_export
def is_conj(input) -> bool:
    """False: a real tensor (the only kind here) never carries a pending conjugation."""
    return _tensor(input).is_conj()


@_export
def is_neg(input) -> bool:
    """False: a real tensor never carries a pending negation."""
    return _tensor(input).is_neg()


@_export
def conj_physical(input, *, out=None):
    """The conjugate of a real tensor: the tensor itself (as PyTorch returns it); with `out=`,
    its values copied into out."""
    return written_to(out, "conj_physical", _tensor(input).conj_physical())


@_export
def conj_physical_(input):
    """The input, unchanged (conjugating real values in place changes nothing)."""
    return _tensor(input).conj_physical_()


# ---- split and chunk: the "unsafe" ones are the same ----------------------------------------------
@_export
def unsafe_split(input, split_size, dim: int = 0) -> tuple:
    """`tg.split` with an int `split_size` (torch's version skips a check that only matters for
    its in-place views)."""
    return _tensor(input).unsafe_split(split_size, dim)


@_export
def unsafe_split_with_sizes(input, split_sizes, dim: int = 0) -> tuple:
    """`tg.split_with_sizes`."""
    from .functions_shaping import split_with_sizes

    return split_with_sizes(input, split_sizes, dim)


@_export
def unsafe_chunk(input, chunks: int, dim: int = 0) -> tuple:
    """`tg.chunk`."""
    return _tensor(input).chunk(chunks, dim)


# ---- *_copy: the view, then a contiguous clone (as PyTorch's: permute_copy(...).stride() is row-major) --
def _copied(name: str, view):
    def function(input, *args, out=None, **kwargs):
        result = view(_tensor(input), *args, **kwargs)
        row_major = _formats.contiguous_format
        result = (tuple(r.clone(memory_format=row_major) for r in result) if isinstance(result, (tuple, list))
                  else result.clone(memory_format=row_major))
        return written_to(out, name, result)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"A new tensor (not a view) with the values of `{view.__doc__}`."
    return function


def _doc(text: str):
    def decorate(function):
        function.__doc__ = text
        return function
    return decorate


def _slice_dim(t: Tensor, dim: int) -> int:
    """dim as 0 .. ndim - 1 (slice_copy's; out of range is an IndexError, as in PyTorch)."""
    if not -t.ndim <= dim < t.ndim:
        raise IndexError(f"slice_copy: dim {dim} is out of range for a tensor of {t.ndim} dims "
                         f"(expected to be in range of [{-t.ndim}, {t.ndim - 1}])")
    return dim % t.ndim


_COPIES = {
    # (PyTorch's view_copy copies any layout: a transposed input need not be viewable)
    "view_copy": _doc("input.view(size)")(lambda t, size: t.view(size) if _is_dtype(size) else t.reshape(size)),
    "expand_copy": _doc("input.expand(size)")(lambda t, size, *, implicit=False: t.expand(size)),
    "permute_copy": _doc("input.permute(dims)")(lambda t, dims: t.permute(dims)),
    "squeeze_copy": _doc("input.squeeze(dim)")(lambda t, dim=None: t.squeeze() if dim is None else t.squeeze(dim)),
    "unsqueeze_copy": _doc("input.unsqueeze(dim)")(lambda t, dim: t.unsqueeze(dim)),
    "t_copy": _doc("input.t()")(lambda t: t.t()),
    "transpose_copy": _doc("input.transpose(dim0, dim1)")(lambda t, dim0, dim1: t.transpose(dim0, dim1)),
    "diagonal_copy": _doc("input.diagonal(offset, dim1, dim2)")(
        lambda t, offset=0, dim1=0, dim2=1: t.diagonal(offset, dim1, dim2)),
    "select_copy": _doc("input.select(dim, index)")(lambda t, dim, index: t.select(dim, index)),
    "slice_copy": _doc("input[start:end:step] along dim")(
        lambda t, dim=0, start=None, end=None, step=1: t[(slice(None),) * _slice_dim(t, dim) +
                                                         (slice(start, end, step),)]),
    "split_copy": _doc("input.split(split_size, dim)")(lambda t, split_size, dim=0: t.split(split_size, dim)),
    "split_with_sizes_copy": _doc("input.split(split_sizes, dim)")(
        lambda t, split_sizes, dim=0: t.split(list(split_sizes), dim)),
    "unbind_copy": _doc("input.unbind(dim)")(lambda t, dim=0: t.unbind(dim)),
    "unfold_copy": _doc("input.unfold(dimension, size, step)")(
        lambda t, dimension, size, step: t.unfold(dimension, size, step)),
    "alias_copy": _doc("input")(lambda t: t),
    "detach_copy": _doc("input.detach()")(lambda t: t.detach()),
    "as_strided_copy": _doc("input.as_strided(size, stride, storage_offset)")(
        lambda t, size, stride, storage_offset=None: t.as_strided(size, stride, storage_offset)),
}
for _name, _view in _COPIES.items():
    globals()[_name] = _copied(_name, _view)
    __all__.append(_name)
del _name, _view


# ---- window functions (signal processing): w[n] for n = 0 .. N-1 -----------------------------------
def _window(name: str, window_length: int, periodic: bool, values, dtype, device, requires_grad: bool) -> Tensor:
    """The window of `window_length` points. periodic=True computes window_length + 1 points and
    drops the last (the window then repeats with period window_length, as spectral analysis
    wants); `values(N)` gives the symmetric window of N ≥ 2 points as float64 numbers."""
    from .creation import tensor

    dtype = _dtype.get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got {dtype}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    if window_length <= 1:
        array = np.ones(window_length)
    else:
        array = values(window_length + 1)[:-1] if periodic else values(window_length)
    return tensor(array.astype(dtype), device=device, requires_grad=requires_grad)


def _cosine_sum(*coefficients):
    """w[n] = Σ_k (-1)^k a_k cos(2πkn/(N-1)): Hamming (a0, a1), Blackman (0.42, 0.5, 0.08)."""
    def values(n: int) -> np.ndarray:
        phase = 2 * np.pi * np.arange(n) / (n - 1)
        return sum((-1) ** k * a * np.cos(k * phase) for k, a in enumerate(coefficients))
    return values


@_export
def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                    pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """The triangular window w[n] = 1 - |2n/(N-1) - 1| (Bartlett, "Periodogram analysis and
    continuous spectra", 1950).

    >>> import tinygrad_edu as tg
    >>> tg.bartlett_window(5, periodic=False)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window("bartlett_window", window_length, periodic,
                   lambda n: 1 - np.abs(2 * np.arange(n) / (n - 1) - 1), dtype, device, requires_grad)


@_export
def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                    pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """w[n] = 0.42 - 0.5 cos(2πn/(N-1)) + 0.08 cos(4πn/(N-1)) (Blackman and Tukey, "The
    measurement of power spectra", 1958)."""
    return _window("blackman_window", window_length, periodic, _cosine_sum(0.42, 0.5, 0.08), dtype, device,
                   requires_grad)


@_export
def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype=None, layout=None, device=None, pin_memory: bool = False,
                   requires_grad: bool = False) -> Tensor:
    """w[n] = alpha - beta cos(2πn/(N-1)) (Hamming's window, alpha = 0.54, beta = 0.46)."""
    return _window("hamming_window", window_length, periodic, _cosine_sum(alpha, beta), dtype, device,
                   requires_grad)


@_export
def hann_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """w[n] = 0.5 - 0.5 cos(2πn/(N-1)) (von Hann's window: Hamming's with alpha = beta = 0.5).

    >>> import tinygrad_edu as tg
    >>> tg.hann_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _window("hann_window", window_length, periodic, _cosine_sum(0.5, 0.5), dtype, device, requires_grad)


@_export
def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype=None, layout=None,
                  device=None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """w[n] = I0(beta · sqrt(1 - (2n/(N-1) - 1)²)) / I0(beta), I0 the modified Bessel function of
    order 0 (Kaiser, "Nonrecursive digital filter design using the I0-sinh window function", 1974)."""
    def values(n: int) -> np.ndarray:
        ratio = 2 * np.arange(n) / (n - 1) - 1
        return np.i0(beta * np.sqrt(np.clip(1 - ratio ** 2, 0, None))) / np.i0(beta)

    return _window("kaiser_window", window_length, periodic, values, dtype, device, requires_grad)
