"""tg.linspace and tg.logspace give PyTorch's CPU numbers to the last bit (linspace_values.py).

Without torch: the fused multiply-add against exact rational arithmetic, the kernels' rules by
hand (both ends exact, the second half counted from the end, integer truncation), the errors.
With torch: bit-for-bit equality over many starts, ends, step counts and dtypes."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.linspace_values import fma, linspace_values


def _rounded(value: Fraction, dtype) -> np.generic:
    """`value` rounded to the nearest number of `dtype` (ties to even), exactly."""
    guess = dtype(float(value))  # within one step of the answer (float() is correctly rounded)
    candidates = [np.nextafter(guess, dtype(-np.inf)), guess, np.nextafter(guess, dtype(np.inf))]
    finite = [c for c in candidates if np.isfinite(c)]
    best = min(finite, key=lambda c: (abs(Fraction(float(c)) - value), int(c.view(np.uint32 if dtype is np.float32
                                                                                    else np.uint64)) % 2))
    return best


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fma_rounds_once(dtype):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(4000) * 10.0 ** rng.integers(-3, 4, 4000)).astype(dtype)
    b = rng.integers(0, 300, 4000).astype(dtype)
    c = (rng.standard_normal(4000) * 10.0 ** rng.integers(-3, 4, 4000)).astype(dtype)
    fused = fma(a, b, c)
    exact = [_rounded(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)), dtype) for x, y, z in zip(a, b, c)]
    assert np.array_equal(fused, np.array(exact, dtype))
    assert np.any(fused != a * b + c)  # (the cases include ones where two roundings differ from one)


def test_linspace_rule_by_hand():
    for dtype in (np.float32, np.float64):
        for start, end, steps in [(0.1, 0.7, 7), (-3.0, 7.5, 10), (5.0, -5.0, 33), (1e-3, 1e5, 101)]:
            values = tg.linspace(start, end, steps, dtype=dtype).numpy()
            first, last = dtype(start), dtype(end)
            step = (last - first) / dtype(steps - 1)
            assert values[0] == first and values[-1] == last and values.dtype == dtype
            for i in range(steps):  # fma(step, i, start) in the first half, fma(-step, steps-1-i, end) after
                origin, count = (first, i) if i < steps // 2 else (last, i - (steps - 1))
                expected = _rounded(Fraction(float(step)) * count + Fraction(float(origin)), dtype)
                assert values[i] == expected, (dtype, start, end, steps, i)


def test_linspace_integers_and_small_cases():
    # start and end truncated to -2 and 5, step 7/6 in float64; each point truncated toward zero
    assert tg.linspace(-2.7, 5.5, 7, dtype=tg.int64).tolist() == [-2, 0, 0, 1, 2, 3, 5]
    assert tg.linspace(0, 10, 4, dtype=tg.int32).tolist() == [0, 3, 6, 10]
    assert tg.linspace(2.7, 5, 1, dtype=tg.int64).tolist() == [2]
    assert tg.linspace(0.0, 1.0, 0).shape == (0,) and tg.linspace(3.0, 9.0, 1).tolist() == [3.0]
    assert tg.linspace(0, 1, 5).dtype == tg.get_default_dtype()
    assert tg.linspace(tg.tensor(0.0), tg.tensor(1.0), tg.tensor(3)).tolist() == [0.0, 0.5, 1.0]
    assert tg.linspace(0, 1, 5, dtype=tg.float16).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_logspace_rule_by_hand():
    assert tg.logspace(0, 2, 3).tolist() == [1.0, 10.0, 100.0]
    assert tg.logspace(0, 3, 4, base=2).tolist() == [1.0, 2.0, 4.0, 8.0]
    # one step: base ** start with start as given, then rounded (not rounded to float32 first)
    assert tg.logspace(0.1, 5, 1, dtype=tg.float32).item() == np.float32(math.pow(10.0, 0.1))
    values = tg.logspace(-1.5, 2.25, 9, base=3.0).numpy()
    step = (2.25 - -1.5) / 8
    expected = [math.pow(3.0, -1.5 + step * i) if i < 4 else math.pow(3.0, 2.25 - step * (8 - i)) for i in range(9)]
    assert values.tolist() == expected
    assert tg.logspace(0, 2, 3, dtype=tg.int64).tolist() == [1, 10, 100]


def test_histogram_edges_are_linspace():
    data = tg.tensor(np.random.default_rng(1).standard_normal(200), dtype=tg.float32)
    edges = tg.histogram(data, bins=37).bin_edges
    low, high = data.min().item(), data.max().item()
    assert np.array_equal(edges.numpy(), linspace_values(low, high, 38, np.dtype(np.float32)))


def test_errors():
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        tg.linspace(0, 1, -1)
    with pytest.raises(TypeError, match="steps"):
        tg.logspace(0, 1, 2.5)
    with pytest.raises(RuntimeError, match="0-dimensional start and end"):
        tg.linspace(tg.tensor([0.0]), 1, 3)
    with pytest.raises(NotImplementedError, match="not implemented for dtype bool"):
        tg.linspace(0, 1, 3, dtype=tg.bool)


# ---- against PyTorch ---------------------------------------------------------------------------
def _cases():
    rng = np.random.default_rng(7)
    steps = list(range(0, 41)) + [63, 64, 65, 100, 101, 255, 256, 257, 300, 513]
    for n in steps:
        yield 0.0, 1.0, n
        yield 1.0, 0.0, n
        yield -3.0, 7.5, n
        yield 0.1, 0.3, n
        yield -7, 13, n
        for _ in range(3):
            start, end = rng.normal(0, 10, 2) * rng.choice([1e-3, 1.0, 1e4])
            yield float(start), float(end), n


def _fused_kernel(torch) -> bool:
    """Whether PyTorch runs its AVX2 / AVX-512 kernels, whose linspace fuses multiply-adds (its
    DEFAULT kernel, e.g. with ATEN_CPU_CAPABILITY=default, rounds twice)."""
    return torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512")


@pytest.mark.parametrize("name", ["float32", "float64", "float16", "int64", "int32", "int16"])
def test_linspace_bits_match_pytorch(name):
    torch = pytest.importorskip("torch")
    if name != "float16" and not _fused_kernel(torch):
        pytest.skip(f"PyTorch runs its {torch.backends.cpu.get_cpu_capability()} kernel, which does not fuse")
    ours, theirs = getattr(tg, name), getattr(torch, name)
    limit = {"float16": 6e4, "int16": 3e4}.get(name, math.inf)
    checked = 0
    for start, end, steps in _cases():
        if abs(start) > limit or abs(end) > limit:
            continue
        expected = torch.linspace(start, end, steps, dtype=theirs).numpy()
        got = tg.linspace(start, end, steps, dtype=ours).numpy()
        assert got.dtype == expected.dtype and got.shape == expected.shape
        assert np.array_equal(got.view(np.uint8), expected.view(np.uint8)), (name, start, end, steps)
        checked += 1
    assert checked > 300


@pytest.mark.parametrize("name", ["float32", "float64", "float16", "int64"])
def test_logspace_bits_match_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(tg, name), getattr(torch, name)
    for start, end, steps in _cases():
        if abs(start) > 300 or abs(end) > 300:
            continue
        for base in (10.0, 2.0, 0.5, 3.7):
            expected = torch.logspace(start, end, steps, base=base, dtype=theirs).numpy()
            got = tg.logspace(start, end, steps, base=base, dtype=ours).numpy()
            assert got.dtype == expected.dtype
            assert np.array_equal(got, expected, equal_nan=True), (name, start, end, steps, base)
