"""F.affine_grid, F.grid_sample, F.interpolate(mode='bicubic'), F.ctc_loss and nn.CTCLoss: values and
gradients against PyTorch (float64), plus checks by hand that run without torch."""
import itertools
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.errors import ShapeError


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(7)


def _pair(torch, data):
    return tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)


def _backward_both(torch, ours, theirs):
    """Backpropagate the same random weighting of both outputs."""
    assert ours.shape == tuple(theirs.shape)
    weights = RNG.standard_normal(ours.shape)
    (ours * tg.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


# ---- without torch ---------------------------------------------------------------------------

def test_identity_warp_returns_the_image():
    image = tg.tensor(RNG.standard_normal((2, 3, 4, 5)))
    theta = tg.tensor(np.tile(np.eye(2, 3), (2, 1, 1)))
    for align in (False, True):
        grid = F.affine_grid(theta, image.shape, align_corners=align)
        assert grid.shape == (2, 4, 5, 2)
        np.testing.assert_allclose(F.grid_sample(image, grid, align_corners=align).data, image.data, atol=1e-12)


def test_grid_sample_by_hand():
    image = tg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    # align_corners=True: x = -1 is pixel 0, x = 1 is pixel 1; (0.5, -1) -> between 1 and 2, 3/4 of the way
    out = F.grid_sample(image, tg.tensor([[[[0.5, -1.0], [2.0, 0.0], [3.0, 0.0]]]]), align_corners=True)
    # (2, 0) is pixel column 1.5, row 0.5: half of the mean of 2 and 4, half of the zero padding
    np.testing.assert_allclose(out.data.ravel(), [1.75, 1.5, 0.0])
    border = F.grid_sample(image, tg.tensor([[[[2.0, 0.0]]]]), padding_mode="border", align_corners=True)
    np.testing.assert_allclose(border.data.ravel(), [3.0])  # clamped to the right edge, halfway down


def test_default_align_corners_warns_as_pytorch():
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.affine_grid(tg.tensor(np.eye(2, 3)[None]), (1, 1, 2, 2))
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.grid_sample(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 1, 2))


def test_bicubic_same_size_is_identity_and_keeps_dtype():
    x = tg.tensor(RNG.standard_normal((1, 2, 3, 4)).astype(np.float32))
    out = F.interpolate(x, size=(3, 4), mode="bicubic", align_corners=False)
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.data, x.data, atol=1e-6)
    # halfway between samples the weights are W2(1.5), W1(0.5), W1(0.5), W2(1.5) = -3/32, 19/32, 19/32, -3/32
    # (A = -0.75); at the left edge the missing tap x[-1] is clamped to x[0]
    v = RNG.standard_normal(4)
    out = F.interpolate(tg.tensor(v.reshape(1, 1, 1, 4)), size=(1, 7), mode="bicubic", align_corners=True).data.ravel()
    w = np.array([-3, 19, 19, -3]) / 32
    np.testing.assert_allclose(out[3], w @ v, atol=1e-12)
    np.testing.assert_allclose(out[1], w @ v[[0, 0, 1, 2]], atol=1e-12)
    np.testing.assert_allclose(out[[0, 2, 4, 6]], v, atol=1e-12)


def test_ctc_by_hand():
    # two frames, two classes with probability 1/2 each; label "1" has the paths 1b, b1, 11: P = 3/4
    lp = tg.full((2, 1, 2), 0.5).log()
    loss = F.ctc_loss(lp, tg.tensor([[1]]), [2], [1], reduction="none")
    np.testing.assert_allclose(loss.data, [-np.log(0.75)])
    # label "11" needs the blank between the repeats: b can't fit in 2 frames -> inf, or 0
    assert np.isinf(F.ctc_loss(lp, tg.tensor([[1, 1]]), [2], [2], reduction="sum").item())
    assert F.ctc_loss(lp, tg.tensor([[1, 1]]), [2], [2], reduction="sum", zero_infinity=True).item() == 0.0
    # 'mean' divides by the target length (at least 1): -log(3/4) / 1 and, for the empty target
    # (only the path "bb", P = 1/4), -log(1/4) / 1; then averages the two
    lp2 = tg.full((2, 2, 2), 0.5).log()
    mean = F.ctc_loss(lp2, tg.tensor([[1, 0], [1, 0]]), [2, 2], [1, 0])
    np.testing.assert_allclose(mean.item(), (-np.log(0.75) - np.log(0.25)) / 2)


