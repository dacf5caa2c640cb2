"""nn.functional: values against float64 numpy references (and PyTorch when installed),
numerical stability, and the errors a learner meets."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

try:
    import torch
except ImportError:  # the comparisons with PyTorch are optional
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

REDUCTIONS = ("mean", "sum", "none")
EXTREME_LOGITS = np.array([[1000.0, -1000.0, 0.0, 3.0],
                           [-1000.0, -1000.0, -999.0, -1000.0],
                           [0.5, -0.25, 2.0, 1.0]])
EXTREME_TARGETS = np.array([1, 2, 3])


# ---- float64 numpy references, written the textbook way in extended precision -------------
def ref_log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    x = x.astype(np.longdouble)
    m = x.max(axis=axis, keepdims=True)
    return (x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).astype(np.float64)


def ref_nll(logp: np.ndarray, t: np.ndarray, reduction: str, weight=None, ignore_index=-100):
    """For (N, C) log-probabilities."""
    w = np.ones(logp.shape[1]) if weight is None else np.asarray(weight)
    losses, weights = [], []
    for n, c in enumerate(t):
        if c == ignore_index:
            losses.append(0.0)
            weights.append(0.0)
        else:
            losses.append(-w[c] * logp[n, c])
            weights.append(w[c])
    losses = np.array(losses)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / np.sum(weights)


def ref_bce(p, y, reduction):
    with np.errstate(divide="ignore"):
        loss = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))
    return {"none": loss, "sum": loss.sum(), "mean": loss.mean()}[reduction]


# ---- softmax and log_softmax ---------------------------------------------------------------
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_log_softmax_matches_reference_with_extreme_logits(dim):
    out = F.log_softmax(tg.tensor(EXTREME_LOGITS), dim)
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, ref_log_softmax(EXTREME_LOGITS, dim), rtol=1e-14, atol=1e-12)


def test_softmax_is_stable_and_sums_to_one():
    out = F.softmax(tg.tensor(EXTREME_LOGITS), dim=1)
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(out.data, np.exp(ref_log_softmax(EXTREME_LOGITS, 1)), rtol=1e-13, atol=1e-300)
    assert out.data[0, 0] == 1.0 and out.data[0, 1] == 0.0


def test_softmax_of_a_3d_tensor_along_the_middle_axis(rng):
    x = rng.standard_normal((2, 3, 4))
    out = F.softmax(tg.tensor(x), dim=1)
    np.testing.assert_allclose(out.data, np.exp(x) / np.exp(x).sum(axis=1, keepdims=True), rtol=1e-13)


def test_log_softmax_gradient_with_extreme_logits_is_finite():
    x = tg.tensor(EXTREME_LOGITS, requires_grad=True)
    (F.log_softmax(x, 1)[:, 0]).sum().backward()
    p = np.exp(ref_log_softmax(EXTREME_LOGITS, 1))
    expected = -p.copy()  # d/dx_j of log p_0 = [j == 0] - p_j
    expected[:, 0] += 1
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12, atol=1e-15)


def test_log_softmax_second_derivative():
    # d²/dx² of Σ_i c_i log_softmax(x)_i = -(Σc)(diag(p) - p pᵀ)
    x0 = np.array([0.3, -1.0, 2.0])
    c = np.array([1.0, 2.0, 0.5])
    x = tg.tensor(x0, requires_grad=True)
    (g,) = tg.grad((F.log_softmax(x, 0) * tg.tensor(c)).sum(), x, create_graph=True)
    p = np.exp(ref_log_softmax(x0, 0))
    hessian = -c.sum() * (np.diag(p) - np.outer(p, p))
    rows = [tg.grad(g[i], x, retain_graph=True)[0].data for i in range(3)]
    np.testing.assert_allclose(np.stack(rows), hessian, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_errors(fn):
    with pytest.raises(TypeError, match="dim is required"):
        fn(tg.ones(2, 3), None)
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        fn(tg.ones(2, 3), 2)
    with pytest.raises(TypeError, match="floating point"):
        fn(tg.tensor([[1, 2]]), 1)


# ---- nll_loss and cross_entropy ----------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_and_nll_match_reference_with_extreme_logits(reduction):
    logits = tg.tensor(EXTREME_LOGITS)
    expected = ref_nll(ref_log_softmax(EXTREME_LOGITS, 1), EXTREME_TARGETS, reduction)
    ce = F.cross_entropy(logits, tg.tensor(EXTREME_TARGETS), reduction=reduction)
    nll = F.nll_loss(F.log_softmax(logits, 1), tg.tensor(EXTREME_TARGETS), reduction=reduction)
    assert np.all(np.isfinite(ce.data))
    np.testing.assert_allclose(ce.data, expected, rtol=1e-14)
    np.testing.assert_allclose(nll.data, expected, rtol=1e-14)
    np.testing.assert_array_equal(ce.data, nll.data)  # the same computation, bit for bit
    if reduction == "none":
        assert ce.shape == (3,)
        assert ce.data[0] == 2000.0  # -log_softmax = 1000 - (-1000), exactly


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_cross_entropy_with_ignore_index(reduction, rng):
    x = rng.standard_normal((6, 4)) * 3
    t = np.array([0, 3, 1, 3, 2, 1])
    weight = np.array([0.5, 2.0, 1.0, 3.0])
    expected = ref_nll(ref_log_softmax(x, 1), t, reduction, weight, ignore_index=3)
    got = F.cross_entropy(tg.tensor(x), t, weight=tg.tensor(weight), ignore_index=3, reduction=reduction)
    np.testing.assert_allclose(got.data, expected, rtol=1e-13)


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n(rng):
    x0 = rng.standard_normal((5, 3))
    t = np.array([2, 0, 1, 1, 2])
    x = tg.tensor(x0, requires_grad=True)
    F.cross_entropy(x, t).backward()
    expected = np.exp(ref_log_softmax(x0, 1))
    expected[np.arange(5), t] -= 1
    np.testing.assert_allclose(x.grad.data, expected / 5, rtol=1e-12, atol=1e-15)


def test_nll_loss_with_one_sample_and_with_spatial_axes(rng):
    logp = ref_log_softmax(rng.standard_normal(4), 0)
    assert F.nll_loss(tg.tensor(logp), 2).item() == -logp[2]
    x = rng.standard_normal((2, 3, 4, 5))  # (N, C, H, W) with target (N, H, W)
    t = rng.integers(0, 3, (2, 4, 5))
    flat_x = np.moveaxis(x, 1, -1).reshape(-1, 3)
    for reduction in REDUCTIONS:
        got = F.cross_entropy(tg.tensor(x), t, reduction=reduction)
        expected = ref_nll(ref_log_softmax(flat_x, 1), t.reshape(-1), reduction)
        if reduction == "none":
            expected = expected.reshape(2, 4, 5)
        np.testing.assert_allclose(got.data, expected, rtol=1e-13)


def test_cross_entropy_with_probability_targets(rng):
    x = rng.standard_normal((4, 3))
    q = rng.dirichlet(np.ones(3), size=4)
    expected = -(q * ref_log_softmax(x, 1)).sum(axis=1)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(x), tg.tensor(q), reduction="none").data, expected,
                               rtol=1e-13)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(x), tg.tensor(q)).item(), expected.mean(), rtol=1e-13)
    # one-hot probabilities give the same loss as the class indices
    one_hot = np.eye(3)[[0, 2, 1, 1]]
    assert F.cross_entropy(tg.tensor(x), tg.tensor(one_hot)).item() == pytest.approx(
        F.cross_entropy(tg.tensor(x), [0, 2, 1, 1]).item(), rel=1e-14)


def test_target_out_of_range_names_the_index_and_the_number_of_classes():
    with pytest.raises(IndexError, match=r"target 7 is out of range for 5 classes \(valid: 0 to 4\)"):
        F.nll_loss(tg.zeros(3, 5), tg.tensor([0, 7, 1]))
    with pytest.raises(IndexError, match="^cross_entropy: target -1 is out of range for 3 classes"):
        F.cross_entropy(tg.zeros(2, 3), [-1, 0])
    with pytest.raises(IndexError, match="target 4 is out of range for 4 classes"):
        F.cross_entropy(tg.zeros(4), 4)


def test_loss_argument_errors():
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        F.cross_entropy(tg.zeros(2, 3), [0, 1], reduction="avg")
    with pytest.raises(ValueError, match="'elementwise'"):
        F.mse_loss(tg.zeros(2), tg.zeros(2), reduction="elementwise")
    with pytest.raises(ValueError, match=r"input of shape \(4, 3\) and target of shape \(3,\)"):
        F.nll_loss(tg.zeros(4, 3), [0, 1, 2])
    with pytest.raises(TypeError, match="class indices .* dtype float64"):
        F.nll_loss(tg.zeros(2, 3), tg.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="must have the input's shape"):
        F.cross_entropy(tg.zeros(2, 3), tg.full((2, 2), 0.5))
    with pytest.raises(TypeError, match=r"integer class indices \(int64\), got dtype float64"):
        F.cross_entropy(tg.zeros(2, 3), tg.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(3,\)"):
        F.nll_loss(tg.zeros(2, 3), [0, 1], weight=tg.ones(2))
    with pytest.raises(TypeError, match="floating point"):
        F.cross_entropy(tg.tensor([[1, 2]]), [0])
    with pytest.raises(ValueError, match=r"input of shape \(3, 1\) and target of shape \(3,\) must have the same"):
        F.mse_loss(tg.zeros(3, 1), tg.zeros(3))


# ---- mse and binary cross-entropy ----------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction, rng):
    x, y = rng.standard_normal((2, 3, 4))
    expected = {"none": (x - y) ** 2, "sum": ((x - y) ** 2).sum(), "mean": ((x - y) ** 2).mean()}[reduction]
    np.testing.assert_allclose(F.mse_loss(tg.tensor(x), tg.tensor(y), reduction=reduction).data, expected, rtol=1e-14)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_clamps_the_log_at_minus_100(reduction):
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.3, 1e-50])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.8, 1.0])
    got = F.binary_cross_entropy(tg.tensor(p), tg.tensor(y), reduction=reduction)
    np.testing.assert_allclose(got.data, ref_bce(p, y, reduction), rtol=1e-14)
    if reduction == "none":
        assert got.data[0] == 100.0 and got.data[1] == 100.0 and got.data[5] == 100.0
        assert got.data[2] == 0.0 and got.data[3] == 0.0


def test_binary_cross_entropy_gradient_stays_finite_at_0_and_1():
    p = tg.tensor([0.0, 1.0, 0.25], requires_grad=True)
    y = tg.tensor([1.0, 0.0, 1.0])
    F.binary_cross_entropy(p, y, reduction="sum").backward()
    # (p - y) / max(p(1 - p), ε) with ε = 1e-12 (stored as a float32 by PyTorch: 9.99999996e-13)
    eps = float(np.float32(1e-12))
    np.testing.assert_allclose(p.grad.data, [-1 / eps, 1 / eps, (0.25 - 1) / (0.25 * 0.75)], rtol=1e-12)


def test_binary_cross_entropy_errors():
    with pytest.raises(ValueError, match=r"probability in \[0, 1\], got values from -0.5 to 2"):
        F.binary_cross_entropy(tg.tensor([-0.5, 2.0]), tg.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="same shape"):
        F.binary_cross_entropy(tg.tensor([[0.5, 0.5]]), tg.tensor([0.0, 1.0]))


# ---- linear, dropout, embedding -----------------------------------------------------------
def test_linear_values_and_gradients(rng):
    x0, w0, b0 = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    x, w, b = (tg.tensor(a, requires_grad=True) for a in (x0, w0, b0))
    out = F.linear(x, w, b)
    np.testing.assert_allclose(out.data, x0 @ w0.T + b0, rtol=1e-14)
    assert out.grad_fn.fn.__name__ == "Linear"  # one node on the tape
    assert out.grad_fn.name() == "AddmmBackward0"  # printed with PyTorch's name for it
    g = rng.standard_normal((4, 2))
    out.backward(tg.tensor(g))
    np.testing.assert_allclose(x.grad.data, g @ w0, rtol=1e-13)
    np.testing.assert_allclose(w.grad.data, g.T @ x0, rtol=1e-13)
    np.testing.assert_allclose(b.grad.data, g.sum(axis=0), rtol=1e-13)


def test_linear_on_one_sample_and_on_a_sequence(rng):
    w0 = rng.standard_normal((2, 3))
    v = rng.standard_normal(3)
    assert F.linear(tg.tensor(v), tg.tensor(w0)).shape == (2,)
    np.testing.assert_allclose(F.linear(tg.tensor(v), tg.tensor(w0)).data, w0 @ v, rtol=1e-14)
    seq = rng.standard_normal((5, 4, 3))
    w = tg.tensor(w0, requires_grad=True)
    F.linear(tg.tensor(seq), w).sum().backward()
    np.testing.assert_allclose(w.grad.data, np.ones((2, 1)) * seq.sum(axis=(0, 1)), rtol=1e-13)


def test_linear_errors():
    with pytest.raises(ValueError, match=r"input of shape \(4, 5\) does not fit weight of shape \(2, 3\)"):
        F.linear(tg.zeros(4, 5), tg.zeros(2, 3))
    with pytest.raises(RuntimeError, match=r"should have shape \(2,\)"):  # PyTorch's type
        F.linear(tg.zeros(4, 3), tg.zeros(2, 3), tg.zeros(3))
    with pytest.raises(ValueError, match="weight must be 2-D"):
        F.linear(tg.zeros(4, 3), tg.zeros(2, 2, 3))


def test_dropout_scales_survivors_and_is_seeded():
    x = tg.ones(200, 50)
    tg.manual_seed(3)
    out = F.dropout(x, 0.2)
    kept = out.data != 0
    assert set(np.unique(out.data)) == {0.0, 1.25}  # 1 / (1 - 0.2)
    assert 0.77 < kept.mean() < 0.83  # 10,000 draws: the kept fraction is 0.8 ± 0.004 (1σ)
    tg.manual_seed(3)
    np.testing.assert_array_equal(F.dropout(x, 0.2).data, out.data)


def test_dropout_gradient_uses_the_same_mask():
    x = tg.ones(6, 7, requires_grad=True)
    out = F.dropout(x, 0.5)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)


def test_dropout_edge_cases_and_errors():
    x = tg.randn(3, 4)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert np.all(F.dropout(x, 1.0).data == 0)
    for p in (-0.1, 1.5, "half"):
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(x, p)


def test_embedding_gathers_rows_and_accumulates_repeated_indices():
    w = tg.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    idx = tg.tensor([[0, 2], [2, 2]])
    out = F.embedding(idx, w)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.data[1, 0], [6.0, 7.0, 8.0])
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.data[:, 0], [1.0, 0.0, 3.0, 0.0])


def test_embedding_errors():
    with pytest.raises(IndexError, match="index 4 is out of range for 4 embeddings"):
        F.embedding([1, 4], tg.zeros(4, 2))
    with pytest.raises(TypeError, match="indices must be integers"):
        F.embedding(tg.tensor([0.0]), tg.zeros(4, 2))


# ---- against PyTorch -----------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_losses_match_torch_values_and_gradients(reduction, rng):
    tf = torch.nn.functional
    logits = np.concatenate([EXTREME_LOGITS, rng.standard_normal((3, 4))])
    t = np.array([1, 2, 3, 0, 3, 1])
    weight = np.array([1.0, 0.5, 2.0, 1.5])
    cases = [
        (lambda x: F.cross_entropy(x, t, reduction=reduction),
         lambda x: tf.cross_entropy(x, torch.from_numpy(t), reduction=reduction)),
        (lambda x: F.cross_entropy(x, t, weight=tg.tensor(weight), ignore_index=1, reduction=reduction),
         lambda x: tf.cross_entropy(x, torch.from_numpy(t), weight=torch.from_numpy(weight), ignore_index=1,
                                    reduction=reduction)),
        (lambda x: F.nll_loss(F.log_softmax(x, 1), t, reduction=reduction),
         lambda x: tf.nll_loss(tf.log_softmax(x, 1), torch.from_numpy(t), reduction=reduction)),
        (lambda x: F.log_softmax(x, 0) * F.softmax(x, 1),
         lambda x: tf.log_softmax(x, 0) * tf.softmax(x, 1)),
        (lambda x: F.binary_cross_entropy(x.sigmoid(), (x * 0.5).sigmoid().detach(), reduction=reduction),
         lambda x: tf.binary_cross_entropy(x.sigmoid(), (x * 0.5).sigmoid().detach(), reduction=reduction)),
        (lambda x: F.mse_loss(x, x.detach() ** 2, reduction=reduction),
         lambda x: tf.mse_loss(x, x.detach() ** 2, reduction=reduction)),
    ]
    for ours, theirs in cases:
        x = tg.tensor(logits, requires_grad=True)
        xt = torch.tensor(logits, requires_grad=True)
        out, out_t = ours(x), theirs(xt)
        np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
        g = rng.standard_normal(out.shape)
        out.backward(tg.tensor(g))
        out_t.backward(torch.from_numpy(g))
        np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)


@needs_torch
def test_binary_cross_entropy_at_0_and_1_matches_torch():
    p0, y0 = np.array([0.0, 1.0, 0.0, 0.5]), np.array([1.0, 0.0, 0.0, 0.5])
    p, pt = tg.tensor(p0, requires_grad=True), torch.tensor(p0, requires_grad=True)
    out = F.binary_cross_entropy(p, tg.tensor(y0), reduction="sum")
    out_t = torch.nn.functional.binary_cross_entropy(pt, torch.from_numpy(y0), reduction="sum")
    assert out.item() == pytest.approx(out_t.item(), rel=1e-14)
    out.backward()
    out_t.backward()
    np.testing.assert_allclose(p.grad.data, pt.grad.numpy(), rtol=1e-12)


@needs_torch
def test_cross_entropy_second_derivative_matches_torch(rng):
    x0 = rng.standard_normal((3, 4))
    t = np.array([0, 3, 1])
    x, xt = tg.tensor(x0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    (g,) = tg.grad(F.cross_entropy(x, t), x, create_graph=True)
    (gt,) = torch.autograd.grad(torch.nn.functional.cross_entropy(xt, torch.from_numpy(t)), xt, create_graph=True)
    (hv,) = tg.grad((g * g).sum(), x)
    (hvt,) = torch.autograd.grad((gt * gt).sum(), xt)
    np.testing.assert_allclose(hv.data, hvt.numpy(), rtol=1e-10, atol=1e-14)
