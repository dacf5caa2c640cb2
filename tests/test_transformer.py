"""nn.TransformerEncoderLayer / TransformerEncoder / TransformerDecoderLayer / TransformerDecoder /
Transformer: the causal mask, shapes, causality of the gradient, errors, a short training run,
and -- where PyTorch is installed -- state_dict keys, values and every parameter gradient against
torch after loading its weights (eval mode, or dropout=0)."""
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


def test_square_subsequent_mask():
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    assert mask.shape == (4, 4) and mask.dtype == np.float64 and not mask.requires_grad
    np.testing.assert_array_equal(mask.data, np.triu(np.full((4, 4), -np.inf), 1))
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=tg.float32).dtype == np.float32
    assert nn.Transformer.generate_square_subsequent_mask(0).shape == (0, 0)


def test_encoder_shapes_clones_and_state_dict_keys():
    layer = nn.TransformerEncoderLayer(d_model=4, nhead=2, dim_feedforward=8)
    encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(4))
    assert encoder.layers[0].linear1.weight is not encoder.layers[1].linear1.weight
    np.testing.assert_array_equal(encoder.layers[0].linear1.weight.data, encoder.layers[1].linear1.weight.data)
    keys = list(encoder.state_dict())
    assert keys[:4] == ["layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias",
                        "layers.0.self_attn.out_proj.weight", "layers.0.self_attn.out_proj.bias"]
    assert keys[-2:] == ["norm.weight", "norm.bias"] and len(keys) == 2 * 12 + 2
    assert encoder(tg.randn(5, 3, 4)).shape == (5, 3, 4)
    assert encoder(tg.randn(5, 4)).shape == (5, 4)  # unbatched (S, E)
    batch_first = nn.TransformerEncoderLayer(4, 2, 8, batch_first=True, norm_first=True, activation="gelu")
    assert batch_first(tg.randn(3, 5, 4)).shape == (3, 5, 4) and batch_first.activation is F.gelu


def test_causal_mask_keeps_the_future_out_of_the_gradient(rng):
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)
    encoder = nn.TransformerEncoder(layer, 2)
    src = tg.tensor(rng.standard_normal((5, 2, 4)), requires_grad=True)
    out = encoder(src, mask=nn.Transformer.generate_square_subsequent_mask(5))
    # position 2 depends on positions 0..2 only. (Weighted: a plain sum of a LayerNorm's output
    # over its features is constant, so its gradient would be rounding noise.)
    (out[2] * tg.tensor(rng.standard_normal((2, 4)))).sum().backward()
    assert np.all(src.grad.data[3:] == 0) and np.all(np.abs(src.grad.data[:3]).sum((1, 2)) > 0)
    bool_mask = tg.tensor(np.triu(np.ones((5, 5), dtype=bool), 1))  # True = may not attend
    np.testing.assert_allclose(encoder(src, mask=bool_mask).data, out.data, atol=1e-12)


def test_padded_keys_do_not_change_the_other_positions(rng):
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True)
    x = rng.standard_normal((1, 4, 4))
    longer = np.concatenate([x, rng.standard_normal((1, 2, 4))], axis=1)
    pad = tg.tensor(np.array([[False] * 4 + [True] * 2]))
    np.testing.assert_allclose(layer(tg.tensor(longer), src_key_padding_mask=pad).data[:, :4],
                               layer(tg.tensor(x)).data, atol=1e-12)


def test_transformer_shapes_init_and_errors():
    tg.manual_seed(0)
    model = nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=8)
    out = model(tg.randn(6, 2, 4), tg.randn(3, 2, 4), tgt_mask=nn.Transformer.generate_square_subsequent_mask(3))
    assert out.shape == (3, 2, 4)
    for name, p in model.named_parameters():  # every matrix from xavier_uniform_
        if p.ndim > 1:
            fan_out, fan_in = p.shape
            assert np.abs(p.data).max() <= math.sqrt(6 / (fan_in + fan_out)), name
    assert "decoder.layers.1.multihead_attn.in_proj_weight" in model.state_dict()
    with pytest.raises(RuntimeError, match="batch number"):
        model(tg.randn(6, 2, 4), tg.randn(3, 3, 4))
    with pytest.raises(RuntimeError, match="d_model"):
        model(tg.randn(6, 2, 4), tg.randn(3, 2, 5))
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")


