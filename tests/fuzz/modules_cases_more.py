"""Module configurations for the modules fuzz (modules_fuzz.py): recurrent layers, embeddings,
attention and transformer layers. Losses are in modules_cases_losses.py, resampling in
modules_cases_resampling.py.
See modules_cases.py for what a generator returns.
"""
from __future__ import annotations

import random

from tests.fuzz.modules_cases import _args, _shape

# ---------------------------------------------------------------------------------------------
# recurrent


def rnn(r: random.Random) -> str:
    kind = r.choice(["RNN", "LSTM", "GRU"])
    i, h = r.randint(1, 3), r.randint(1, 4)
    layers, bidir, bf = r.randint(1, 3), r.random() < 0.5, r.random() < 0.5
    opts = dict(num_layers=layers, bias=r.random() < 0.7, batch_first=bf, bidirectional=bidir)
    if kind == "RNN":
        opts["nonlinearity"] = r.choice(["tanh", "relu"])
    proj = 0
    if kind == "LSTM" and h > 1 and r.random() < 0.4:
        proj = opts["proj_size"] = r.randint(1, h - 1)
    t, b = r.randint(1, 4), r.randint(1, 3)
    ndir = 2 if bidir else 1
    hout = proj or h
    src = f"m = init_(nn.{kind}({i}, {h}, {_args(**opts)}))\n"
    roll = r.random()
    state_batch = [b]
    if roll < 0.2:       # unbatched
        src += f"x = x_({t}, {i})\n"
        state_batch = []
        call = "m(x{hx})"
    elif roll < 0.5:     # a PackedSequence
        lengths = sorted((r.randint(1, t) for _ in range(b)), reverse=True)
        lengths[0] = t
        sort = r.random() < 0.5
        if not sort:
            r.shuffle(lengths)
        src += f"x = x_({_shape(*((b, t) if bf else (t, b)), i)})\n"
        src += (f"p = nn.utils.rnn.pack_padded_sequence(x, {lengths!r}, batch_first={bf}, "
                f"enforce_sorted={sort})\n")
        call = "m(p{hx})"
    else:
        src += f"x = x_({_shape(*((b, t) if bf else (t, b)), i)})\n"
        call = "m(x{hx})"
    hx = ""
    if r.random() < 0.5:
        src += f"h0 = x_({_shape(layers * ndir, *state_batch, hout)})\n"
        if kind == "LSTM":
            src += f"c0 = x_({_shape(layers * ndir, *state_batch, h)})\n"
            hx = ", (h0, c0)"
        else:
            hx = ", h0"
    src += "out = " + call.format(hx=hx)
    if "m(p" in call and r.random() < 0.5:
        src += f"\nout = (nn.utils.rnn.pad_packed_sequence(out[0], batch_first={bf}), out[1])"
    return src


def rnn_cell(r: random.Random) -> str:
    kind = r.choice(["RNNCell", "LSTMCell", "GRUCell"])
    i, h = r.randint(1, 3), r.randint(1, 4)
    opts = {"bias": r.random() < 0.7}
    if kind == "RNNCell":
        opts["nonlinearity"] = r.choice(["tanh", "relu"])
    batch = [] if r.random() < 0.3 else [r.randint(1, 3)]
    src = f"m = init_(nn.{kind}({i}, {h}, {_args(**opts)}))\nx = x_({_shape(*batch, i)})\n"
    if r.random() < 0.5:
        return src + "out = m(x)"
    src += f"h0 = x_({_shape(*batch, h)})\n"
    if kind == "LSTMCell":
        return src + f"c0 = x_({_shape(*batch, h)})\nout = m(x, (h0, c0))"
    return src + "out = m(x, h0)"


# ---------------------------------------------------------------------------------------------
# embeddings


def embedding(r: random.Random) -> str:
    n, d = r.randint(2, 6), r.randint(1, 4)
    opts = {}
    if r.random() < 0.4:
        opts["padding_idx"] = r.randint(-n, n - 1)
    if r.random() < 0.4:
        opts["max_norm"] = r.choice([0.5, 1.0])
        opts["norm_type"] = r.choice([1.0, 2.0, 3.0])
    opts["scale_grad_by_freq"] = r.random() < 0.4
    shape = [r.randint(1, 4) for _ in range(r.randint(0, 2))]
    src = f"m = init_(nn.Embedding({n}, {d}, {_args(**opts)}))\nidx = i_(0, {n}, {_shape(*shape)})\n"
    if r.random() < 0.25:
        w = f"w = x_({n}, {d})\n"
        return src + w + f"out = F.embedding(idx, w, {_args(**opts)})"
    return src + "out = m(idx)"


def embedding_bag(r: random.Random) -> str:
    n, d = r.randint(2, 6), r.randint(1, 3)
    mode = r.choice(["sum", "mean", "max"])
    opts = {"mode": mode}
    if r.random() < 0.3:
        opts["padding_idx"] = r.randint(0, n - 1)
    if r.random() < 0.2:
        opts["max_norm"] = 1.0
    src = ""
    psw = mode == "sum" and r.random() < 0.4
    if r.random() < 0.4:     # 2-D input: fixed-length bags
        b, l = r.randint(1, 3), r.randint(1, 3)
        src += f"idx = i_(0, {n}, {b}, {l})\n"
        args = "idx"
        if psw:
            args += f", per_sample_weights=x_({b}, {l})"
    else:
        total = r.randint(0, 6)
        bags = r.randint(1, 3)
        cuts = sorted(r.randint(0, total) for _ in range(bags - 1))
        offsets = [0] + cuts
        last = r.random() < 0.4
        if last:
            offsets.append(total)
            opts["include_last_offset"] = True
        src += f"idx = i_(0, {n}, {total})\noffsets = tg.tensor({offsets!r})\n"
        args = "idx, offsets"
        if psw:
            args += f", per_sample_weights=x_({total})"
    src = f"m = init_(nn.EmbeddingBag({n}, {d}, {_args(**opts)}))\n" + src
    return src + f"out = m({args})"


