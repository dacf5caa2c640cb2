"""Registry entries for functions_aliases.py, tensor_aliases.py and nn/functional/inplace.py: each
name calls an existing op, so these check that the alias reaches it with its gradient (and that
in-place ones keep the graph right): `x * 1` first, so the in-place op changes a non-leaf."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import Spec, distinct, not_differentiable, positive, register, unit

ELEMENTWISE = ([(3, 4)], [(5,)], [()])
POSITIVE = ([positive(3, 4)], [positive(5)], [positive()])
UNIT = ([unit(3, 4)], [unit(5)], [unit()])
BINARY = ([(3, 4), (4,)], [(2, 1), (1, 3)], [(), (5,)])
# igamma(a, x): differentiable in x only (as in torch), so a is a positive constant
A_X = ([Spec((3,), "positive", False), positive(3)], [Spec((2, 1), "positive", False), positive(3)],
       [Spec((), "positive", False), positive(2)])
A_X_INPLACE = ([Spec((3,), "positive", False), positive(3)], [Spec((2, 3), "positive", False), positive(3)],
               [Spec((), "positive", False), positive()])

# ---- in-place elementwise: tg.X_(t) is t.X_() --------------------------------------------------
for _name in ("abs_ atan_ arctan_ asinh_ arcsinh_ ceil_ cos_ cosh_ deg2rad_ rad2deg_ erf_ erfc_ exp_ exp2_ expm1_ "
              "fix_ floor_ frac_ i0_ nan_to_num_ neg_ negative_ round_ sigmoid_ sin_ sinc_ sinh_ square_ tan_ tanh_ "
              "trunc_ zero_").split():
    register(f"tg.{_name}", lambda x, n=_name: getattr(tg, n)(x * 1), *ELEMENTWISE)
for _name in "log_ log10_ log1p_ log2_ sqrt_ rsqrt_ reciprocal_".split():
    register(f"tg.{_name}", lambda x, n=_name: getattr(tg, n)(x * 1), *POSITIVE)
for _name in "acos_ asin_ atanh_ arccos_ arcsin_ arctanh_".split():
    register(f"tg.{_name}", lambda x, n=_name: getattr(tg, n)(x * 1), *UNIT)
for _name in ("acosh_", "arccosh_"):
    register(f"tg.{_name}", lambda x, n=_name: getattr(tg, n)(x + 1), *POSITIVE)
register("tg.logit_", lambda x: tg.logit_(x.sigmoid() * 1), *ELEMENTWISE)
register("tg.clip_", lambda x: tg.clip_(x * 1, -0.5, 0.7), [distinct(3, 4)], [distinct(5)], [distinct()])
register("tg.fill_", lambda x, v: tg.fill_(x * 1, v.sum()) * x, [(3, 4), ()], [(5,), ()], [(), ()])
register("tg.xlogy_", lambda x, y: tg.xlogy_(x * 1, y), [(3, 4), positive(4)], [(3, 1), positive(1)],
         [(), positive()])
register("tg.ldexp_", lambda x: tg.ldexp_(x * 1, tg.tensor([2, -1, 0])), [(2, 3)], [(3,)], [(1, 3)])
not_differentiable("integer results", "tg.gcd_", "tg.lcm_")

# ---- F's functions at top level ------------------------------------------------------------------
register("tg.conv1d", lambda x, w, b: tg.conv1d(x, w, b, 1, 1), [(1, 2, 5), (3, 2, 3), (3,)],
         [(2, 1, 4), (2, 1, 2), (2,)], [(1, 1, 1), (1, 1, 1), (1,)])
register("tg.conv2d", lambda x, w: tg.conv2d(x, w, None, 2), [(1, 2, 4, 4), (3, 2, 2, 2)],
         [(2, 1, 3, 3), (1, 1, 2, 1)], [(1, 1, 2, 2), (1, 1, 1, 1)])
register("tg.conv3d", lambda x, w: tg.conv3d(x, w, padding=1), [(1, 1, 2, 2, 2), (2, 1, 2, 2, 2)],
         [(1, 2, 1, 2, 1), (1, 2, 1, 1, 1)], [(1, 1, 1, 1, 1), (1, 1, 1, 1, 1)])
register("tg.conv_transpose1d", lambda x, w: tg.conv_transpose1d(x, w, None, 2), [(1, 2, 3), (2, 3, 2)],
         [(2, 1, 2), (1, 2, 3)], [(1, 1, 1), (1, 1, 1)])
register("tg.conv_transpose2d", lambda x, w: tg.conv_transpose2d(x, w), [(1, 2, 2, 2), (2, 1, 2, 2)],
         [(2, 1, 2, 1), (1, 2, 1, 2)], [(1, 1, 1, 1), (1, 1, 1, 1)])
register("tg.conv_transpose3d", lambda x, w: tg.conv_transpose3d(x, w), [(1, 1, 2, 2, 2), (1, 2, 1, 1, 2)],
         [(1, 2, 1, 1, 1), (2, 1, 1, 2, 1)], [(1, 1, 1, 1, 1), (1, 1, 1, 1, 1)])
register("tg.avg_pool1d", lambda x: tg.avg_pool1d(x, 2), [(1, 2, 4)], [(2, 1, 5)], [(1, 1, 2)])
register("tg.max_pool1d", lambda x: tg.max_pool1d(x, 2, 1), [distinct(1, 2, 4)], [distinct(2, 1, 5)],
         [distinct(1, 1, 2)])
register("tg.max_pool2d", lambda x: tg.max_pool2d(x, 2), [distinct(1, 2, 4, 4)], [distinct(2, 1, 2, 3)],
         [distinct(1, 1, 2, 2)])
register("tg.max_pool3d", lambda x: tg.max_pool3d(x, 2), [distinct(1, 1, 2, 2, 2)], [distinct(1, 2, 2, 3, 2)],
         [distinct(2, 1, 2, 2, 4)])
register("tg.max_pool1d_with_indices", lambda x: tg.max_pool1d_with_indices(x, 2)[0], [distinct(1, 2, 4)],
         [distinct(2, 1, 5)], [distinct(1, 1, 2)])
register("tg.adaptive_avg_pool1d", lambda x: tg.adaptive_avg_pool1d(x, 3), [(1, 2, 5)], [(2, 1, 3)], [(1, 1, 1)])
register("tg.adaptive_max_pool1d", lambda x: tg.adaptive_max_pool1d(x, 2)[0], [distinct(1, 2, 5)],
         [distinct(2, 1, 3)], [distinct(1, 1, 2)])
register("tg.batch_norm", lambda x, w, b: tg.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
         [(4, 3), (3,), (3,)], [(2, 2, 3), (2,), (2,)], [(3, 1), (1,), (1,)])
register("tg.instance_norm", lambda x: tg.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
         [(2, 3, 4)], [(1, 2, 3)], [(2, 1, 5)])
register("tg.layer_norm", lambda x, w: tg.layer_norm(x, w.shape, w), [(3, 4), (4,)], [(2, 3, 2), (3, 2)],
         [(2, 3), (3,)])
register("tg.group_norm", lambda x: tg.group_norm(x, 2), [(2, 4, 3)], [(1, 2, 2)], [(3, 4)])
register("tg.rms_norm", lambda x: tg.rms_norm(x, [x.shape[-1]]), [(3, 4)], [(2, 3, 2)], [(5,)])
register("tg.embedding", lambda w: tg.embedding(w, tg.tensor([[0, 2], [2, 1]])) ** 2, [(3, 2)], [(4, 1)], [(5, 3)])
for _name in ("dropout", "alpha_dropout", "feature_alpha_dropout", "feature_dropout"):  # (train=False: identity)
    register(f"tg.{_name}", lambda x, n=_name: getattr(tg, n)(x, 0.5, False) * x, [(2, 3)], [(2, 3, 4)], [(1, 1)])
    register(f"tg.{_name}_", lambda x, n=_name: getattr(tg, n + "_")(x * 1, 0.5, False) * x, [(2, 3)],
             [(2, 3, 4)], [(1, 1)])
register("tg.bilinear", lambda a, b, w: tg.bilinear(a, b, w), [(2, 3), (2, 4), (5, 3, 4)], [(1, 2), (1, 1), (2, 2, 1)],
         [(3, 1), (3, 2), (1, 1, 2)])
register("tg.cosine_similarity", lambda a, b: tg.cosine_similarity(a, b), [(2, 3), (2, 3)], [(3, 4), (1, 4)],
         [(2, 2, 3), (2, 2, 1)])
register("tg.pdist", lambda x: tg.pdist(x), [distinct(3, 2)], [distinct(4, 3)], [distinct(2, 1)])
register("tg.kl_div", lambda x, y: tg.kl_div(x, y, 1), [(3, 4), positive(3, 4)], [(5,), positive(5)],
         [(2, 1), positive(2, 1)])
register("tg.margin_ranking_loss", lambda a, b: tg.margin_ranking_loss(a, b, tg.tensor([1.0, -1.0, 1.0]), 0.1, 2),
         [(3,), (3,)], [(3,), (1,)], [(1,), (3,)])
register("tg.hinge_embedding_loss", lambda a: tg.hinge_embedding_loss(a, tg.tensor([1.0, -1.0, 1.0]), 2.0, 1),
         [(3,)], [(2, 3)], [(1,)])
register("tg.cosine_embedding_loss", lambda a, b: tg.cosine_embedding_loss(a, b, tg.tensor([1.0, -1.0])),
         [(2, 3), (2, 3)], [(2, 4), (2, 4)], [(2, 1), (2, 1)])
register("tg.triplet_margin_loss", lambda a, p, n: tg.triplet_margin_loss(a, p, n, 5.0, reduction=1),
         [(2, 3), (2, 3), (2, 3)], [(1, 4), (1, 4), (1, 4)], [(3, 2), (3, 2), (3, 2)])
register("tg.poisson_nll_loss", lambda x, y: tg.poisson_nll_loss(x, y, True, False, 1e-8, 1),
         [(3, 4), positive(3, 4)], [(5,), positive(5)], [(), positive()])
register("tg.binary_cross_entropy_with_logits", lambda x, y: tg.binary_cross_entropy_with_logits(x, y, reduction=2),
         [(3, 4), unit(3, 4)], [(5,), unit(5)], [(), unit()])
register("tg.ctc_loss", lambda x: tg.ctc_loss(x.log_softmax(-1), np.array([[1, 2]] * x.shape[1]),
                                               [x.shape[0]] * x.shape[1], [2] * x.shape[1], 0, 1),
         [(5, 2, 3)], [(4, 1, 3)], [(6, 3, 3)])
register("tg.celu", lambda x: tg.celu(x, 0.5), *ELEMENTWISE)
register("tg.selu", tg.selu, *ELEMENTWISE)
register("tg.prelu", lambda x, w: tg.prelu(x, w), [(2, 3, 4), (3,)], [(2, 3), (1,)], [(1, 2, 2), (2,)])
register("tg.rrelu", lambda x: tg.rrelu(x), *ELEMENTWISE)
register("tg.threshold", lambda x: tg.threshold(x, 0.1, 2.0), [distinct(3, 4)], [distinct(5)], [distinct()])
register("tg.hardshrink", lambda x: tg.hardshrink(x, 0.3), [distinct(3, 4)], [distinct(5)], [distinct()])
register("tg.constant_pad_nd", lambda x: tg.constant_pad_nd(x, [1, 2], 3.0), [(3, 4)], [(2,)], [(1, 1, 1)])
register("tg.celu_", lambda x: tg.celu_(x * 1, 2.0), *ELEMENTWISE)
register("tg.selu_", lambda x: tg.selu_(x * 1), *ELEMENTWISE)
register("tg.rrelu_", lambda x: tg.rrelu_(x * 1), *ELEMENTWISE)
register("tg.threshold_", lambda x: tg.threshold_(x * 1, 0.1, -1.0), [distinct(3, 4)], [distinct(5)], [distinct()])
register("tg.relu_", lambda x: tg.relu_(x * 1), [distinct(3, 4)], [distinct(5)], [distinct()])
register("F.celu_", lambda x: F.celu_(x * 1, 0.7), *ELEMENTWISE)
register("F.elu_", lambda x: F.elu_(x * 1), *ELEMENTWISE)
register("F.leaky_relu_", lambda x: F.leaky_relu_(x * 1, 0.2), [distinct(3, 4)], [distinct(5)], [distinct()])
register("F.relu_", lambda x: F.relu_(x * 1), [distinct(3, 4)], [distinct(5)], [distinct()])
register("F.selu_", lambda x: F.selu_(x * 1), *ELEMENTWISE)

# ---- the others -------------------------------------------------------------------------------------
register("tg.fill", lambda x, v: tg.fill(x, v) * x, [(3, 4), ()], [(5,), ()], [(), ()])
register("tg.rsub", lambda x, y: tg.rsub(x, y, alpha=2) + tg.rsub(x, 3.0), *BINARY)
register("tg.igamma", lambda a, x: tg.igamma(a, x), *A_X, atol=1e-4)
register("tg.igammac", lambda a, x: tg.igammac(a, x), *A_X, atol=1e-4)
register("tg.frobenius_norm", lambda x: tg.frobenius_norm(x, [0, 1]), [(3, 4)], [(2, 3, 2)], [(1, 2)])
register("tg.nuclear_norm", lambda x: tg.nuclear_norm(x), [(3, 4)], [(2, 2)], [(4, 3)])
register("tg.adjoint", lambda x: tg.adjoint(x) * 2, [(3, 4)], [(2, 3, 2)], [(1, 1)])
for _name in ("real", "conj", "resolve_conj", "resolve_neg"):
    register(f"tg.{_name}", lambda x, n=_name: getattr(tg, n)(x) * x, *ELEMENTWISE)
    if _name != "real":
        register(f"Tensor.{_name}", lambda x, n=_name: getattr(x, n)() * x, *ELEMENTWISE)
register("tg.conj_physical", lambda x: tg.conj_physical(x) * x, *ELEMENTWISE)
register("Tensor.conj_physical", lambda x: x.conj_physical() * x, *ELEMENTWISE)
register("tg.conj_physical_", lambda x: tg.conj_physical_(x * 1) * x, *ELEMENTWISE)
register("Tensor.conj_physical_", lambda x: (x * 1).conj_physical_() * x, *ELEMENTWISE)
register("Tensor.pin_memory", lambda x: x.pin_memory() * x, *ELEMENTWISE)


class _Tagged(tg.Tensor):
    """A user's Tensor subclass: as_subclass gives one, and ops record it like any tensor."""


