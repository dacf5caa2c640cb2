"""Options of PyTorch's modules that used to raise NotImplementedError here: embedding's
scale_grad_by_freq, LSTM's proj_size, and interpolate's mode 'area' for 5-D input. Each test checks
the numbers without PyTorch (by hand or gradcheck), and against PyTorch where it is installed."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.gradcheck import gradcheck, gradgradcheck
from tinygrad_edu.nn.utils.rnn import pack_padded_sequence

try:
    import torch
except ImportError:  # the hand checks still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# ---- embedding(scale_grad_by_freq=True): each row's gradient divided by its index's count ----------


def test_embedding_scale_grad_by_freq_by_hand():
    w = tg.tensor(np.arange(15.0).reshape(5, 3), requires_grad=True)
    idx = tg.tensor([[0, 2, 0], [2, 2, 1]])  # 0 twice, 2 three times, 1 once
    g = np.arange(18.0).reshape(2, 3, 3)
    out = F.embedding(idx, w, scale_grad_by_freq=True)
    np.testing.assert_array_equal(out.numpy(), w.numpy()[idx.numpy()])  # the values do not change
    out.backward(tg.tensor(g))
    expected = np.zeros((5, 3))
    expected[0] = (g[0, 0] + g[0, 2]) / 2
    expected[2] = (g[0, 1] + g[1, 0] + g[1, 1]) / 3
    expected[1] = g[1, 2]
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-15)
    # padding_idx: that row gets nothing, the others as before
    w.grad = None
    F.embedding(idx, w, padding_idx=1, scale_grad_by_freq=True).backward(tg.tensor(g))
    expected[1] = 0.0
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-15)


def test_embedding_module_scale_grad_by_freq_and_second_derivative():
    emb = nn.Embedding(4, 2, scale_grad_by_freq=True, dtype=tg.float64)
    idx = tg.tensor([3, 3, 3, 1])
    loss = (emb(idx) ** 2).sum()
    (g,) = tg.grad(loss, emb.weight, create_graph=True)
    w = emb.weight.detach().numpy()
    # row r: Σ over its uses of 2·w_r, divided by its count = 2·w_r for every used row
    np.testing.assert_allclose(g.numpy(), 2 * w * np.array([0, 1, 0, 1])[:, None], rtol=1e-15)
    # Differentiating g again goes back through the lookup, whose gradient is divided by the count
    # once more: each use of row r gives 2 / count_r², so row 3 (3 uses) gets 2/3 and row 1 gets 2.
    # (PyTorch's double backward leaves the second division out and gives 2 for both; see
    # docs/from-pytorch.md: neither is a derivative, since scale_grad_by_freq is not one.)
    g.sum().backward()
    np.testing.assert_allclose(emb.weight.grad.numpy(), [[0, 0], [2, 2], [0, 0], [2 / 3, 2 / 3]], rtol=1e-15)


def test_embedding_bag_scale_grad_by_freq_by_hand():
    w = tg.tensor(np.ones((5, 2)), requires_grad=True)
    idx, offsets = tg.tensor([1, 4, 1, 0, 2]), tg.tensor([0, 2, 2])  # bags [1, 4], [], [1, 0, 2]
    F.embedding_bag(idx, w, offsets, mode="sum", scale_grad_by_freq=True).sum().backward()
    np.testing.assert_allclose(w.grad.numpy()[:, 0], [1, 1, 1, 0, 1])  # 1 used twice: (1 + 1) / 2
    w.grad = None
    F.embedding_bag(idx, w, offsets, mode="mean", scale_grad_by_freq=True).sum().backward()
    # 1: (1/2 + 1/3) / 2; 0 and 2: 1/3; 4: 1/2
    np.testing.assert_allclose(w.grad.numpy()[:, 0], [1 / 3, 5 / 12, 1 / 3, 0, 1 / 2], rtol=1e-15)
    w.grad = None
    psw = tg.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    F.embedding_bag(idx, w, offsets, mode="sum", per_sample_weights=psw, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_allclose(w.grad.numpy()[:, 0], [4, 2, 5, 0, 2])
    with pytest.raises(ValueError, match="max mode does not support scaling the gradient"):
        F.embedding_bag(idx, w, offsets, mode="max", scale_grad_by_freq=True)
    with pytest.raises(ValueError, match="max mode does not support scaling the gradient"):
        nn.EmbeddingBag(5, 2, mode="max", scale_grad_by_freq=True)(idx, offsets)


@needs_torch
def test_embedding_scale_grad_by_freq_against_torch():
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((6, 3))
    idx = rng.integers(0, 6, (4, 5))
    g = rng.standard_normal((4, 5, 3))
    for kwargs in ({}, {"padding_idx": 2}, {"max_norm": 1.0}):
        ours, theirs = tg.tensor(w0, requires_grad=True), torch.tensor(w0, requires_grad=True)
        F.embedding(tg.tensor(idx), ours, scale_grad_by_freq=True, **kwargs).backward(tg.tensor(g))
        torch.nn.functional.embedding(torch.tensor(idx), theirs, scale_grad_by_freq=True, **kwargs).backward(
            torch.tensor(g))
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-14)


@needs_torch
def test_embedding_bag_scale_grad_by_freq_against_torch_where_torch_counts_right():
    # PyTorch 2.13's CPU kernel divides by the wrong count when an index that occurs once sorts after
    # one that repeats (pytorch/pytorch#190063; docs/from-pytorch.md): compared where it does not
    w0 = np.random.default_rng(1).standard_normal((6, 3))
    for idx, offsets, mode in [([3, 3, 1, 0], [0, 1], "sum"), ([2, 0, 2, 1], [0, 2], "mean"), ([4, 4, 4], [0], "sum")]:
        ours, theirs = tg.tensor(w0, requires_grad=True), torch.tensor(w0, requires_grad=True)
        F.embedding_bag(tg.tensor(idx), ours, tg.tensor(offsets), mode=mode, scale_grad_by_freq=True).sum().backward()
        torch.nn.functional.embedding_bag(torch.tensor(idx), theirs, torch.tensor(offsets), mode=mode,
                                          scale_grad_by_freq=True).sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12)


# ---- nn.LSTM(proj_size=P): h projected to P numbers at every step -----------------------------------


def test_lstm_proj_size_shapes_names_and_errors():
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)
    assert repr(lstm) == "LSTM(3, 5, proj_size=2, num_layers=2, bidirectional=True)"
    names = [n for n, _ in lstm.named_parameters()]
    assert names[:10] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0",
                          "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse",
                          "bias_hh_l0_reverse", "weight_hr_l0_reverse"]
    assert lstm.weight_hh_l0.shape == (20, 2) and lstm.weight_hr_l0.shape == (2, 5)
    assert lstm.weight_ih_l1.shape == (20, 4)  # the next layer reads D·P numbers
    out, (h, c) = lstm(tg.ones(7, 4, 3))
    assert (out.shape, h.shape, c.shape) == ((7, 4, 4), (4, 4, 2), (4, 4, 5))
    with pytest.raises(RuntimeError, match=r"hidden\[0\] of shape \(4, 4, 2\)"):
        lstm(tg.ones(7, 4, 3), (tg.zeros(4, 4, 5), tg.zeros(4, 4, 5)))
    with pytest.raises(RuntimeError, match=r"hidden\[1\] of shape \(4, 4, 5\)"):
        lstm(tg.ones(7, 4, 3), (tg.zeros(4, 4, 2), tg.zeros(4, 4, 2)))
    with pytest.raises(ValueError, match="proj_size should be a positive integer or zero"):
        nn.LSTM(3, 5, proj_size=-1)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 5, proj_size=5)


def test_lstm_proj_size_one_step_by_hand():
    lstm = nn.LSTM(2, 3, proj_size=1, bias=False, dtype=tg.float64)
    x = np.array([[0.5, -1.0]])
    out, (h, c) = lstm(tg.tensor(x))  # one unbatched step from zero state
    w_ih, w_hr = lstm.weight_ih_l0.detach().numpy(), lstm.weight_hr_l0.detach().numpy()
    z = x @ w_ih.T
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    i, g, o = sig(z[:, :3]), np.tanh(z[:, 6:9]), sig(z[:, 9:])
    c_ref = i * g  # (c_0 = 0, so the forget gate does not matter)
    h_ref = (o * np.tanh(c_ref)) @ w_hr.T
    np.testing.assert_allclose(c.numpy(), c_ref, rtol=1e-14)
    np.testing.assert_allclose(h.numpy(), h_ref, rtol=1e-14)
    np.testing.assert_allclose(out.numpy(), h_ref, rtol=1e-14)


def test_lstm_proj_size_gradcheck():
    tg.manual_seed(0)
    lstm = nn.LSTM(2, 3, proj_size=2, bidirectional=True, dtype=tg.float64)
    x = tg.randn(3, 2, 2, dtype=tg.float64, requires_grad=True)
    h0 = tg.randn(2, 2, 2, dtype=tg.float64, requires_grad=True)
    c0 = tg.randn(2, 2, 3, dtype=tg.float64, requires_grad=True)

    def f(x, h0, c0, w_hr):
        out, (h, c) = lstm(x, (h0, c0))
        return out.sum() + (h * h).sum() + c.sum()

    assert gradcheck(f, (x, h0, c0, lstm.weight_hr_l0))
    assert gradgradcheck(f, (x, h0, c0, lstm.weight_hr_l0))


@needs_torch
def test_lstm_proj_size_against_torch():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    for kwargs in ({"num_layers": 2, "bidirectional": True, "proj_size": 2}, {"proj_size": 3, "batch_first": True}):
        theirs = torch.nn.LSTM(3, 5, **kwargs).double()
        ours = nn.LSTM(3, 5, **kwargs)
        assert repr(ours) == repr(theirs)
        assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
        ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
        layers = (2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1)
        x, h0, c0 = rng.standard_normal((4, 6, 3)), rng.standard_normal((layers, 6 if not kwargs.get(
            "batch_first") else 4, kwargs["proj_size"])), None
        c0 = rng.standard_normal(h0.shape[:2] + (5,))
        tx, th, tc = (torch.tensor(a, requires_grad=True) for a in (x, h0, c0))
        ox, oh, oc = (tg.tensor(a, requires_grad=True) for a in (x, h0, c0))
        t_out, (t_h, t_c) = theirs(tx, (th, tc))
        o_out, (o_h, o_c) = ours(ox, (oh, oc))
        for a, b in ((o_out, t_out), (o_h, t_h), (o_c, t_c)):
            np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-14)
        (t_out.sum() + (t_h ** 2).sum() + (t_c ** 3).sum()).backward()
        (o_out.sum() + (o_h ** 2).sum() + (o_c ** 3).sum()).backward()
        for a, b in ((ox, tx), (oh, th), (oc, tc)):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)
        for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
    # a packed batch of sequences of different lengths
    theirs = torch.nn.LSTM(3, 5, proj_size=2, bidirectional=True).double()
    ours = nn.LSTM(3, 5, proj_size=2, bidirectional=True)
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x = rng.standard_normal((6, 3, 3))
    o_packed, (o_h, o_c) = ours(pack_padded_sequence(tg.tensor(x), [6, 4, 2]))
    t_packed, (t_h, t_c) = theirs(torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), [6, 4, 2]))
    np.testing.assert_allclose(o_packed.data.numpy(), t_packed.data.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(o_h.numpy(), t_h.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(o_c.numpy(), t_c.detach().numpy(), rtol=1e-12, atol=1e-14)


# ---- interpolate(mode='area') of a 5-D input: adaptive average pooling -------------------------------


def test_interpolate_area_5d_by_hand():
    x = tg.tensor(np.arange(16.0).reshape(1, 1, 2, 2, 4), requires_grad=True)
    out = F.interpolate(x, size=(1, 1, 2), mode="area")
    # each output averages a 2 x 2 x 2 block: columns {0, 1} and {2, 3} of both rows and planes
    a = x.detach().numpy()[0, 0]
    np.testing.assert_allclose(out.numpy()[0, 0, 0, 0], [a[:, :, :2].mean(), a[:, :, 2:].mean()])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((1, 1, 2, 2, 4), 1 / 8))
    y = tg.randn(2, 3, 5, 4, 3, dtype=tg.float64)
    np.testing.assert_array_equal(F.interpolate(y, scale_factor=0.5, mode="area").numpy(),
                                  F.adaptive_avg_pool3d(y, (2, 2, 1)).numpy())


@needs_torch
def test_interpolate_area_5d_against_torch():
    x = np.random.default_rng(2).standard_normal((2, 2, 5, 4, 7))
    for kwargs in ({"size": (3, 2, 4)}, {"scale_factor": 0.6}, {"size": (6, 5, 9)}):
        ours, theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        o, t = F.interpolate(ours, mode="area", **kwargs), torch.nn.functional.interpolate(theirs, mode="area",
                                                                                             **kwargs)
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-12)
        g = np.random.default_rng(3).standard_normal(t.shape)
        o.backward(tg.tensor(g))
        t.backward(torch.tensor(g))
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-14)
