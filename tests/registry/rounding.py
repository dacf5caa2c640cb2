"""Rounding (ops/elementwise.py: Floor, Ceil, Trunc, Round) has gradient 0, and frac gradient 1;
gradcheck agrees away from the jumps, where random normal inputs lie (a jump within eps of an
input has probability ~1e-6)."""
import tinygrad_edu as tg

from . import register

register("tg.floor", lambda x: tg.floor(x * 3) + x, [(3,)], [(2, 3)], [()])
register("Tensor.floor", lambda x: x.floor() * x, [(3,)], [(2, 3)], [()])
register("tg.ceil", lambda x: tg.ceil(x * 3) * x, [(3,)], [(2, 3)], [()])
register("Tensor.ceil", lambda x: x.ceil() + x, [(3,)], [(2, 3)], [()])
register("tg.trunc", lambda x: tg.trunc(x * 3) * x, [(3,)], [(2, 3)], [()])
register("Tensor.trunc", lambda x: x.trunc() + x, [(3,)], [(2, 3)], [()])
register("tg.round", lambda x: tg.round(x * 3) * x, [(3,)], [(2, 3)], [()])
register("Tensor.round", lambda x: x.round(decimals=1) * x, [(3,)], [(2, 3)], [()])
register("tg.frac", lambda x: tg.frac(x * 3) * x, [(3,)], [(2, 3)], [()])
register("Tensor.frac", lambda x: x.frac().sin(), [(3,)], [(2, 3)], [()])