def test_ctc_gradient_through_log_softmax_matches_finite_differences():
    logits = tg.tensor(RNG.standard_normal((4, 1, 3)), requires_grad=True)
    assert tg.autograd.gradcheck(lambda x: F.ctc_loss(x.log_softmax(2), np.array([[1, 2]]), [4], [2]), (logits,))


def test_ctc_module_matches_function():
    lp = tg.tensor(RNG.standard_normal((5, 2, 4))).log_softmax(2)
    targets, il, tl = tg.tensor([[1, 2, 3], [3, 3, 0]]), tg.tensor([5, 4]), tg.tensor([3, 2])
    criterion = nn.CTCLoss(blank=0, reduction="sum")
    assert criterion.reduction == "sum" and criterion.blank == 0 and criterion.zero_infinity is False
    np.testing.assert_allclose(criterion(lp, targets, il, tl).data,
                               F.ctc_loss(lp, targets, il, tl, reduction="sum").data)


def test_errors():
    with pytest.raises(ValueError, match="floating point"):
        F.affine_grid(tg.tensor(np.zeros((1, 2, 3), dtype=np.int64)), (1, 1, 2, 2), align_corners=False)
    with pytest.raises(ValueError, match="Nx2x3"):
        F.affine_grid(tg.zeros(1, 3, 3), (1, 1, 2, 2), align_corners=False)
    with pytest.raises(NotImplementedError, match="4D and 5D"):
        F.affine_grid(tg.zeros(1, 2, 3), (1, 1, 2), align_corners=False)
    with pytest.raises(ValueError, match="mode"):
        F.grid_sample(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 1, 2), mode="cubic", align_corners=False)
    with pytest.raises(ValueError, match="padding_mode"):
        F.grid_sample(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 1, 2), padding_mode="wrap", align_corners=False)
    with pytest.raises(RuntimeError, match="size 2 in last dimension"):
        F.grid_sample(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 1, 3), align_corners=False)
    with pytest.raises(RuntimeError, match="same batch size"):
        F.grid_sample(tg.zeros(1, 1, 2, 2), tg.zeros(2, 1, 1, 2), align_corners=False)
    lp = tg.zeros(3, 1, 4)
    with pytest.raises(RuntimeError, match="input_lengths"):
        F.ctc_loss(lp, tg.tensor([[1, 2]]), [4], [2])
    with pytest.raises(RuntimeError, match="batch_size"):
        F.ctc_loss(lp, tg.tensor([[1, 2]]), [3, 3], [2])
    with pytest.raises(RuntimeError, match="blank"):
        F.ctc_loss(lp, tg.tensor([[1, 2]]), [3], [2], blank=4)
    with pytest.raises(ValueError, match="reduction"):
        F.ctc_loss(lp, tg.tensor([[1, 2]]), [3], [2], reduction="avg")
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(tg.zeros(1, 1, 3), size=4, mode="bicubic")
    assert issubclass(ShapeError, RuntimeError)


