"""nn.AdaptiveLogSoftmaxWithLoss, nn.CrossMapLRN2d, nn.NLLLoss2d and nn.Container: against
PyTorch when it is installed (same weights copied in: values, losses, gradients, predictions,
warnings), and by their definitions without it."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

try:
    import torch
except ImportError:  # the comparisons skip; the checks by definition still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

# (in_features, n_classes, cutoffs, div_value, head_bias)
CONFIGS = [
    (8, 10, [3, 6], 2.0, False),
    (8, 10, [3, 6], 2.0, True),
    (16, 20, [5], 4.0, True),
    (6, 7, [1, 2, 3, 4, 5, 6], 1.0, False),
    (12, 30, [10, 20], 2.0, True),
    (8, 10, [3, 6], 4.0, False),  # the second tail projects to 8 // 16 = 0 features (Linear(8, 0))
]


def _pair(in_features, n_classes, cutoffs, div_value, head_bias, seed=0):
    """A torch module and ours with the same float64 weights (copied through the state_dict)."""
    torch.manual_seed(seed)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=div_value,
                                                 head_bias=head_bias, dtype=torch.float64)
    ours = nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=div_value, head_bias=head_bias)
    state = {k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()}
    assert list(state) == list(ours.state_dict())
    ours.load_state_dict({k: tg.tensor(v) for k, v in state.items()})
    return theirs, ours


@needs_torch
@pytest.mark.parametrize("config", CONFIGS, ids=[str(c) for c in CONFIGS])
def test_asm_matches_torch(config):
    theirs, ours = _pair(*config)
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((9, config[0])), rng.integers(0, config[1], 9)
    tx, mx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    t_out, t_loss = theirs(tx, torch.tensor(y))
    m_out, m_loss = ours(mx, tg.tensor(y))
    np.testing.assert_allclose(m_out.data, t_out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(m_loss.item(), t_loss.item(), rtol=1e-12)
    (t_loss + (t_out ** 2).sum()).backward()
    (m_loss + (m_out ** 2).sum()).backward()
    np.testing.assert_allclose(mx.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (t_name, t_param), (m_name, m_param) in zip(theirs.named_parameters(), ours.named_parameters()):
        assert t_name == m_name
        if t_param.grad is None:  # a cluster no target fell in
            assert m_param.grad is None, m_name
        else:
            np.testing.assert_allclose(m_param.grad.data, t_param.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.log_prob(mx).data, theirs.log_prob(tx).detach().numpy(), rtol=1e-12)
    np.testing.assert_array_equal(ours.predict(mx).data, theirs.predict(tx).numpy())
    t_one, t_one_loss = theirs(tx[0], torch.tensor(y[0]))  # unbatched: 1-D input, 0-D target
    m_one, m_one_loss = ours(mx[0], tg.tensor(y[0]))
    assert m_one.shape == () and m_one_loss.shape == ()
    np.testing.assert_allclose(m_one.item(), t_one.item(), rtol=1e-12)


@needs_torch
def test_asm_repr_and_layout_match_torch():
    theirs, ours = _pair(8, 10, [3, 6], 2.0, False)
    assert repr(ours) == repr(theirs)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
           {k: tuple(v.shape) for k, v in theirs.state_dict().items()}


@needs_torch
def test_asm_predict_with_mixed_rows_matches_torch():
    """Some rows' best head logit is a cluster, some a shortlist class: both branches of predict."""
    theirs, ours = _pair(8, 10, [3, 6], 2.0, True)
    with torch.no_grad():
        theirs.head.bias[3] = 1.5  # the first cluster's logit: wins for some rows, not all
    ours.head.bias.data[3] = 1.5
    x = np.random.default_rng(2).standard_normal((40, 8)) * 2
    best_head = theirs.head(torch.tensor(x)).argmax(1).numpy()
    assert (best_head >= 3).any() and (best_head < 3).any()
    np.testing.assert_array_equal(ours.predict(tg.tensor(x)).data, theirs.predict(torch.tensor(x)).numpy())


@needs_torch
@pytest.mark.parametrize("make", [
    lambda m, x, y: m(x, y[:3]),                            # batch sizes differ
    lambda m, x, y: m(x, y[0]),                             # 0-d target, 2-d input
    lambda m, x, y: m(x, y.reshape(5, 1)),                  # multi-target
    lambda m, x, y: m(x, y * 0 + 10),                       # class 10 of 10
    lambda m, x, y: m(x, y - 1),                            # class -1
])
def test_asm_errors_have_torch_types(make):
    theirs, ours = _pair(8, 10, [3, 6], 2.0, False)
    x, y = np.random.default_rng(3).standard_normal((5, 8)), np.array([0, 4, 9, 2, 7])
    with pytest.raises(RuntimeError):
        make(theirs, torch.tensor(x), torch.tensor(y))
    with pytest.raises(RuntimeError):
        make(ours, tg.tensor(x), tg.tensor(y))


