"""Resampling configurations for the modules fuzz (modules_fuzz.py): interpolate and Upsample,
grid_sample, affine_grid, unfold/fold, pixel_shuffle/unshuffle, pad. See modules_cases.py for
what a generator returns.
"""
from __future__ import annotations

import math
import random

from tests.fuzz.modules_cases import _args, _each, _shape, _tup

_MODES = {1: ["nearest", "nearest-exact", "area", "linear"],
          2: ["nearest", "nearest-exact", "area", "bilinear", "bicubic"],
          3: ["nearest", "nearest-exact", "area", "trilinear"]}


def interpolate(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    mode = r.choice(_MODES[d])
    shape = [r.randint(1, 2), r.randint(1, 2)] + [r.randint(1, 5) for _ in range(d)]
    opts: dict = {}
    if r.random() < 0.5:
        size = r.randint(1, 7) if r.random() < 0.5 else tuple(r.randint(1, 7) for _ in range(d))
        opts["size"] = size
    else:
        scale = r.choice([0.5, 1.5, 2, 2.0, 0.7, 3, 1.3, 0.25])
        opts["scale_factor"] = scale if r.random() < 0.6 else tuple(
            r.choice([0.5, 1.5, 2.0, 0.7, 3.0]) for _ in range(d))
    linear = mode in ("linear", "bilinear", "bicubic", "trilinear")
    if linear and r.random() < 0.6:
        opts["align_corners"] = r.random() < 0.5
    upsample = r.random() < 0.25 and mode not in ("nearest-exact", "area")
    if upsample:
        src = f"m = nn.Upsample({_args(**opts, mode=mode)})\nx = x_({_shape(*shape)})\nout = m(x)"
    else:
        if "scale_factor" in opts and r.random() < 0.4:
            opts["recompute_scale_factor"] = r.random() < 0.7
        if mode in ("bilinear", "bicubic") and r.random() < 0.4:
            opts["antialias"] = True
        src = f"x = x_({_shape(*shape)})\nout = F.interpolate(x, {_args(mode=mode, **opts)})"
    if opts.get("antialias"):
        factors = opts.get("scale_factor")
        factors = factors if isinstance(factors, tuple) else (factors,) * d
        out_sizes = opts.get("size") or tuple(math.floor(n * sc) for n, sc in zip(shape[2:], factors))
        out_sizes = out_sizes if isinstance(out_sizes, tuple) else (out_sizes,) * d
        if out_sizes[1] == 1 and out_sizes[0] != shape[2]:
            src += f"\n{ANTIALIAS_WIDTH_1}"
    if mode == "bicubic" and "scale_factor" in opts and not opts.get("align_corners") \
            and not opts.get("antialias") and not opts.get("recompute_scale_factor"):
        scales = opts["scale_factor"] if isinstance(opts["scale_factor"], tuple) else (opts["scale_factor"],) * d
        if any(math.floor(n * s) == n and s != 1 for n, s in zip(shape[2:], scales)):
            src += f"\n{BICUBIC_COPY}"
    return src


#: marks a snippet where PyTorch's antialiased output is wrong (see modules_fuzz.KNOWN)
ANTIALIAS_WIDTH_1 = "# (antialias to an output width of 1 with the height changed)"
#: marks a snippet where PyTorch's bicubic gradient is wrong (see modules_fuzz.KNOWN)
BICUBIC_COPY = "# (an output size equal to the input's with a scale factor other than 1)"


def grid_sample(r: random.Random) -> str:
    d = r.choice([2, 2, 3])
    mode = r.choice(["bilinear", "nearest", "bicubic"] if d == 2 else ["bilinear", "nearest"])
    n, c = r.randint(1, 2), r.randint(1, 2)
    src = f"x = x_({_shape(n, c, *[r.randint(1, 4) for _ in range(d)])})\n"
    src += f"g = x_({_shape(n, *[r.randint(1, 3) for _ in range(d)], d)}, lo=-1.3, hi=1.3)\n"
    kw = _args(mode=mode, padding_mode=r.choice(["zeros", "border", "reflection"]),
               align_corners=r.random() < 0.5)
    return src + f"out = F.grid_sample(x, g, {kw})"


def affine_grid(r: random.Random) -> str:
    d = r.choice([2, 3])
    n = r.randint(1, 2)
    size = (n, r.randint(1, 2), *[r.randint(1, 4) for _ in range(d)])
    ac = r.random() < 0.5
    src = f"theta = x_({n}, {d}, {d + 1})\ng = F.affine_grid(theta, {size!r}, align_corners={ac})\n"
    if r.random() < 0.5:
        return src + f"x = x_({_shape(*size)})\nout = (g, F.grid_sample(x, g, align_corners={ac}))"
    return src + "out = g"


def unfold_fold(r: random.Random) -> str:
    k, dl, p, s = _tup(r, 2, 1, 3), _tup(r, 2, 1, 2), _tup(r, 2, 0, 1), _tup(r, 2, 1, 2)
    batch = [] if r.random() < 0.2 else [r.randint(1, 2)]
    c = r.randint(1, 2)
    hw = [r.randint(2, 5), r.randint(2, 5)]
    kw = _args(dilation=dl, padding=p, stride=s)
    if r.random() < 0.5:
        if r.random() < 0.5:
            return f"m = nn.Unfold({k!r}, {kw})\nx = x_({_shape(*batch, c, *hw)})\nout = m(x)"
        return f"x = x_({_shape(*batch, c, *hw)})\nout = F.unfold(x, {k!r}, {kw})"
    blocks = [math.floor((o + 2 * pp - dd * (kk - 1) - 1) / ss + 1)
              for o, pp, dd, kk, ss in zip(hw, _each(p, 2), _each(dl, 2), _each(k, 2), _each(s, 2))]
    length = max(blocks[0], 0) * max(blocks[1], 0)
    rows = c * math.prod(_each(k, 2))
    return (f"x = x_({_shape(*batch, rows, length)})\n"
            f"m = nn.Fold({tuple(hw)!r}, {k!r}, {kw})\nout = m(x)")


def pixel_shuffle(r: random.Random) -> str:
    f = r.randint(1, 3)
    lead = [r.randint(1, 2) for _ in range(r.randint(0, 2))]
    c, h, w = r.randint(1, 2), r.randint(1, 3), r.randint(1, 3)
    if r.random() < 0.5:
        return f"x = x_({_shape(*lead, c * f * f, h, w)})\nout = nn.PixelShuffle({f})(x)"
    return f"x = x_({_shape(*lead, c, h * f, w * f)})\nout = F.pixel_unshuffle(x, {f})"


def pad(r: random.Random) -> str:
    d = r.choice([1, 2, 3])
    mode = r.choice(["constant", "reflect", "replicate", "circular"])
    batch = [] if r.random() < 0.3 else [r.randint(1, 2)]
    shape = batch + [r.randint(1, 2)] + [r.randint(1, 4) for _ in range(d)]
    k = r.randint(1, d)
    # (negative amounts crop; PyTorch's circular pad with a negative amount reads uninitialised
    # memory for some shapes, so only the constant mode crops here)
    lo = -2 if mode == "constant" else 0
    pads = tuple(r.randint(lo, 3) for _ in range(2 * k))
    value = f", value={r.choice([0.0, 1.5])}" if mode == "constant" else ""
    if mode != "constant" and r.random() < 0.3:
        name = {"reflect": "Reflection", "replicate": "Replication", "circular": "Circular"}[mode]
        amounts = pads if len(pads) == 2 * d else pads[0]
        return f"m = nn.{name}Pad{d}d({amounts!r})\nx = x_({_shape(*shape)})\nout = m(x)"
    return f"x = x_({_shape(*shape)})\nout = F.pad(x, {pads!r}, mode={mode!r}{value})"


CASES = {"interpolate": interpolate, "grid_sample": grid_sample, "affine_grid": affine_grid,
         "unfold_fold": unfold_fold, "pixel_shuffle": pixel_shuffle, "pad": pad}