register("Tensor.as_subclass", lambda x: x.as_subclass(_Tagged) * x.as_subclass(_Tagged).exp(), *ELEMENTWISE)
not_differentiable("questions about a real CPU tensor (pending conjugation or negation, page-locked memory), "
                   "or GPU stream bookkeeping: no values", "tg.is_conj", "tg.is_neg", "Tensor.is_conj",
                   "Tensor.is_neg", "Tensor.is_pinned", "Tensor.record_stream")
register("tg.unsafe_chunk", lambda x: tg.unsafe_chunk(x, 2, -1), [(3, 4)], [(5,)], [(2, 3, 3)])
register("tg.unsafe_split", lambda x: tg.unsafe_split(x, 2, -1), [(3, 4)], [(5,)], [(2, 3, 3)])
register("tg.unsafe_split_with_sizes", lambda x: tg.unsafe_split_with_sizes(x, [1, x.shape[0] - 1]),
         [(3, 4)], [(5,)], [(2, 3, 3)])
register("Tensor.unsafe_chunk", lambda x: x.unsafe_chunk(2, -1), [(3, 4)], [(5,)], [(2, 3, 3)])
register("Tensor.unsafe_split", lambda x: x.unsafe_split(2, -1), [(3, 4)], [(5,)], [(2, 3, 3)])
register("Tensor.unsafe_split_with_sizes", lambda x: x.unsafe_split_with_sizes([1, x.shape[0] - 1]),
         [(3, 4)], [(5,)], [(2, 3, 3)])