# ---------------------------------------------------------------------------------------------
# attention


def _mask(r: random.Random, shape: tuple, p: float = 0.25) -> str:
    if r.random() < 0.5:
        return f"b_({p}, {_shape(*shape)})"
    # (a float mask of moderate values: -1e9 + x would round x to 1e-7 in both libraries, which
    # then differ by that rounding)
    return f"tg.where(b_({p}, {_shape(*shape)}), -4.0, x_({_shape(*shape)}, grad=False))"


def multihead_attention(r: random.Random) -> str:
    heads, hd = r.randint(1, 3), r.randint(1, 2)
    e = heads * hd
    kdim = r.choice([None, e, r.randint(1, 4)])
    vdim = r.choice([None, e, r.randint(1, 4)])
    bf = r.random() < 0.5
    opts = dict(bias=r.random() < 0.7, add_bias_kv=r.random() < 0.3, add_zero_attn=r.random() < 0.3,
                kdim=kdim, vdim=vdim, batch_first=bf)
    lq, s, n = r.randint(1, 3), r.randint(1, 4), r.randint(1, 2)
    unbatched = r.random() < 0.2
    batch = [] if unbatched else [n]
    def shp(length, dim):
        return (length, dim) if unbatched else ((n, length, dim) if bf else (length, n, dim))
    src = f"m = init_(nn.MultiheadAttention({e}, {heads}, {_args(**opts)}))\n"
    self_attn = kdim in (None, e) and vdim in (None, e) and r.random() < 0.3
    if self_attn:
        src += f"q = x_({_shape(*shp(lq, e))})\nk = v = q\n"
        s = lq
    else:
        src += (f"q = x_({_shape(*shp(lq, e))})\nk = x_({_shape(*shp(s, kdim or e))})\n"
                f"v = x_({_shape(*shp(s, vdim or e))})\n")
    kw = {}
    if r.random() < 0.4:
        kw["key_padding_mask"] = _mask(r, tuple(batch) + (s,))
    causal = r.random() < 0.2
    if r.random() < 0.5 or causal:
        if causal and lq == s:
            kw["attn_mask"] = "tg.ones(%d, %d, dtype=tg.bool).triu(1)" % (lq, s)
            kw["is_causal"] = "True"
        elif r.random() < 0.6 or unbatched:
            kw["attn_mask"] = _mask(r, (lq, s))
        else:
            kw["attn_mask"] = _mask(r, (n * heads, lq, s))
    kw["need_weights"] = repr(r.random() < 0.7)
    kw["average_attn_weights"] = repr(r.random() < 0.6)
    call = ", ".join(f"{k_}={v_}" for k_, v_ in kw.items())
    return src + f"out = m(q, k, v, {call})"


def transformer_layer(r: random.Random) -> str:
    heads = r.randint(1, 2)
    d = heads * r.randint(1, 2)
    bf = r.random() < 0.5
    opts = dict(dim_feedforward=r.randint(1, 4), dropout=0.0, activation=r.choice(["relu", "gelu"]),
                layer_norm_eps=1e-5, batch_first=bf, norm_first=r.random() < 0.5, bias=r.random() < 0.8)
    n, l, s = r.randint(1, 2), r.randint(1, 3), r.randint(1, 3)
    unbatched = r.random() < 0.15
    def shp(length):
        return (length, d) if unbatched else ((n, length, d) if bf else (length, n, d))
    kpm = [] if unbatched else [n]
    if r.random() < 0.5:
        src = f"m = init_(nn.TransformerEncoderLayer({d}, {heads}, {_args(**opts)}))\nx = x_({_shape(*shp(l))})\n"
        kw = []
        if r.random() < 0.3:
            kw.append(f"src_mask={_mask(r, (l, l), 0.2)}")
        if r.random() < 0.3:
            kw.append(f"src_key_padding_mask=b_(0.2, {_shape(*kpm, l)})")
        return src + f"out = m(x{''.join(', ' + k for k in kw)})"
    src = (f"m = init_(nn.TransformerDecoderLayer({d}, {heads}, {_args(**opts)}))\n"
           f"x = x_({_shape(*shp(l))})\nmem = x_({_shape(*shp(s))})\n")
    kw = []
    if r.random() < 0.3:
        kw.append("tgt_mask=nn.Transformer.generate_square_subsequent_mask(%d)" % l)
        if r.random() < 0.5:
            kw.append("tgt_is_causal=True")
    if r.random() < 0.3:
        kw.append(f"memory_mask={_mask(r, (l, s), 0.2)}")
    if r.random() < 0.3:
        kw.append(f"tgt_key_padding_mask=b_(0.2, {_shape(*kpm, l)})")
    if r.random() < 0.3:
        kw.append(f"memory_key_padding_mask=b_(0.2, {_shape(*kpm, s)})")
    return src + f"out = m(x, mem{''.join(', ' + k for k in kw)})"


CASES = {
    "rnn": rnn, "rnn_cell": rnn_cell, "embedding": embedding, "embedding_bag": embedding_bag,
    "multihead_attention": multihead_attention, "transformer_layer": transformer_layer,
}