@needs_torch
@pytest.mark.parametrize("cutoffs", [[], [3, 3], [0, 3], [3, 10], [5, 3], [2.5], [11]])
def test_asm_bad_cutoffs_like_torch(cutoffs):
    with pytest.raises(ValueError):
        torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)
    with pytest.raises(ValueError, match="cutoffs"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)


# ---- AdaptiveLogSoftmaxWithLoss by its definition (no torch) ------------------------------------

def _model(head_bias=False):
    tg.manual_seed(4)
    return nn.AdaptiveLogSoftmaxWithLoss(8, 10, (3, 6), div_value=2.0, head_bias=head_bias)


def test_asm_structure():
    asm = _model(head_bias=True)
    assert asm.cutoffs == [3, 6, 10] and asm.shortlist_size == 3 and asm.n_clusters == 2 and asm.head_size == 5
    shapes = {k: v.shape for k, v in asm.state_dict().items()}
    assert shapes == {"head.weight": (5, 8), "head.bias": (5,), "tail.0.0.weight": (4, 8),
                      "tail.0.1.weight": (3, 4), "tail.1.0.weight": (2, 8), "tail.1.1.weight": (4, 2)}


@pytest.mark.parametrize("head_bias", [False, True])
def test_asm_log_prob_is_a_distribution_made_of_head_and_tails(head_bias):
    asm = _model(head_bias)
    x = tg.randn(6, 8)
    log_prob = asm.log_prob(x).data
    np.testing.assert_allclose(np.exp(log_prob).sum(1), 1.0, rtol=1e-12)
    head = F.log_softmax(asm.head(x), 1).data
    np.testing.assert_allclose(log_prob[:, :3], head[:, :3], rtol=1e-12)
    tail_1 = F.log_softmax(asm.tail[1](x), 1).data  # classes 6..9: cluster 1, head column 4
    np.testing.assert_allclose(log_prob[:, 6:], tail_1 + head[:, 4:5], rtol=1e-12)


def test_asm_forward_picks_the_target_log_prob():
    asm = _model()
    x, y = tg.randn(7, 8), np.array([0, 2, 3, 5, 6, 9, 1])
    output, loss = asm(x, tg.tensor(y))
    assert type(output) is tg.Tensor and output.shape == (7,) and loss.shape == ()
    expected = asm.log_prob(x).data[np.arange(7), y]
    np.testing.assert_allclose(output.data, expected, rtol=1e-12)
    np.testing.assert_allclose(loss.item(), -expected.mean(), rtol=1e-12)
    result = asm(x, tg.tensor(y))
    assert result._fields == ("output", "loss") and result.loss.item() == loss.item()


def test_asm_unbatched_equals_a_batch_of_one():
    asm = _model()
    x = tg.randn(8)
    out, loss = asm(x, tg.tensor(8))
    out1, loss1 = asm(x.unsqueeze(0), tg.tensor([8]))
    assert out.shape == () and out.item() == pytest.approx(out1.item()) and loss.item() == pytest.approx(loss1.item())


def test_asm_gradients_reach_only_the_clusters_used():
    asm = _model()
    _, loss = asm(tg.randn(3, 8), tg.tensor([0, 1, 7]))  # shortlist and cluster 1, not cluster 0
    loss.backward()
    assert asm.head.weight.grad is not None and asm.tail[1][0].weight.grad is not None
    assert asm.tail[0][0].weight.grad is None


def test_asm_gradient_matches_finite_differences():
    tg.manual_seed(5)
    asm = nn.AdaptiveLogSoftmaxWithLoss(4, 9, [2, 5], div_value=2.0, head_bias=True, dtype=np.float64)
    x = tg.randn(5, 4, dtype=np.float64, requires_grad=True)
    assert tg.gradcheck(lambda x: asm(x, tg.tensor([0, 3, 8, 1, 5]))[1], (x,))


def test_asm_predict_is_argmax_of_log_prob():
    asm = _model(head_bias=True)
    asm.head.bias.data[3] = 2.0  # make the first cluster win for some rows
    x = tg.randn(50, 8) * 2
    predicted = asm.predict(x)
    assert predicted.dtype == np.int64 and predicted.shape == (50,)
    np.testing.assert_array_equal(predicted.data, asm.log_prob(x).data.argmax(1))
    assert (predicted.data >= 3).any() and (predicted.data < 3).any()


def test_asm_errors():
    asm = _model()
    x = tg.randn(5, 8)
    with pytest.raises(RuntimeError, match=r"\[0, 9\].*\[0, 10\]"):
        asm(x, tg.tensor([0, 1, 2, 3, 10]))
    with pytest.raises(RuntimeError, match="same size in the batch"):
        asm(x, tg.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="multi-target"):
        asm(x, tg.tensor([[0], [1], [2], [3], [4]]))
    with pytest.raises(RuntimeError, match="class indices"):
        asm(x, tg.tensor([0.0, 1.0, 2.0, 3.0, 4.0]))
    with pytest.raises(ValueError, match="length larger than 0"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])
    with pytest.raises(ValueError, match="sorted"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3])


