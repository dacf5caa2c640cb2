"""F.conv_transpose1d/2d and nn.ConvTranspose1d/2d: the adjoint of conv (checked without torch),
a hand-computed case, output sizes, errors, and -- where PyTorch is installed -- values and
every gradient against torch over a grid of stride, padding, output_padding, dilation and
groups. Second derivatives are in the gradcheck registry (tests/registry/attention.py)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_hand_computed_scatter():
    # each input element scatters the kernel, scaled, at stride 2: [1, 2] * [1, 10, 100]
    out = F.conv_transpose1d(tg.tensor([[[1.0, 2.0]]]), tg.tensor([[[1.0, 10.0, 100.0]]]), stride=2)
    assert out.tolist() == [[[1.0, 10.0, 102.0, 20.0, 200.0]]]
    cropped = F.conv_transpose1d(tg.tensor([[[1.0, 2.0]]]), tg.tensor([[[1.0, 10.0, 100.0]]]), stride=2,
                                 padding=1, output_padding=1)
    assert cropped.tolist() == [[[10.0, 102.0, 20.0, 200.0]]]
    assert F.conv_transpose2d(tg.ones(3, 2, 2), tg.ones(3, 1, 2, 2), stride=2).tolist() == [[[3.0] * 4] * 4]


@pytest.mark.parametrize("stride,padding,dilation,groups", [(1, 0, 1, 1), (2, 1, 1, 2), (3, 2, 2, 1), (2, 0, 3, 2)])
def test_conv_transpose_is_the_adjoint_of_conv(rng, stride, padding, dilation, groups):
    # <conv(x, w), y> = <x, conv_transpose(y, w)> when conv_transpose's output has x's size
    x, w = rng.standard_normal((2, 4, 9, 8)), rng.standard_normal((6, 4 // groups, 3, 2))
    y = F.conv2d(tg.tensor(x), tg.tensor(w), stride=stride, padding=padding, dilation=dilation, groups=groups)
    r = rng.standard_normal(y.shape)
    size = [(n - 1) * stride - 2 * padding + dilation * (k - 1) + 1 for n, k in zip(y.shape[2:], (3, 2))]
    extra = (9 - size[0], 8 - size[1])  # the rows and columns a strided conv skipped at the end
    back = F.conv_transpose2d(tg.tensor(r), tg.tensor(w), stride=stride, padding=padding, output_padding=extra,
                              groups=groups, dilation=dilation)
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(y.data * r), np.sum(x * back.data), rtol=1e-10)


def test_shapes_unbatched_and_dtype():
    w = tg.ones(3, 4, 2)
    assert F.conv_transpose1d(tg.ones(2, 3, 5), w).shape == (2, 4, 6)
    assert F.conv_transpose1d(tg.ones(3, 5), w).shape == (4, 6)
    assert F.conv_transpose1d(tg.ones(0, 3, 5), w).shape == (0, 4, 6)
    assert F.conv_transpose1d(tg.ones(1, 3, 5, dtype=tg.float32), w.float()).dtype == np.float32
    assert F.conv_transpose1d(tg.ones(1, 3, 5), tg.ones(3, 1, 3), padding=3).shape == (1, 1, 1)  # crops
    conv = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, groups=2, bias=False)
    assert conv.weight.shape == (4, 3, 3, 3) and conv.bias is None
    assert conv(tg.ones(1, 4, 5, 5)).shape == (1, 6, 9, 9)
    assert conv(tg.ones(1, 4, 5, 5), output_size=(10, 10)).shape == (1, 6, 10, 10)
    assert conv(tg.ones(4, 5, 5), output_size=(6, 9, 9)).shape == (6, 9, 9)
    assert list(nn.ConvTranspose1d(2, 3, 2).state_dict()) == ["weight", "bias"]


def test_errors():
    x, w = tg.ones(1, 4, 5), tg.ones(4, 3, 3)
    with pytest.raises(RuntimeError, match="4 channels"):
        F.conv_transpose1d(x, tg.ones(2, 3, 3))
    with pytest.raises(RuntimeError, match="smaller than either stride or dilation"):
        F.conv_transpose1d(x, w, output_padding=1)
    with pytest.raises(RuntimeError, match="negative padding"):
        F.conv_transpose1d(x, w, padding=-1)
    with pytest.raises(RuntimeError, match="stride"):
        F.conv_transpose1d(x, w, stride=0)
    with pytest.raises(RuntimeError, match="too small"):
        F.conv_transpose1d(x, w, padding=5)
    with pytest.raises(RuntimeError, match="groups=3"):
        F.conv_transpose1d(x, w, groups=3)
    with pytest.raises(RuntimeError, match="bias"):
        F.conv_transpose1d(x, w, bias=tg.ones(4))
    with pytest.raises(RuntimeError, match="2D .* or 3D"):
        F.conv_transpose1d(tg.ones(5), w)
    with pytest.raises(TypeError, match="padding"):
        F.conv_transpose1d(x, w, padding="same")
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        nn.ConvTranspose1d(4, 3, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="valid sizes range"):
        nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)(tg.ones(1, 4, 5, 5), output_size=[12, 12])


def test_an_upsampling_decoder_learns():
    tg.manual_seed(0)
    target = tg.tensor(np.kron(np.eye(2), np.ones((2, 2)))[None, None])  # 4x4 blocks from a 2x2 code
    code = tg.tensor(np.eye(2)[None, None])
    up = nn.ConvTranspose2d(1, 1, 2, stride=2)
    opt = tg.optim.Adam(up.parameters(), lr=0.1)
    for _ in range(100):
        loss = F.mse_loss(up(code), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 1e-3


# ---- against PyTorch ------------------------------------------------------------------------------

def _grid(dims):
    for stride, padding, output_padding, dilation, groups in itertools.product((1, 2, 3), (0, 1, 2), (0, 1),
                                                                               (1, 2), (1, 2)):
        if output_padding < stride or output_padding < dilation:
            yield stride, padding, output_padding, dilation, groups


@pytest.mark.parametrize("dims", [1, 2])
def test_against_torch_over_a_grid(torch, rng, dims):
    spatial, kernel = ((4,), (3,)) if dims == 1 else ((3, 4), (2, 3))
    ours_fn = F.conv_transpose1d if dims == 1 else F.conv_transpose2d
    torch_fn = torch.nn.functional.conv_transpose1d if dims == 1 else torch.nn.functional.conv_transpose2d
    checked = 0
    for stride, padding, output_padding, dilation, groups in _grid(dims):
        args = (stride, padding, output_padding, groups, dilation)
        arrays = [rng.standard_normal((2, 4) + spatial), rng.standard_normal((4, 3) + kernel),
                  rng.standard_normal(3 * groups)]
        ours = [tg.tensor(a, requires_grad=True) for a in arrays]
        theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
        try:
            ref = torch_fn(*theirs, *args)
        except RuntimeError:  # torch finds the output too small: so must we
            with pytest.raises(RuntimeError, match="too small"):
                ours_fn(*ours, *args)
            continue
        out = ours_fn(*ours, *args)
        np.testing.assert_allclose(out.data, ref.detach().numpy(), atol=1e-12, err_msg=str(args))
        g = rng.standard_normal(out.shape)
        out.backward(tg.tensor(g))
        ref.backward(torch.tensor(g))
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), atol=1e-12, err_msg=str(args))
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("cls", ["ConvTranspose1d", "ConvTranspose2d"])
def test_module_against_torch(torch, rng, cls):
    kw = {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2, "dilation": 2}
    theirs = getattr(torch.nn, cls)(4, 6, 3, dtype=torch.float64, **kw)
    ours = getattr(nn, cls)(4, 6, 3, **kw)
    assert repr(ours) == repr(theirs)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: tuple(v.shape) for k, v in
                                                                  theirs.state_dict().items()}
    bound = 1 / np.sqrt(3 * 3 ** (ours.weight.ndim - 2))  # fan_in = out_channels / groups · kernel size
    assert np.abs(ours.weight.data).max() <= bound and np.abs(ours.bias.data).max() <= bound
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal((2, 4) + (5,) * (ours.weight.ndim - 2))
    out, ref = ours(tg.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), atol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), atol=1e-12)
    size = [n - 1 for n in out.shape[2:]]
    np.testing.assert_allclose(ours(tg.tensor(x), output_size=size).data,
                               theirs(torch.tensor(x), output_size=size).detach().numpy(), atol=1e-12)