def test_a_tiny_encoder_learns():
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 5, 4))
    y = (x[:, :, 0].sum(1) > 0).astype(np.int64)  # does the first feature sum to more than 0?
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True), 1)
    head = nn.Linear(4, 2)
    opt = tg.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=0.02)
    losses = []
    for _ in range(30):
        loss = F.cross_entropy(head(encoder(tg.tensor(x)).mean(1)), tg.tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


# ---- against PyTorch ------------------------------------------------------------------------------

def _compare(torch, rng, theirs, ours, args, train=False, **masks):
    """Load torch's weights into ours, run both on the same inputs, compare output and gradients."""
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    theirs.train(train)
    ours.train(train)
    theirs.zero_grad()  # (deep copies of a layer that ran backward before carry its .grad)
    ours.zero_grad()
    ref = theirs(*(torch.tensor(a) for a in args), **{k: torch.tensor(m) for k, m in masks.items()})
    out = ours(*(tg.tensor(a) for a in args), **{k: tg.tensor(m) for k, m in masks.items()})
    np.testing.assert_allclose(out.data, ref.detach().numpy(), atol=1e-11)
    g = rng.standard_normal(out.shape)
    ref.backward(torch.tensor(g))
    out.backward(tg.tensor(g))
    named = dict(theirs.named_parameters())
    for n, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, named[n].grad.numpy(), atol=1e-10, err_msg=n)


LAYER_OPTIONS = [{}, {"norm_first": True}, {"activation": "gelu", "batch_first": True}, {"bias": False}]


def _src_tgt(rng, options):
    src, tgt = rng.standard_normal((5, 2, 4)), rng.standard_normal((3, 2, 4))
    if options.get("batch_first"):
        src, tgt = src.transpose(1, 0, 2).copy(), tgt.transpose(1, 0, 2).copy()
    return src, tgt


@pytest.mark.parametrize("options", LAYER_OPTIONS, ids=str)
def test_encoder_against_torch(torch, rng, options):
    src, _ = _src_tgt(rng, options)
    pad = np.zeros((2, 5), dtype=bool)
    pad[1, 3:] = True
    theirs = torch.nn.TransformerEncoderLayer(4, 2, 8, dtype=torch.float64, **options)
    ours = nn.TransformerEncoderLayer(4, 2, 8, **options)
    _compare(torch, rng, theirs, ours, [src], src_key_padding_mask=pad)
    stack = torch.nn.TransformerEncoder(theirs, 2, norm=torch.nn.LayerNorm(4, dtype=torch.float64),
                                        enable_nested_tensor=False)
    _compare(torch, rng, stack, nn.TransformerEncoder(ours, 2, norm=nn.LayerNorm(4)), [src],
             mask=np.triu(np.full((5, 5), -np.inf), 1))
    _compare(torch, rng, stack, nn.TransformerEncoder(ours, 2, norm=nn.LayerNorm(4)), [src],
             mask=rng.random((5, 5)) > 0.7, src_key_padding_mask=pad)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")  # (torch's fast-path notice)
@pytest.mark.parametrize("options", LAYER_OPTIONS, ids=str)
def test_decoder_and_transformer_against_torch(torch, rng, options):
    src, tgt = _src_tgt(rng, options)
    pad = np.zeros((2, 5), dtype=bool)
    pad[0, 4] = True
    causal = np.triu(np.full((3, 3), -np.inf), 1)
    theirs = torch.nn.TransformerDecoderLayer(4, 2, 8, dtype=torch.float64, **options)
    ours = nn.TransformerDecoderLayer(4, 2, 8, **options)
    _compare(torch, rng, theirs, ours, [tgt, src], tgt_mask=causal, memory_key_padding_mask=pad)
    _compare(torch, rng, torch.nn.TransformerDecoder(theirs, 2), nn.TransformerDecoder(ours, 2), [tgt, src],
             tgt_mask=causal, memory_mask=rng.standard_normal((3, 5)))
    full_theirs = torch.nn.Transformer(4, 2, 1, 2, 8, dtype=torch.float64, **options)
    full_ours = nn.Transformer(4, 2, 1, 2, 8, **options)
    _compare(torch, rng, full_theirs, full_ours, [src, tgt], tgt_mask=causal, src_key_padding_mask=pad,
             memory_key_padding_mask=pad)
    assert repr(ours).replace(", inplace=False", "") == repr(theirs).replace(", inplace=False", "")


def test_training_mode_without_dropout_and_a_callable_activation(torch, rng):
    theirs = torch.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation=torch.nn.functional.silu,
                                              dtype=torch.float64)
    ours = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation=F.silu)
    _compare(torch, rng, theirs, ours, [rng.standard_normal((3, 2, 4))], train=True)
    assert ours.activation_relu_or_gelu == theirs.activation_relu_or_gelu == 0