# ---- CrossMapLRN2d -----------------------------------------------------------------------------

def _cross_map_lrn_reference(x, size, alpha, beta, k):
    """PyTorch's algorithm (a running sum over channels), transcribed with numpy loops."""
    channels = x.shape[1]
    squares, scale = x * x, np.zeros_like(x)
    pre_pad = int((size - 1) / 2 + 1)
    scale[:, 0] = squares[:, :min(pre_pad, channels)].sum(1)
    for c in range(1, channels):
        scale[:, c] = scale[:, c - 1]
        if c < channels - pre_pad + 1:
            scale[:, c] += squares[:, c + pre_pad - 1]
        if c > pre_pad:
            scale[:, c] -= squares[:, c - pre_pad]
    return x * (scale * alpha / size + k) ** -beta


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("channels", [1, 2, 3, 7])
def test_cross_map_lrn_values(size, channels):
    x = np.random.default_rng(size * 10 + channels).standard_normal((2, channels, 3, 2))
    out = nn.CrossMapLRN2d(size, alpha=0.5, beta=0.75, k=1.5)(tg.tensor(x))
    np.testing.assert_allclose(out.data, _cross_map_lrn_reference(x, size, 0.5, 0.75, 1.5), rtol=1e-12)


def test_cross_map_lrn_is_local_response_norm_when_the_window_covers_all_channels():
    x = tg.randn(2, 3, 2, 2)
    np.testing.assert_allclose(nn.CrossMapLRN2d(5, 0.3, 0.6, 2.0)(x).data,
                               F.local_response_norm(x, 5, 0.3, 0.6, 2.0).data, rtol=1e-12)


def test_cross_map_lrn_gradient_and_errors():
    x = tg.randn(1, 6, 2, 2, dtype=np.float64, requires_grad=True)
    assert tg.gradcheck(lambda x: nn.CrossMapLRN2d(3, 0.5, 0.75, 1.0)(x), (x,))
    with pytest.raises(ValueError, match="4D, got 3D"):
        nn.CrossMapLRN2d(3)(tg.randn(2, 3, 4))
    assert repr(nn.CrossMapLRN2d(5)) == "CrossMapLRN2d(5, alpha=0.0001, beta=0.75, k=1)"


@needs_torch
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("channels", [1, 2, 3, 6, 9])
def test_cross_map_lrn_matches_torch(size, channels):
    x = np.random.default_rng(size * 10 + channels).standard_normal((2, channels, 3, 4))
    tx, mx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    theirs = torch.nn.CrossMapLRN2d(size, 0.5, 0.75, 1.5)(tx)
    ours = nn.CrossMapLRN2d(size, 0.5, 0.75, 1.5)(mx)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    if size >= 2 * channels:  # elsewhere torch's hand-written backward fails its own gradcheck
        grad = np.random.default_rng(0).standard_normal(x.shape)
        theirs.backward(torch.tensor(grad))
        ours.backward(tg.tensor(grad))
        np.testing.assert_allclose(mx.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)


# ---- deprecated names --------------------------------------------------------------------------

def test_nll_loss_2d_warns_and_is_nll_loss():
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        criterion = nn.NLLLoss2d(reduction="sum", ignore_index=1)
    assert isinstance(criterion, nn.NLLLoss)
    x = F.log_softmax(tg.randn(2, 3, 4, 5), 1)
    y = tg.tensor(np.random.default_rng(6).integers(0, 3, (2, 4, 5)))
    assert criterion(x, y).item() == pytest.approx(F.nll_loss(x, y, reduction="sum", ignore_index=1).item())


def test_container_warns_and_registers_its_modules():
    with pytest.warns(FutureWarning, match="Container"):
        box = nn.Container(a=nn.Linear(2, 3), b=nn.ReLU())
    assert list(box.state_dict()) == ["a.weight", "a.bias"] and isinstance(box.b, nn.ReLU)
    with pytest.warns(FutureWarning, match="Container"):
        class Old(nn.Container):  # subclassing warns too, as in PyTorch
            pass


@needs_torch
def test_deprecation_warnings_match_torch():
    for theirs, ours in [(torch.nn.NLLLoss2d, nn.NLLLoss2d), (torch.nn.Container, nn.Container)]:
        with warnings.catch_warnings(record=True) as t_caught:
            warnings.simplefilter("always")
            theirs()
        with warnings.catch_warnings(record=True) as m_caught:
            warnings.simplefilter("always")
            ours()
        assert [w.category for w in m_caught] == [w.category for w in t_caught] == [FutureWarning]