register("Tensor.hardshrink", lambda x: x.hardshrink(), [distinct(3, 4)], [distinct(5)], [distinct()])
register("Tensor.prelu", lambda x, w: x.prelu(w), [(2, 3, 4), (3,)], [(2, 3), (1,)], [(1, 2, 2), (2,)])
register("Tensor.igamma", lambda a, x: a.igamma(x), *A_X, atol=1e-4)
register("Tensor.igammac", lambda a, x: a.igammac(x), *A_X, atol=1e-4)
register("Tensor.igamma_", lambda a, x: (a * 1).igamma_(x), *A_X_INPLACE, atol=1e-4)
register("Tensor.igammac_", lambda a, x: (a * 1).igammac_(x), *A_X_INPLACE, atol=1e-4)
register("Tensor.as_strided_", lambda x: (x * 1).as_strided_([2, 2], [1, 2], 1), [(3, 4)], [(5,)], [(2, 3)])

# ---- *_copy: the view op, then clone ---------------------------------------------------------------
_COPIES = {
    "view_copy": lambda x: tg.view_copy(x, [-1]),
    "expand_copy": lambda x: tg.expand_copy(x, [2, *x.shape]),
    "permute_copy": lambda x: tg.permute_copy(x, list(range(x.ndim))[::-1]),
    "squeeze_copy": lambda x: tg.squeeze_copy(x),
    "unsqueeze_copy": lambda x: tg.unsqueeze_copy(x, 0),
    "t_copy": lambda x: tg.t_copy(x),
    "transpose_copy": lambda x: tg.transpose_copy(x, 0, -1),
    "diagonal_copy": lambda x: tg.diagonal_copy(x),
    "select_copy": lambda x: tg.select_copy(x, 0, -1),
    "slice_copy": lambda x: tg.slice_copy(x, 0, 1, None, 2),
    "split_copy": lambda x: tg.split_copy(x, 1),
    "split_with_sizes_copy": lambda x: tg.split_with_sizes_copy(x, [1, x.shape[0] - 1]),
    "unbind_copy": lambda x: tg.unbind_copy(x, -1),
    "unfold_copy": lambda x: tg.unfold_copy(x, 0, 2, 1),
    "alias_copy": lambda x: tg.alias_copy(x),
    "as_strided_copy": lambda x: tg.as_strided_copy(x, [2, 2], [1, 2], 1),
}
for _name, _fn in _COPIES.items():
    register(f"tg.{_name}", _fn, [(3, 4)], [(2, 3)], [(4, 3)])

not_differentiable("the result is cut from the graph, as torch's is", "tg.detach", "tg.detach_", "tg.detach_copy")
not_differentiable("a new constant from a number", "tg.scalar_tensor")
not_differentiable("random draws (whole numbers); torch gives no gradient", "tg.binomial")
not_differentiable("an int, not a tensor", "Tensor.dense_dim")
not_differentiable("constant windows from a length", "tg.bartlett_window", "tg.blackman_window", "tg.hamming_window",
                   "tg.hann_window", "tg.kaiser_window")
