"""The numbers of `tg.linspace` and `tg.logspace` (and of `tg.histogram`'s bin edges), computed
as PyTorch's CPU kernels compute them, so that they agree with PyTorch's to the last bit.

linspace (ATen's linspace_kernel): step = (end - start) / (steps - 1); point i is
start + step·i in the first half (i < steps // 2) and end - step·(steps - 1 - i) in the second,
so both ends are exact. PyTorch compiles that kernel once per CPU capability and picks one at run
time; on x86-64 CPUs with AVX2 or AVX-512 (`torch.backends.cpu.get_cpu_capability()`) the
compiler fuses each multiply-add into one rounding (an FMA). numpy has no FMA function, so
`fma` below computes it exactly. Per dtype:

- float32, float64: in the dtype, with the fused multiply-add;
- float16: each operation rounded to float16, as c10::Half computes (in float, then rounded);
- integers: start and end truncated to integers, the points computed in float64 (fused) and
  truncated toward zero.

logspace (ATen's logspace_out, compiled once, without fusing): step = (end - start) / (steps - 1)
in float64, end - start computed in the dtype; point i is base ** (start + step·i) in the first
half and base ** (end - step·(steps - 1 - i)) in the second, the power by the C library's pow
(`math.pow`: numpy's own power can differ in the last bit) in float64, then rounded to the dtype
(float16 through float32, as c10::Half converts; integers truncated).

>>> import numpy as np
>>> linspace_values(0.0, 1.0, 5, np.dtype(np.float32))
array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
"""
from __future__ import annotations

import math

import numpy as np


# ---- a fused multiply-add, exactly -------------------------------------------------------------
def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple:
    """(s, e) with s = a + b rounded and s + e = a + b exactly (Knuth's TwoSum)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple:
    """(p, e) with p = a·b rounded and p + e = a·b exactly (Dekker's product, Veltkamp's split)."""
    split = a.dtype.type(2.0 ** ((np.finfo(a.dtype).nmant + 2) // 2) + 1)

    def halves(x):
        c = split * x
        high = c - (c - x)
        return high, x - high

    (a_high, a_low), (b_high, b_low) = halves(a), halves(b)
    p = a * b
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


def fma(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """a·b + c rounded once, as a fused multiply-add (float32 or float64 arrays of one dtype):
    exact products and sums, their small part rounded to odd, then one rounding to nearest
    (S. Boldo and G. Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms
    using rounding to odd", IEEE Transactions on Computers, 2008)."""
    with np.errstate(over="ignore", invalid="ignore"):
        high, low = _two_product(a, b)
        total, error = _two_sum(c, high)
        small, rest = _two_sum(error, low)
        bits = small.view(np.int32 if small.dtype.itemsize == 4 else np.int64)
        inexact_even = (rest != 0) & (bits % 2 == 0)  # round to odd: step to the odd neighbour
        toward = np.where(rest > 0, np.inf, -np.inf).astype(small.dtype)
        small = np.where(inexact_even, np.nextafter(small, toward), small)
        return total + small


# ---- the two kernels ---------------------------------------------------------------------------
def _halves(steps: int) -> tuple[np.ndarray, np.ndarray]:
    """(lower, count): whether point i is in the first half, and how many steps it lies from
    its end (i from start, steps - 1 - i from end)."""
    point = np.arange(steps)
    lower = point < steps // 2
    return lower, np.where(lower, point, steps - 1 - point)


def linspace_values(start, end, steps: int, dtype: np.dtype) -> np.ndarray:
    """`steps` points from start to end in `dtype`, as PyTorch's CPU linspace computes them."""
    integer = dtype.kind in "iu"
    number = np.float64 if integer else dtype.type
    first, last = (number(math.trunc(v)) if integer else number(v) for v in (start, end))
    if steps <= 1:
        values = np.full(steps, first, number)
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            step = (last - first) / number(steps - 1)
        lower, count = _halves(steps)
        slope = np.where(lower, step, -step).astype(number)
        origin = np.where(lower, first, last).astype(number)
        if number is np.float16:  # (c10::Half rounds the product and the sum separately)
            with np.errstate(over="ignore", invalid="ignore"):
                values = origin + slope * count.astype(number)
        else:
            values = fma(slope, count.astype(number), origin)
    if integer:
        with np.errstate(invalid="ignore"):
            return np.trunc(values).astype(dtype)
    return values.astype(dtype, copy=False)


def logspace_values(start, end, steps: int, base: float, dtype: np.dtype) -> np.ndarray:
    """`steps` powers of `base` with exponents from start to end, rounded to `dtype`, as
    PyTorch's CPU logspace computes them."""
    integer = dtype.kind in "iu"
    base = float(base)
    if steps <= 1:
        exponents = np.full(steps, float(start))  # (PyTorch takes start as given here)
    else:
        first, last = (dtype.type(math.trunc(v)) if integer else dtype.type(v) for v in (start, end))
        with np.errstate(over="ignore", invalid="ignore"):
            step = float(last - first) / (steps - 1)
        lower, count = _halves(steps)
        exponents = np.where(lower, float(first) + step * count, float(last) - step * count)
    powers = np.array([_pow(base, x) for x in exponents.tolist()], np.float64)
    if integer:
        with np.errstate(invalid="ignore"):
            return np.trunc(powers).astype(dtype)
    if dtype == np.float16:
        powers = powers.astype(np.float32)
    return powers.astype(dtype)


def _pow(base: float, exponent: float) -> float:
    """C's pow (which math.pow calls), with C's inf and nan where Python raises."""
    try:
        return math.pow(base, exponent)
    except OverflowError:  # ±inf: negative only for a negative base and an odd integer exponent
        odd = exponent == math.floor(exponent) and exponent % 2 == 1
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:  # 0 ** a negative exponent is inf; a negative base ** a fraction is nan
        return math.inf if base == 0 else math.nan
