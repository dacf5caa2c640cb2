"""Module configurations for the modules fuzz (modules_fuzz.py): convolutions, pooling,
normalization.

Each generator takes a `random.Random` and returns a snippet that runs with `tg`, `nn`, `F` bound
to either library and the helpers of modules_fuzz.HEADER (`x_` a float input that requires grad,
`i_` ints, `b_` bools, `init_` the same weights in both); it leaves its result in `out` and its
module (if any) in `m`. Configurations are drawn mostly from the ones PyTorch accepts; the rest
check that both refuse.
"""
from __future__ import annotations

import random


def _tup(r: random.Random, d: int, lo: int, hi: int):
    """An int or a d-tuple of ints in [lo, hi]."""
    if r.random() < 0.5:
        return r.randint(lo, hi)
    return tuple(r.randint(lo, hi) for _ in range(d))


def _each(v, d: int) -> tuple:
    return v if isinstance(v, tuple) else (v,) * d


def _args(**kw) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kw.items())


def _shape(*dims) -> str:
    return ", ".join(str(d) for d in dims)


# ---------------------------------------------------------------------------------------------
# convolutions


def conv(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    transposed = r.random() < 0.35
    functional = r.random() < 0.3
    groups = r.choice([1, 1, 2, 3])
    cin, cout = groups * r.choice([1, 2]), groups * r.choice([1, 2])
    k = _tup(r, d, 1, 3)
    stride = _tup(r, d, 1, 3 if d < 3 else 2)
    dilation = _tup(r, d, 1, 2)
    bias = r.random() < 0.7
    sizes = [r.randint(3, 7 if d < 3 else 5) for _ in range(d)]
    batch = [] if r.random() < 0.15 else [r.randint(1, 2)]
    x = f"x = x_({_shape(*batch, cin, *sizes)})\n"
    if transposed:
        padding = _tup(r, d, 0, 2)
        s, dl = _each(stride, d), _each(dilation, d)
        output_padding = tuple(r.randint(0, max(a, b) - 1) for a, b in zip(s, dl))
        if r.random() < 0.5 and len(set(output_padding)) == 1:
            output_padding = output_padding[0]
        if functional:
            w = f"w = x_({_shape(cin, cout // groups, *_each(k, d))})\n"
            b = f"b = x_({cout})\n" if bias else "b = None\n"
            return (x + w + b + f"out = F.conv_transpose{d}d(x, w, b, {stride!r}, {padding!r}, "
                    f"{output_padding!r}, {groups}, {dilation!r})")
        kw = _args(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                   bias=bias, dilation=dilation)
        return f"m = init_(nn.ConvTranspose{d}d({cin}, {cout}, {k!r}, {kw}))\n" + x + "out = m(x)"
    roll = r.random()
    if roll < 0.15:
        padding = "valid"
    elif roll < 0.35:
        padding, stride = "same", 1
    else:
        padding = _tup(r, d, 0, 2)
    if functional:
        w = f"w = x_({_shape(cout, cin // groups, *_each(k, d))})\n"
        b = f"b = x_({cout})\n" if bias else "b = None\n"
        return x + w + b + f"out = F.conv{d}d(x, w, b, {stride!r}, {padding!r}, {dilation!r}, {groups})"
    mode = r.choice(["zeros", "zeros", "reflect", "replicate", "circular"])
    kw = _args(stride=stride, padding=padding, dilation=dilation, groups=groups, bias=bias,
               padding_mode=mode)
    return f"m = init_(nn.Conv{d}d({cin}, {cout}, {k!r}, {kw}))\n" + x + "out = m(x)"


# ---------------------------------------------------------------------------------------------
# pooling


def _pool_input(r: random.Random, d: int, lo: int = 2, hi: int = 7, kw: str = "") -> str:
    batch = [] if r.random() < 0.2 else [r.randint(1, 2)]
    return f"x = x_({_shape(*batch, r.randint(1, 3), *[r.randint(lo, hi) for _ in range(d)])}{kw})\n"


def max_pool(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    k = _tup(r, d, 1, 3)
    stride = None if r.random() < 0.3 else _tup(r, d, 1, 3)
    padding = _tup(r, d, 0, 1)
    kw = _args(stride=stride, padding=padding, dilation=_tup(r, d, 1, 2),
               return_indices=r.random() < 0.4, ceil_mode=r.random() < 0.4)
    if r.random() < 0.3:   # ties: a max taken among equal values
        x = _pool_input(r, d).replace("x = x_(", "x = (x_(").rstrip("\n") + " * 2).round()\n"
    else:
        x = _pool_input(r, d)
    if r.random() < 0.3:
        return x + f"out = F.max_pool{d}d(x, {k!r}, {kw})"
    return f"m = nn.MaxPool{d}d({k!r}, {kw})\n" + x + "out = m(x)"


def avg_pool(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    k = _tup(r, d, 1, 3)
    opts = dict(stride=None if r.random() < 0.3 else _tup(r, d, 1, 3), padding=_tup(r, d, 0, 1),
                ceil_mode=r.random() < 0.4, count_include_pad=r.random() < 0.5)
    if d > 1 and r.random() < 0.3:
        opts["divisor_override"] = r.randint(1, 3)
    kw = _args(**opts)
    if r.random() < 0.3:
        return _pool_input(r, d) + f"out = F.avg_pool{d}d(x, {k!r}, {kw})"
    return f"m = nn.AvgPool{d}d({k!r}, {kw})\n" + _pool_input(r, d) + "out = m(x)"


def adaptive_pool(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    size = r.randint(1, 5) if d == 1 or r.random() < 0.3 else tuple(
        None if r.random() < 0.2 else r.randint(1, 5) for _ in range(d))
    if r.random() < 0.5:
        ri = r.random() < 0.5
        return (f"m = nn.AdaptiveMaxPool{d}d({size!r}, return_indices={ri})\n"
                + _pool_input(r, d, 1, 7) + "out = m(x)")
    return f"m = nn.AdaptiveAvgPool{d}d({size!r})\n" + _pool_input(r, d, 1, 7) + "out = m(x)"


def lp_pool(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    p = r.choice([1, 2, 3, 1.5, float("inf")]) if d < 3 else r.choice([1, 2, 3])
    # (PyTorch's lp_pool1d takes int kernel and stride only: a tuple raises a TypeError in its
    # arithmetic; ours accepts (k,) as the other pools do)
    k = _tup(r, d, 1, 3) if d > 1 else r.randint(1, 3)
    stride = None if r.random() < 0.4 else (_tup(r, d, 1, 3) if d > 1 else r.randint(1, 3))
    x = _pool_input(r, d, kw=", lo=0.1, hi=1.0")
    if r.random() < 0.3:
        return x + f"out = F.lp_pool{d}d(x, {p!r}, {k!r}, {stride!r}, {r.random() < 0.4})"
    return f"m = nn.LPPool{d}d({p!r}, {k!r}, {_args(stride=stride, ceil_mode=r.random() < 0.4)})\n" + x + "out = m(x)"


def max_unpool(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    k = _tup(r, d, 1, 3)
    stride = None if r.random() < 0.4 else _tup(r, d, 1, 3)
    padding = _tup(r, d, 0, 1)
    x = _pool_input(r, d, 3, 7)
    out_size = ""
    if r.random() < 0.3:
        out_size = ", output_size=x.shape[-%d:]" % d
    return (x + f"y, idx = F.max_pool{d}d(x, {k!r}, {stride!r}, {padding!r}, return_indices=True)\n"
            f"m = nn.MaxUnpool{d}d({k!r}, {stride!r}, {padding!r})\nout = m(y, idx{out_size})")


# ---------------------------------------------------------------------------------------------
# normalization


def batch_norm(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    c = r.randint(1, 3)
    kw = _args(eps=r.choice([1e-5, 1e-3, 0.5]), momentum=r.choice([None, 0.1, 0.5, 1.0]),
               affine=r.random() < 0.7, track_running_stats=r.random() < 0.7)
    n = r.randint(1, 3)
    if d == 1:
        shape = [max(n, 2), c] if r.random() < 0.5 else [n, c, r.randint(1, 4)]
    else:
        shape = [n, c] + [r.randint(1, 3) for _ in range(d)]
    twice = "out2 = m(x * 2 + 1)\nout = (out, out2)" if r.random() < 0.3 else ""
    return (f"m = init_(nn.BatchNorm{d}d({c}, {kw}))\nx = x_({_shape(*shape)})\nout = m(x)\n" + twice)


def instance_norm(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    c = r.randint(1, 3)
    kw = _args(eps=r.choice([1e-5, 0.5]), momentum=r.choice([None, 0.1, 0.7]),
               affine=r.random() < 0.5, track_running_stats=r.random() < 0.5)
    batch = [] if r.random() < 0.25 else [r.randint(1, 2)]
    shape = batch + [c] + [r.randint(2, 4) for _ in range(d)]
    if r.random() < 0.2:
        return (f"x = x_({_shape(*shape)})\nrm, rv = x_({c}, grad=False), x_({c}, lo=0.5, hi=2.0, grad=False)\n"
                f"out = (F.instance_norm(x, rm, rv, use_input_stats={r.random() < 0.7}, momentum=0.3), rm, rv)")
    return f"m = init_(nn.InstanceNorm{d}d({c}, {kw}))\nx = x_({_shape(*shape)})\nout = m(x)"


def layer_norm(r: random.Random) -> str:
    shape = [r.randint(1, 4) for _ in range(r.randint(1, 4))]
    k = r.randint(1, min(2, len(shape)))
    ns = tuple(shape[-k:]) if k > 1 or r.random() < 0.5 else shape[-1]
    kw = _args(eps=r.choice([1e-5, 0.5]), elementwise_affine=r.random() < 0.7, bias=r.random() < 0.7)
    if r.random() < 0.25:
        w = f"w = x_({_shape(*shape[-k:])})\n" if r.random() < 0.7 else "w = None\n"
        return (f"x = x_({_shape(*shape)})\n" + w +
                f"out = F.layer_norm(x, {tuple(shape[-k:])!r}, w, None, 1e-5)")
    return f"m = init_(nn.LayerNorm({ns!r}, {kw}))\nx = x_({_shape(*shape)})\nout = m(x)"


def group_norm(r: random.Random) -> str:
    g = r.randint(1, 3)
    c = g * r.randint(1, 2)
    shape = [r.randint(1, 2), c] + [r.randint(1, 3) for _ in range(r.randint(0, 2))]
    kw = _args(eps=r.choice([1e-5, 0.5]), affine=r.random() < 0.7)
    return f"m = init_(nn.GroupNorm({g}, {c}, {kw}))\nx = x_({_shape(*shape)})\nout = m(x)"


def local_response_norm(r: random.Random) -> str:
    shape = [r.randint(1, 2), r.randint(1, 5)] + [r.randint(1, 3) for _ in range(r.randint(1, 3))]
    kw = _args(alpha=r.choice([1e-4, 0.5]), beta=r.choice([0.75, 0.5, 1.5]), k=r.choice([1.0, 2.0]))
    return f"m = nn.LocalResponseNorm({r.randint(1, 4)}, {kw})\nx = x_({_shape(*shape)})\nout = m(x)"


CASES = {
    "conv": conv, "max_pool": max_pool, "avg_pool": avg_pool, "adaptive_pool": adaptive_pool,
    "lp_pool": lp_pool, "max_unpool": max_unpool, "batch_norm": batch_norm,
    "instance_norm": instance_norm, "layer_norm": layer_norm, "group_norm": group_norm,
    "local_response_norm": local_response_norm,
}
