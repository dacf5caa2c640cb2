"""F.scaled_dot_product_attention, F.multi_head_attention_forward and nn.MultiheadAttention:
values checked by hand and against numpy, errors, and -- where PyTorch is installed -- values and
every gradient against torch after copying its state_dict. Gradients (first and second) are
also in the gradcheck registry (tests/registry/attention.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _np_attention(q, k, v, bias=0.0):
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1]) + bias
    e = np.exp(scores - scores.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)) @ v


# ---- scaled_dot_product_attention without torch -------------------------------------------------

def test_sdpa_matches_numpy_and_masks_agree(rng):
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 2))
    out = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v))
    np.testing.assert_allclose(out.data, _np_attention(q, k, v), atol=1e-12)
    keep = rng.random((3, 5)) > 0.4
    keep[:, 0] = True
    bias = np.where(keep, 0.0, -np.inf)
    expected = _np_attention(q, k, v, bias)
    with_bool = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v), attn_mask=tg.tensor(keep))
    with_float = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v), attn_mask=tg.tensor(bias))
    np.testing.assert_allclose(with_bool.data, expected, atol=1e-12)
    np.testing.assert_allclose(with_float.data, expected, atol=1e-12)
    assert out.dtype == np.float64
    half = F.scaled_dot_product_attention(*(tg.tensor(a.astype(np.float32)) for a in (q, k, v)))
    assert half.dtype == np.float32


def test_sdpa_causal_and_scale(rng):
    q, k, v = (tg.tensor(rng.standard_normal((4, 3)), requires_grad=True) for _ in range(3))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    np.testing.assert_allclose(out.data[0], v.data[0], atol=1e-12)  # the first query sees the first key only
    out[1].sum().backward()  # ... and query 1 depends on keys/values 0 and 1 only
    assert np.all(k.grad.data[2:] == 0) and np.all(v.grad.data[2:] == 0) and np.any(k.grad.data[:2] != 0)
    scaled = F.scaled_dot_product_attention(q, k, v, scale=0.25)
    np.testing.assert_allclose(scaled.data, _np_attention(q.data * 0.25 * math.sqrt(3), k.data, v.data), atol=1e-12)


def test_sdpa_query_that_sees_nothing_gets_zeros_and_finite_gradients(rng):
    q, k, v = (tg.tensor(rng.standard_normal(s), requires_grad=True) for s in ((3, 2), (4, 2), (4, 3)))
    keep = np.ones((3, 4), dtype=bool)
    keep[1] = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=tg.tensor(keep))
    assert np.all(out.data[1] == 0) and np.all(np.isfinite(out.data))
    out.sum().backward()
    assert np.all(q.grad.data[1] == 0) and all(np.all(np.isfinite(t.grad.data)) for t in (q, k, v))


def test_sdpa_gqa_and_empty(rng):
    q, k, v = rng.standard_normal((1, 4, 3, 2)), rng.standard_normal((1, 2, 5, 2)), rng.standard_normal((1, 2, 5, 2))
    out = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v), enable_gqa=True)
    expected = _np_attention(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1))
    np.testing.assert_allclose(out.data, expected, atol=1e-12)
    assert F.scaled_dot_product_attention(tg.zeros(2, 0, 4), tg.ones(2, 5, 4), tg.ones(2, 5, 3)).shape == (2, 0, 3)
    none = F.scaled_dot_product_attention(tg.ones(2, 3, 4), tg.zeros(2, 0, 4), tg.zeros(2, 0, 3))
    assert none.shape == (2, 3, 3) and np.all(none.data == 0)


def test_sdpa_dropout_is_applied_whenever_p_is_positive():
    tg.manual_seed(0)
    q = k = tg.zeros(1, 6, 2)
    v = tg.ones(1, 6, 1)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)  # weights 1/6, kept ones become 1/3
    assert not np.allclose(out.data, 1.0)
    assert set(np.round(out.data.ravel() * 3, 9)) <= set(range(7))


def test_sdpa_errors():
    q, k, v = tg.ones(2, 3, 4), tg.ones(2, 5, 4), tg.ones(2, 5, 2)
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.ones(3, 5, dtype=tg.bool), is_causal=True)
    with pytest.raises(RuntimeError, match="same last dim"):
        F.scaled_dot_product_attention(q, tg.ones(2, 5, 3), v)
    with pytest.raises(RuntimeError, match="sequence length"):
        F.scaled_dot_product_attention(q, k, tg.ones(2, 4, 2))
    with pytest.raises(RuntimeError, match="bool .* or float"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.ones(3, 5, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="does not broadcast"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.ones(4, 5, dtype=tg.bool))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.scaled_dot_product_attention(q, k.float(), v)
    with pytest.raises(RuntimeError, match="at least 2-D"):
        F.scaled_dot_product_attention(tg.ones(4), tg.ones(4), tg.ones(4))
    with pytest.raises(TypeError):  # scale and enable_gqa are keyword-only, as in PyTorch
        F.scaled_dot_product_attention(q, k, v, None, 0.0, False, 0.5)
    with pytest.raises(RuntimeError, match="enable_gqa"):
        F.scaled_dot_product_attention(tg.ones(1, 4, 3, 2), tg.ones(1, 3, 5, 2), tg.ones(1, 3, 5, 2),
                                       enable_gqa=True)


# ---- nn.MultiheadAttention without torch ----------------------------------------------------------

def test_mha_parameters_and_initialisation():
    tg.manual_seed(0)
    mha = nn.MultiheadAttention(6, 3)
    assert list(mha.state_dict()) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    assert mha.in_proj_weight.shape == (18, 6) and mha.head_dim == 2
    bound = math.sqrt(6 / (18 + 6))  # xavier_uniform_: fan_in 6, fan_out 18
    assert np.abs(mha.in_proj_weight.data).max() <= bound and np.abs(mha.in_proj_weight.data).max() > bound / 2
    assert np.all(mha.in_proj_bias.data == 0) and np.all(mha.out_proj.bias.data == 0)
    separate = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, add_bias_kv=True, bias=False)
    assert {n: p.shape for n, p in separate.named_parameters()} == {
        "q_proj_weight": (4, 4), "k_proj_weight": (4, 3), "v_proj_weight": (4, 5), "bias_k": (1, 1, 4),
        "bias_v": (1, 1, 4), "out_proj.weight": (4, 4)}
    assert separate.in_proj_weight is None and separate.in_proj_bias is None
    with pytest.raises(AssertionError, match="divisible"):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="greater than 0"):
        nn.MultiheadAttention(0, 2)


def test_mha_one_head_is_attention_between_projections(rng):
    mha = nn.MultiheadAttention(3, 1)
    x, y = rng.standard_normal((4, 1, 3)), rng.standard_normal((5, 1, 3))
    out, weights = mha(tg.tensor(x), tg.tensor(y), tg.tensor(y))
    w, b = mha.in_proj_weight.data, mha.in_proj_bias.data
    q, k, v = x[:, 0] @ w[:3].T + b[:3], y[:, 0] @ w[3:6].T + b[3:6], y[:, 0] @ w[6:].T + b[6:]
    expected = _np_attention(q, k, v) @ mha.out_proj.weight.data.T + mha.out_proj.bias.data
    np.testing.assert_allclose(out.data[:, 0], expected, atol=1e-12)
    assert weights.shape == (1, 4, 5)
    np.testing.assert_allclose(weights.data.sum(-1), 1.0)


def test_mha_batch_first_unbatched_and_padding(rng):
    mha = nn.MultiheadAttention(4, 2)
    x = tg.tensor(rng.standard_normal((3, 2, 4)))
    out, w = mha(x, x, x)
    mha.batch_first = True
    out_bf, w_bf = mha(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1))
    np.testing.assert_allclose(out_bf.data, out.data.transpose(1, 0, 2), atol=1e-12)
    np.testing.assert_allclose(w_bf.data, w.data, atol=1e-12)
    mha.batch_first = False
    single, w1 = mha(x[:, 0], x[:, 0], x[:, 0])  # unbatched (L, E)
    np.testing.assert_allclose(single.data, out.data[:, 0], atol=1e-12)
    assert w1.shape == (3, 3)
    pad = np.zeros((2, 3), dtype=bool)
    pad[1, 2] = True
    out, w = mha(x, x, x, key_padding_mask=tg.tensor(pad), average_attn_weights=False)
    assert w.shape == (2, 2, 3, 3) and np.all(w.data[1, :, :, 2] == 0) and np.all(w.data[0, :, :, 2] > 0)
    none, nothing = mha(x, x, x, key_padding_mask=tg.tensor(pad), need_weights=False)
    assert nothing is None
    np.testing.assert_allclose(none.data, out.data, atol=1e-12)
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match="2D attn_mask"):
        mha(x, x, x, attn_mask=tg.ones(2, 3, dtype=tg.bool))
    with pytest.raises(AssertionError, match="key_padding_mask"):
        mha(x, x, x, key_padding_mask=tg.ones(3, dtype=tg.bool))


# ---- against PyTorch ------------------------------------------------------------------------------

def _pair(torch, array, grad=True):
    return (tg.tensor(array, requires_grad=grad and array.dtype.kind == "f"),
            torch.tensor(array, requires_grad=grad and array.dtype.kind == "f"))


@pytest.mark.parametrize("case", ["plain", "bool mask", "float mask", "causal", "broadcast", "gqa", "scale"])
def test_sdpa_against_torch(torch, rng, case):
    shapes = {"broadcast": ((2, 1, 3, 4), (1, 2, 5, 4), (1, 2, 5, 2)), "gqa": ((1, 4, 3, 2), (1, 2, 5, 2),
                                                                              (1, 2, 5, 3))}
    qs, ks, vs = shapes.get(case, ((2, 3, 4), (2, 5, 4), (2, 5, 3)))
    ours, theirs = zip(*(_pair(torch, rng.standard_normal(s)) for s in (qs, ks, vs)))
    kw = {}
    if case == "bool mask":
        keep = rng.random((3, 5)) > 0.5
        keep[2] = False
        kw = {"attn_mask": (tg.tensor(keep), torch.tensor(keep))}
    elif case == "float mask":
        bias = rng.standard_normal((2, 3, 5))
        bias[0, 1, 2:] = -np.inf
        kw = {"attn_mask": _pair(torch, bias)}
    elif case == "causal":
        kw = {"is_causal": (True, True)}
    elif case == "gqa":
        kw = {"enable_gqa": (True, True)}
    elif case == "scale":
        kw = {"scale": (0.3, 0.3)}
    out = F.scaled_dot_product_attention(*ours, **{k: v[0] for k, v in kw.items()})
    ref = torch.nn.functional.scaled_dot_product_attention(*theirs, **{k: v[1] for k, v in kw.items()})
    np.testing.assert_allclose(out.data, ref.detach().numpy(), atol=1e-12)
    g = rng.standard_normal(out.shape)
    out.backward(tg.tensor(g))
    ref.backward(torch.tensor(g))
    pairs = list(zip(ours, theirs)) + ([kw["attn_mask"]] if case == "float mask" else [])
    for a, b in pairs:
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), atol=1e-12)


MHA_CASES = {
    "plain": {}, "batch_first": {"batch_first": True},
    "bias kv, zero attn": {"add_bias_kv": True, "add_zero_attn": True},
    "kdim vdim": {"kdim": 3, "vdim": 5}, "no bias": {"bias": False},
}


@pytest.mark.parametrize("name", list(MHA_CASES))
@pytest.mark.parametrize("masks", ["none", "bool", "float"])
def test_mha_against_torch(torch, rng, name, masks):
    kw = MHA_CASES[name]
    theirs = torch.nn.MultiheadAttention(4, 2, dtype=torch.float64, **kw)
    ours = nn.MultiheadAttention(4, 2, **kw)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    shapes = [(3, 2, 4), (5, 2, kw.get("kdim", 4)), (5, 2, kw.get("vdim", 4))]
    if kw.get("batch_first"):
        shapes = [(s[1], s[0], s[2]) for s in shapes]
    (q, qt), (k, kt), (v, vt) = (_pair(torch, rng.standard_normal(s)) for s in shapes)
    pad = np.zeros((2, 5), dtype=bool)
    pad[1, 3:] = True
    block = rng.random((3, 5)) > 0.8
    block[:, 0] = False
    mask_kw = ({}, {})
    if masks == "bool":
        mask_kw = ({"key_padding_mask": tg.tensor(pad), "attn_mask": tg.tensor(block)},
                   {"key_padding_mask": torch.tensor(pad), "attn_mask": torch.tensor(block)})
    elif masks == "float":
        fm = rng.standard_normal((2 * 2, 3, 5))  # a 3-D mask: one per (batch, head)
        fp = np.where(pad, -np.inf, 0.0)
        mask_kw = ({"key_padding_mask": tg.tensor(fp), "attn_mask": tg.tensor(fm)},
                   {"key_padding_mask": torch.tensor(fp), "attn_mask": torch.tensor(fm)})
    for need_weights, average in ((True, True), (True, False), (False, True)):
        ours.zero_grad()
        theirs.zero_grad()
        out, w = ours(q, k, v, need_weights=need_weights, average_attn_weights=average, **mask_kw[0])
        ref, rw = theirs(qt, kt, vt, need_weights=need_weights, average_attn_weights=average, **mask_kw[1])
        np.testing.assert_allclose(out.data, ref.detach().numpy(), atol=1e-12)
        assert (w is None) == (rw is None)
        if w is not None:
            np.testing.assert_allclose(w.data, rw.detach().numpy(), atol=1e-12)
        g = rng.standard_normal(out.shape)
        out.backward(tg.tensor(g))
        ref.backward(torch.tensor(g))
        named = dict(theirs.named_parameters())
        for n, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad.data, named[n].grad.numpy(), atol=1e-11, err_msg=n)
    assert repr(ours) == repr(theirs)


def test_mha_unbatched_causal_and_self_attention_against_torch(torch, rng):
    theirs = torch.nn.MultiheadAttention(4, 2, dtype=torch.float64)
    ours = nn.MultiheadAttention(4, 2)
    ours.load_state_dict(theirs.state_dict())  # torch tensors are accepted too
    x, xt = _pair(torch, rng.standard_normal((3, 4)))
    causal = np.triu(np.ones((3, 3), dtype=bool), 1)
    for need_weights in (True, False):
        out, _ = ours(x, x, x, attn_mask=tg.tensor(causal), is_causal=True, need_weights=need_weights)
        ref, _ = theirs(xt, xt, xt, attn_mask=torch.tensor(causal), is_causal=True, need_weights=need_weights)
        np.testing.assert_allclose(out.data, ref.detach().numpy(), atol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), atol=1e-12)
    theirs.eval()
    ours.eval()
    with torch.no_grad(), tg.no_grad():  # (torch's fused inference path gives the same numbers)
        xb = rng.standard_normal((2, 3, 4))
        np.testing.assert_allclose(ours(tg.tensor(xb), tg.tensor(xb), tg.tensor(xb))[0].data,
                                   theirs(*(torch.tensor(xb),) * 3)[0].numpy(), atol=1e-12)


@pytest.mark.parametrize("static", [False, True])
def test_functional_mha_against_torch(torch, rng, static):
    arrays = {"q": (3, 2, 4), "k": (5, 2, 4), "v": (5, 2, 4), "w": (12, 4), "b": (12,), "wo": (4, 4), "bo": (4,)}
    pairs = {n: _pair(torch, rng.standard_normal(s)) for n, s in arrays.items()}
    extra = {"static_k": _pair(torch, rng.standard_normal((4, 6, 2))),
             "static_v": _pair(torch, rng.standard_normal((4, 6, 2)))} if static else {}

    def run(i, fn):
        p = {n: t[i] for n, t in pairs.items()}
        return fn(p["q"], p["k"], p["v"], 4, 2, p["w"], p["b"], None, None, False, 0.0, p["wo"], p["bo"],
                  **{n: t[i] for n, t in extra.items()})

    (out, w), (ref, rw) = run(0, F.multi_head_attention_forward), \
        run(1, torch.nn.functional.multi_head_attention_forward)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(w.data, rw.detach().numpy(), atol=1e-12)
    (out.sum() + (w * w).sum()).backward()
    (ref.sum() + (rw * rw).sum()).backward()
    for n, (a, b) in list(pairs.items()) + list(extra.items()):
        if b.grad is not None or a.grad is not None:
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), atol=1e-11, err_msg=n)
