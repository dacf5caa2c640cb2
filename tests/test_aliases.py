"""torch's top-level aliases (tg.conv2d, tg.exp_, tg.t_copy, ...; functions_aliases.py), the
in-place F activations (F.relu_, ...) and the Tensor aliases (tensor_aliases.py): values, dtypes,
shapes and object identity against PyTorch when it is installed, and known values without it."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

try:
    import torch
except ImportError:  # the comparisons skip; the checks below them still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 3, 5))           # (N, C, L)
A4 = RNG.standard_normal((2, 3, 4, 4))       # (N, C, H, W)
A5 = RNG.standard_normal((1, 2, 3, 3, 3))    # (N, C, D, H, W)
W1 = RNG.standard_normal((4, 3, 2))
W2 = RNG.standard_normal((4, 3, 2, 2))
W3 = RNG.standard_normal((2, 2, 2, 2, 2))
M = RNG.standard_normal((3, 4))
P = RNG.uniform(0.2, 0.8, (3, 4))
Y = np.sign(RNG.standard_normal(3))
U = RNG.uniform(0.1, 0.9, (3, 4))
IDX = np.array([[0, 2], [1, 3]])
B = RNG.standard_normal((2, 4, 4))         # a bilinear weight


def _tensor(lib, value):
    if isinstance(value, np.ndarray):
        return lib.tensor(value.copy())
    return value


# name -> function of (lib, F of lib, T) where T turns arrays into that lib's tensors
CASES = {
    "conv1d": lambda m, f, T: m.conv1d(T(A), T(W1), None, 1, 1),
    "conv2d": lambda m, f, T: m.conv2d(T(A4), T(W2), T(M[0, :4]), 2),
    "conv3d": lambda m, f, T: m.conv3d(T(A5), T(W3), padding=1),
    "conv_transpose1d": lambda m, f, T: m.conv_transpose1d(T(A), T(W1[:3]), None, 2),
    "conv_transpose2d": lambda m, f, T: m.conv_transpose2d(T(A4), T(W2[:3]), None, 1, 0, 0, 1, 2),
    "conv_transpose3d": lambda m, f, T: m.conv_transpose3d(T(A5), T(W3)),
    "avg_pool1d": lambda m, f, T: m.avg_pool1d(T(A), 2),
    "max_pool1d": lambda m, f, T: m.max_pool1d(T(A), 2, 1),
    "max_pool2d": lambda m, f, T: m.max_pool2d(T(A4), 2),
    "max_pool3d": lambda m, f, T: m.max_pool3d(T(A5), 2, 1),
    "max_pool1d_with_indices": lambda m, f, T: m.max_pool1d_with_indices(T(A), 3, 2),
    "adaptive_avg_pool1d": lambda m, f, T: m.adaptive_avg_pool1d(T(A), 3),
    "adaptive_max_pool1d": lambda m, f, T: m.adaptive_max_pool1d(T(A), 2),
    "batch_norm": lambda m, f, T: m.batch_norm(T(A), T(M[0, :3]), T(M[1, :3]), None, None, True, 0.1, 1e-5, False),
    "instance_norm": lambda m, f, T: m.instance_norm(T(A), None, None, None, None, True, 0.1, 1e-5, False),
    "layer_norm": lambda m, f, T: m.layer_norm(T(A), [5], T(A[0, 0]), None, 1e-3),
    "group_norm": lambda m, f, T: m.group_norm(T(A4), 3),
    "rms_norm": lambda m, f, T: m.rms_norm(T(A), [3, 5]),
    "embedding": lambda m, f, T: m.embedding(T(M), T(IDX % 3)),
    "embedding(padding_idx)": lambda m, f, T: m.embedding(T(M), T(IDX % 3), 1),
    "dropout(train=False)": lambda m, f, T: m.dropout(T(M), 0.5, False),
    "dropout(p=0)": lambda m, f, T: m.dropout(T(M), 0.0, True),
    "alpha_dropout": lambda m, f, T: m.alpha_dropout(T(M), 0.3, False),
    "feature_alpha_dropout": lambda m, f, T: m.feature_alpha_dropout(T(A), 0.3, False),
    "feature_dropout": lambda m, f, T: m.feature_dropout(T(A), 0.3, False),
    "bilinear": lambda m, f, T: m.bilinear(T(M), T(M), T(B)),
    "cosine_similarity": lambda m, f, T: m.cosine_similarity(T(M), T(P), 0),
    "pdist": lambda m, f, T: m.pdist(T(M), 1.0),
    "kl_div": lambda m, f, T: m.kl_div(T(M), T(P)),
    "kl_div(sum, log_target)": lambda m, f, T: m.kl_div(T(M), T(M), 2, log_target=True),
    "margin_ranking_loss": lambda m, f, T: m.margin_ranking_loss(T(M[0, :3]), T(M[1, :3]), T(Y), 0.5, 0),
    "hinge_embedding_loss": lambda m, f, T: m.hinge_embedding_loss(T(M[0, :3]), T(Y), 1.0, 2),
    "cosine_embedding_loss": lambda m, f, T: m.cosine_embedding_loss(T(M), T(P), T(Y)),
    "triplet_margin_loss": lambda m, f, T: m.triplet_margin_loss(T(M), T(P), T(U), 1.0, 2.0, 1e-6, True, 0),
    "poisson_nll_loss": lambda m, f, T: m.poisson_nll_loss(T(M), T(P), True, False, 1e-8, 1),
    "binary_cross_entropy_with_logits": lambda m, f, T: m.binary_cross_entropy_with_logits(
        T(M), T(U), None, T(P[0]), 2),
    "ctc_loss": lambda m, f, T: m.ctc_loss(
        T(np.log(np.full((6, 2, 4), 0.25))), T(np.array([[1, 2], [3, 3]])), [6, 5], [2, 2], 0, 0),
    "celu": lambda m, f, T: m.celu(T(M), 0.5),
    "selu": lambda m, f, T: m.selu(T(M)),
    "prelu": lambda m, f, T: m.prelu(T(A), T(np.array([0.1, 0.2, 0.3]))),
    "rrelu": lambda m, f, T: m.rrelu(T(M)),
    "threshold": lambda m, f, T: m.threshold(T(M), 0.1, 20.0),
    "hardshrink": lambda m, f, T: m.hardshrink(T(M), 0.3),
    "constant_pad_nd": lambda m, f, T: m.constant_pad_nd(T(M), [1, 2, 0, 1], 3.5),
    # in place: the result is the input, changed
    "dropout_": lambda m, f, T: m.dropout_(T(M), 0.5, False),
    "alpha_dropout_": lambda m, f, T: m.alpha_dropout_(T(M), 0.5, False),
    "feature_alpha_dropout_": lambda m, f, T: m.feature_alpha_dropout_(T(A), 0.5, False),
    "feature_dropout_": lambda m, f, T: m.feature_dropout_(T(A), 0.5, False),
    "celu_": lambda m, f, T: m.celu_(T(M), 2.0),
    "selu_": lambda m, f, T: m.selu_(T(M)),
    "rrelu_": lambda m, f, T: m.rrelu_(T(M)),
    "threshold_": lambda m, f, T: m.threshold_(T(M), 0.0, -1.0),
    "relu_": lambda m, f, T: m.relu_(T(M)),
    "F.celu_": lambda m, f, T: f.celu_(T(M), 0.7),
    "F.elu_": lambda m, f, T: f.elu_(T(M)),
    "F.leaky_relu_": lambda m, f, T: f.leaky_relu_(T(M), 0.2),
    "F.relu_": lambda m, f, T: f.relu_(T(M)),
    "F.selu_": lambda m, f, T: f.selu_(T(M)),
    # others
    "fill": lambda m, f, T: m.fill(T(M), 2.5),
    "fill(int)": lambda m, f, T: m.fill(T(IDX), 7.9),
    "detach": lambda m, f, T: m.detach(T(M)),
    "detach_": lambda m, f, T: m.detach_(T(M)),
    "rsub": lambda m, f, T: m.rsub(T(M), T(P), alpha=2),
    "rsub(number)": lambda m, f, T: m.rsub(T(M), 3),
    "rsub(int)": lambda m, f, T: m.rsub(T(IDX), 3, 2),
    "scalar_tensor": lambda m, f, T: m.scalar_tensor(3),
    "scalar_tensor(dtype)": lambda m, f, T: m.scalar_tensor(2.7, dtype=m.int32),
    "view_copy": lambda m, f, T: m.view_copy(T(M), [2, 6]),
    "expand_copy": lambda m, f, T: m.expand_copy(T(M[:1]), [3, 4]),
    "permute_copy": lambda m, f, T: m.permute_copy(T(A), [2, 0, 1]),
    "squeeze_copy": lambda m, f, T: m.squeeze_copy(T(M[:1])),
    "squeeze_copy(dim)": lambda m, f, T: m.squeeze_copy(T(M[:1]), 0),
    "unsqueeze_copy": lambda m, f, T: m.unsqueeze_copy(T(M), 1),
    "t_copy": lambda m, f, T: m.t_copy(T(M)),
    "transpose_copy": lambda m, f, T: m.transpose_copy(T(A), 0, 2),
    "diagonal_copy": lambda m, f, T: m.diagonal_copy(T(A), 1, 1, 2),
    "select_copy": lambda m, f, T: m.select_copy(T(A), 1, -1),
    "slice_copy": lambda m, f, T: m.slice_copy(T(A), 2, 1, 5, 2),
    "slice_copy(default)": lambda m, f, T: m.slice_copy(T(A)),
    "split_copy": lambda m, f, T: m.split_copy(T(A), 2, 2),
    "split_with_sizes_copy": lambda m, f, T: m.split_with_sizes_copy(T(A), [1, 4], 2),
    "unbind_copy": lambda m, f, T: m.unbind_copy(T(A), 1),
    "unfold_copy": lambda m, f, T: m.unfold_copy(T(A), 2, 2, 1),
    "alias_copy": lambda m, f, T: m.alias_copy(T(M)),
    "detach_copy": lambda m, f, T: m.detach_copy(T(M)),
    "as_strided_copy": lambda m, f, T: m.as_strided_copy(T(M), [2, 2], [1, 2], 1),
    "split_with_sizes": lambda m, f, T: m.split_with_sizes(T(M), [1, 3], 1),
    "unsafe_chunk": lambda m, f, T: m.unsafe_chunk(T(A), 2, 2),
    "unsafe_split": lambda m, f, T: m.unsafe_split(T(A), 2, 2),
    "unsafe_split_with_sizes": lambda m, f, T: m.unsafe_split_with_sizes(T(A), [2, 3], -1),
    "igamma": lambda m, f, T: m.igamma(T(P), T(U)),
    "igammac": lambda m, f, T: m.igammac(T(P), T(U)),
    "frobenius_norm": lambda m, f, T: m.frobenius_norm(T(A), [0, 2], True),
    "nuclear_norm": lambda m, f, T: m.nuclear_norm(T(M)),
    "nuclear_norm(dim)": lambda m, f, T: m.nuclear_norm(T(A), [0, 2]),
    "nuclear_norm(keepdim)": lambda m, f, T: m.nuclear_norm(T(M), True),
    "adjoint": lambda m, f, T: m.adjoint(T(A)),
    "real": lambda m, f, T: m.real(T(M)),
    "conj": lambda m, f, T: m.conj(T(M)),
    "resolve_conj": lambda m, f, T: m.resolve_conj(T(M)),
    "resolve_neg": lambda m, f, T: m.resolve_neg(T(M)),
    # Tensor methods
    "Tensor.hardshrink": lambda m, f, T: T(M).hardshrink(),
    "Tensor.prelu": lambda m, f, T: T(A).prelu(T(np.array([0.25]))),
    "Tensor.igamma": lambda m, f, T: T(P).igamma(T(U[0])),
    "Tensor.igammac": lambda m, f, T: T(P).igammac(T(U)),
    "Tensor.igamma_": lambda m, f, T: T(P).igamma_(T(U)),
    "Tensor.igammac_": lambda m, f, T: T(P).igammac_(T(U)),
    "Tensor.as_strided_": lambda m, f, T: T(M).as_strided_([3, 3], [3, 1], 1),
    "Tensor.unsafe_chunk": lambda m, f, T: T(A).unsafe_chunk(3, 1),
    "Tensor.unsafe_split": lambda m, f, T: T(A).unsafe_split(4, -1),
    "Tensor.unsafe_split_with_sizes": lambda m, f, T: T(A).unsafe_split_with_sizes([1, 2], 1),
}
# torch.X_(t, *args) is t.X_(*args): (name, input array, further arguments)
INPLACE = [(name, U, ()) for name in "abs_ acos_ acosh_ asin_ asinh_ atan_ atanh_ arccos_ arccosh_ arcsin_ "
           "arcsinh_ arctan_ arctanh_ ceil_ cos_ cosh_ deg2rad_ rad2deg_ erf_ erfc_ exp_ exp2_ expm1_ fix_ floor_ "
           "frac_ i0_ log_ log10_ log1p_ log2_ logit_ nan_to_num_ neg_ negative_ reciprocal_ round_ rsqrt_ "
           "sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ zero_".split()]
INPLACE = [(n, 1 + U if n in ("acosh_", "arccosh_") else U, ()) for n, _, _ in INPLACE]
INPLACE += [("clip_", M, (-0.5, 0.5)), ("fill_", M, (1.5,)), ("xlogy_", U, (2.0,)), ("ldexp_", U, (np.array(2),)),
            ("gcd_", IDX, (np.array([4, 6]),)), ("lcm_", IDX, (np.array([4, 6]),))]


def _convert(lib, value):
    if isinstance(value, np.ndarray):
        return lib.tensor(value.copy())
    return value


def _flat(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _assert_same(ours, theirs):
    ours, theirs = _flat(ours), _flat(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert tuple(a.shape) == tuple(b.shape)
        assert a.dtype == np.dtype(str(b.dtype).replace("torch.", ""))
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)


@needs_torch
@pytest.mark.filterwarnings("ignore:.*(frobenius|nuclear)_norm is deprecated")
@pytest.mark.parametrize("name", list(CASES))
def test_against_torch(name):
    made = {}

    def maker(lib):
        def T(array):
            t = lib.tensor(array.copy())
            made.setdefault(lib.__name__, []).append(t)
            return t
        return T

    ours = CASES[name](tg, F, maker(tg))
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # (Python floats: float64 here, as in numpy)
    try:
        theirs = CASES[name](torch, torch.nn.functional, maker(torch))
    finally:
        torch.set_default_dtype(default)
    _assert_same(ours, theirs)
    # where torch returns its first input itself (in-place ops, real, conj, ...), so do we
    if made:
        assert (ours is made["tinygrad_edu"][0]) == (theirs is made["torch"][0])


@needs_torch
@pytest.mark.parametrize("name,array,args", INPLACE, ids=[n for n, _, _ in INPLACE])
def test_inplace_against_torch(name, array, args):
    ours, theirs = tg.tensor(array.copy()), torch.tensor(array.copy())
    out = getattr(tg, name)(ours, *[_convert(tg, a) for a in args])
    ref = getattr(torch, name)(theirs, *[_convert(torch, a) for a in args])
    assert out is ours and ref is theirs
    _assert_same(out, ref)


@needs_torch
def test_dropout_train_is_required():
    # torch.dropout's `train` has no default: leaving it out is a TypeError in both
    with pytest.raises(TypeError):
        torch.dropout(torch.ones(2), 0.5)
    with pytest.raises(TypeError):
        tg.dropout(tg.ones(2), 0.5)


@needs_torch
def test_errors_match_torch():
    with pytest.raises(TypeError):
        torch.unsafe_split(torch.ones(5), [2, 3])
    with pytest.raises(TypeError, match="must be int"):
        tg.unsafe_split(tg.ones(5), [2, 3])
    for fn in (lambda m: m.ones(2).imag,
               lambda m: m.adjoint(m.ones(2)), lambda m: m.feature_dropout(m.ones(2), 0.5, True)):
        with pytest.raises(RuntimeError):
            fn(torch)
        with pytest.raises((RuntimeError, ValueError)):
            fn(tg)


@needs_torch
def test_binomial_against_torch():
    count, prob = tg.tensor([[0.0, 5.0, 10.0]]), tg.tensor([[0.5], [0.0], [1.0]])
    ours = tg.binomial(count.expand(3, 3), prob.expand(3, 3))
    theirs = torch.binomial(torch.tensor([[0.0, 5.0, 10.0]]).expand(3, 3),
                            torch.tensor([[0.5], [0.0], [1.0]]).expand(3, 3))
    assert ours.dtype == tg.float64 and theirs.dtype == torch.float32  # (prob's dtype: Python floats differ)
    np.testing.assert_array_equal(ours.numpy()[1:], theirs.numpy()[1:])  # p = 0 and 1 are certain


# ---- without torch ----------------------------------------------------------------------------
def test_reductions_are_ints():
    x, y = tg.tensor([0.0, -1.0]), tg.tensor([0.5, 0.5])
    none = tg.kl_div(x, y, 0)
    assert none.shape == (2,) and tg.kl_div(x, y).shape == (2,)  # (torch's default: no reduction)
    assert np.isclose(tg.kl_div(x, y, 1).item(), none.data.mean())
    assert np.isclose(tg.kl_div(x, y, 2).item(), none.data.sum())
    with pytest.raises(TypeError, match="reduction"):  # (a name is the wrong type, as in torch)
        tg.kl_div(x, y, "mean")
    with pytest.raises(ValueError, match="reduction"):
        tg.kl_div(x, y, 3)


def test_batch_norm_order_and_embedding_order():
    x = tg.tensor([[1.0, 2.0], [3.0, 6.0]])
    out = tg.batch_norm(x, tg.tensor([2.0, 1.0]), tg.tensor([0.0, 1.0]), None, None, True, 0.1, 0.0, False)
    np.testing.assert_allclose(out.numpy(), [[-2.0, 0.0], [2.0, 2.0]])
    weight = tg.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    np.testing.assert_array_equal(tg.embedding(weight, tg.tensor([2, 0])).numpy(), [[2.0, 2.0], [0.0, 0.0]])


def test_inplace_returns_input_and_changes_it():
    x = tg.tensor([1.0, 4.0])
    assert tg.sqrt_(x) is x
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])
    y = tg.tensor([-1.0, 2.0])
    assert F.relu_(y) is y and y.tolist() == [0.0, 2.0]
    with pytest.raises(TypeError, match="must be Tensor"):
        tg.exp_([1.0])


def test_copies_are_new_memory_and_differentiable():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    c = tg.t_copy(x)
    assert not np.shares_memory(c.data, x.data)
    (c * tg.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 3.0], [2.0, 4.0]])
    parts = tg.split_copy(tg.arange(5), 2)
    assert [p.tolist() for p in parts] == [[0, 1], [2, 3], [4]]


def test_real_tensor_identities():
    x = tg.tensor([1.0, -2.0])
    assert tg.real(x) is x and tg.conj(x) is x and x.real is x and x.conj() is x and x.resolve_neg() is x
    with pytest.raises(RuntimeError, match="non-complex"):
        x.imag
    assert tg.ones(2, 3).dense_dim() == 2
    a = tg.arange(6.0).reshape(2, 3)
    assert tg.adjoint(a).shape == (3, 2) and np.shares_memory(tg.adjoint(a).data, a.data)


@pytest.mark.filterwarnings("ignore:.*deprecated")
def test_known_values():
    assert tg.rsub(tg.tensor([1.0, 2.0]), 10, alpha=3).tolist() == [7.0, 4.0]
    assert tg.scalar_tensor(3).dtype == tg.get_default_dtype() and tg.scalar_tensor(3).shape == ()
    np.testing.assert_allclose(tg.frobenius_norm(tg.tensor([[3.0, 4.0]]), [0, 1]).item(), 5.0)
    np.testing.assert_allclose(tg.nuclear_norm(tg.tensor([[3.0, 0.0], [0.0, -4.0]])).item(), 7.0)
    np.testing.assert_allclose(tg.igamma(tg.tensor([1.0]), tg.tensor([2.0])).item(), 1 - np.exp(-2.0))
    np.testing.assert_allclose(tg.igammac(tg.tensor([1.0]), tg.tensor([2.0])).item(), np.exp(-2.0))
    assert tg.fill(tg.zeros(2), 3.0).tolist() == [3.0, 3.0]
    assert tg.constant_pad_nd(tg.ones(1), [1, 0], 5.0).tolist() == [5.0, 1.0]
    assert tg.binomial(tg.tensor([4.0, 0.0]), tg.tensor([1.0, 0.7])).tolist() == [4.0, 0.0]


# ---- windows ----------------------------------------------------------------------------------
WINDOWS = [("bartlett_window", ()), ("blackman_window", ()), ("hamming_window", ()), ("hamming_window", (0.5, 0.5)),
           ("hann_window", ()),
           ("kaiser_window", ()), ("kaiser_window", (5.0,))]


@needs_torch
@pytest.mark.parametrize("name,extra", WINDOWS)
@pytest.mark.parametrize("length", [0, 1, 2, 5, 8])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows_against_torch(name, extra, length, periodic):
    ours = getattr(tg, name)(length, periodic, *extra, dtype=tg.float64)
    theirs = getattr(torch, name)(length, periodic, *extra, dtype=torch.float64)
    assert ours.shape == tuple(theirs.shape) and ours.dtype == tg.float64
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=1e-12)
    assert getattr(tg, name)(length).dtype == tg.get_default_dtype()
    assert getattr(tg, name)(4, dtype=tg.float32).dtype == tg.float32


@pytest.mark.parametrize("name", ["bartlett_window", "blackman_window", "hamming_window", "hann_window",
                                  "kaiser_window"])
def test_window_errors_and_known_values(name):
    with pytest.raises(RuntimeError, match="floating point"):
        getattr(tg, name)(3, dtype=tg.int64)
    with pytest.raises(RuntimeError, match="non-negative"):
        getattr(tg, name)(-1)
    assert getattr(tg, name)(1).tolist() == [1.0]
    symmetric = getattr(tg, name)(7, False).numpy()
    np.testing.assert_allclose(symmetric, symmetric[::-1], atol=1e-15)  # symmetric, peak 1 in the middle
    np.testing.assert_allclose(symmetric[3], 1.0, atol=1e-15)
    # periodic N is the symmetric window of N + 1 points without its last one
    np.testing.assert_allclose(getattr(tg, name)(6).numpy(), symmetric[:-1], atol=1e-15)
    assert getattr(tg, name)(3, requires_grad=True).requires_grad


def test_deprecated_norms_warn_once():
    from tinygrad_edu import functions_aliases

    functions_aliases._WARNED.clear()
    with pytest.warns(UserWarning, match="frobenius_norm is deprecated"):
        tg.frobenius_norm(tg.ones(2, 2), [0, 1])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.frobenius_norm(tg.ones(2, 2), [0, 1])  # (once per process, as torch)