# ---- against torch ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(2, 3, 4, 5), (1, 1, 1, 3), (2, 1, 3, 2, 4)])
@pytest.mark.parametrize("align", [False, True])
def test_affine_grid_matches_torch(torch, size, align):
    dims = len(size) - 2
    ours, theirs = _pair(torch, RNG.standard_normal((size[0], dims, dims + 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _backward_both(torch, F.affine_grid(ours, size, align_corners=align),
                       torch.nn.functional.affine_grid(theirs, size, align_corners=align))
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("mode,padding,align", list(itertools.product(
    ["bilinear", "nearest"], ["zeros", "border", "reflection"], [False, True])))
def test_grid_sample_matches_torch(torch, mode, padding, align):
    x, tx = _pair(torch, RNG.standard_normal((2, 3, 4, 5)))
    grid_data = RNG.uniform(-1.7, 1.7, (2, 3, 4, 2))
    g, tgrid = _pair(torch, grid_data)
    _backward_both(torch, F.grid_sample(x, g, mode, padding, align),
                   torch.nn.functional.grid_sample(tx, tgrid, mode, padding, align))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(g.grad.data, tgrid.grad.numpy(), atol=1e-10)


def test_spatial_transformer_second_derivative_matches_torch(torch):
    x_data, theta_data = RNG.standard_normal((1, 2, 3, 4)), np.eye(2, 3)[None] + 0.1 * RNG.standard_normal((1, 2, 3))
    x, tx = _pair(torch, x_data)
    theta, ttheta = _pair(torch, theta_data)
    out = F.grid_sample(x, F.affine_grid(theta, (1, 2, 3, 3), align_corners=False), align_corners=False)
    tout = torch.nn.functional.grid_sample(tx, torch.nn.functional.affine_grid(ttheta, (1, 2, 3, 3),
                                                                               align_corners=False),
                                           align_corners=False)
    (gtheta,) = tg.autograd.grad((out ** 2).sum(), [theta], create_graph=True)
    (tgtheta,) = torch.autograd.grad((tout ** 2).sum(), [ttheta], create_graph=True)
    np.testing.assert_allclose(gtheta.data, tgtheta.detach().numpy(), atol=1e-10)
    gtheta.sum().backward()
    tgtheta.sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("shape,kwargs", [((2, 2, 3, 4), dict(size=(5, 7))), ((1, 1, 4, 4), dict(scale_factor=0.5)),
                                          ((1, 1, 3, 3), dict(scale_factor=(2.5, 1.3))), ((1, 2, 1, 1), dict(size=3))])
@pytest.mark.parametrize("align", [None, False, True])
def test_bicubic_matches_torch(torch, shape, kwargs, align):
    x, tx = _pair(torch, RNG.standard_normal(shape))
    _backward_both(torch, F.interpolate(x, mode="bicubic", align_corners=align, **kwargs),
                   torch.nn.functional.interpolate(tx, mode="bicubic", align_corners=align, **kwargs))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-12)


CTC_CASES = [  # (T, N, C, targets, input_lengths, target_lengths, keywords)
    (5, 2, 4, [[1, 2, 2], [3, 1, 0]], [5, 4], [3, 2], {}),
    (6, 3, 3, [1, 1, 2, 2, 1], [6, 3, 5], [2, 0, 3], {}),  # concatenated targets, an empty one
    (4, 2, 4, [[1, 0, 2], [3, 3, 0]], [4, 3], [3, 2], {"blank": 3}),
    (4, None, 4, [1, 2], [4], [2], {}),  # unbatched
    (3, 2, 3, [[1, 1, 1], [2, 0, 0]], [3, 3], [3, 1], {"zero_infinity": True}),  # the first is impossible
    (3, 2, 3, [[1, 1, 1], [2, 0, 0]], [0, 3], [0, 1], {}),  # no frames, no labels: loss 0
]


@pytest.mark.parametrize("case", CTC_CASES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_ctc_loss_matches_torch(torch, case, reduction):
    steps, batch, classes, targets, in_len, tgt_len, kwargs = case
    shape = (steps, classes) if batch is None else (steps, batch, classes)
    lp_data = torch.tensor(RNG.standard_normal(shape)).log_softmax(-1).numpy()
    lp, tlp = _pair(torch, lp_data)
    ours = F.ctc_loss(lp, tg.tensor(targets), tg.tensor(in_len), tg.tensor(tgt_len), reduction=reduction, **kwargs)
    theirs = torch.nn.functional.ctc_loss(tlp, torch.tensor(targets), torch.tensor(in_len), torch.tensor(tgt_len),
                                          reduction=reduction, **kwargs)
    _backward_both(torch, ours, theirs)
    np.testing.assert_allclose(lp.grad.data, tlp.grad.numpy(), atol=1e-12)


def test_ctc_loss_module_and_logits_gradient_match_torch(torch):
    logits, tlogits = _pair(torch, RNG.standard_normal((6, 2, 4)))
    targets, in_len, tgt_len = [[1, 2, 2], [3, 1, 0]], [6, 5], [3, 2]
    ours = nn.CTCLoss(blank=0)(logits.log_softmax(2), tg.tensor(targets), tg.tensor(in_len), tg.tensor(tgt_len))
    theirs = torch.nn.CTCLoss(blank=0)(tlogits.log_softmax(2), torch.tensor(targets), torch.tensor(in_len),
                                       torch.tensor(tgt_len))
    _backward_both(torch, ours, theirs)
    np.testing.assert_allclose(logits.grad.data, tlogits.grad.numpy(), atol=1e-12)
