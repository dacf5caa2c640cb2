"""Quasi-random (low-discrepancy) sequences, as `torch.quasirandom`: `SobolEngine` draws Sobol'
points in [0, 1)^dimension (I. M. Sobol', "On the distribution of points in a cube and the
approximate evaluation of integrals", USSR Comput. Math. Math. Phys. 7, 1967).

Direction numbers. They come from the table of S. Joe and F. Y. Kuo ("Constructing Sobol sequences
with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2008), new-joe-kuo-6.21201, as
PyTorch's. It ships as `tinygrad_edu/data/sobol_joe_kuo.npz` (written by
`tinygrad_edu/data/_make_sobol_table.py`, whose docstring describes the packed format). For
dimension d with primitive polynomial x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1 and initial odd
numbers m_1..m_s (m_i < 2^i), the further numbers follow the recurrence (P. Bratley and B. L. Fox,
"Algorithm 659: Implementing Sobol's quasirandom sequence generator", ACM TOMS 14, 1988)

    m_j = 2 a_1 m_(j-1) ^ 4 a_2 m_(j-2) ^ ... ^ 2^(s-1) a_(s-1) m_(j-s+1) ^ 2^s m_(j-s) ^ m_(j-s)

(^ is XOR), and the j-th direction number (j = 1, 2, ...) is the binary fraction v_j = m_j / 2^j.
The first dimension has every m_j = 1 (the van der Corput sequence).

Points. Point i (i = 0, 1, 2, ...) is, in each dimension, the XOR of the direction numbers v_j for
the bits j set in the Gray code g(i) = i ^ (i >> 1) (I. A. Antonov and V. M. Saleev, 1979).
Successive Gray codes differ in one bit -- the lowest zero bit of i -- so point i + 1 is point i
XOR one direction number, which is how `draw` walks the sequence. Like PyTorch, the engine starts
at point 0 (the origin, unscrambled), and its unscrambled points equal PyTorch's bit for bit.

Scrambling is PyTorch's kind (J. Matousek, "On the L2-discrepancy for anchored boxes", J. Complexity
14, 1998; A. B. Owen, "Scrambling Sobol' and Niederreiter-Xing points", J. Complexity 14, 1998): a
random linear matrix scramble (each direction number's binary digits multiplied by a random
lower-triangular matrix with unit diagonal, over GF(2)) plus a random digital shift (XOR with a
random 30-bit number). The random bits come from a `tg.Generator` seeded with `seed`, so scrambled
points repeat for a seed but differ from PyTorch's.
"""
from __future__ import annotations

import operator
from functools import lru_cache
from pathlib import Path

import numpy as np

from .dtype import as_dtype, get_default_dtype
from .random import Generator
from .tensor import Tensor

__all__ = ["SobolEngine"]

MAXBIT = 30   # points are integers below 2^30, divided by 2^30
MAXDIM = 21201
TABLE_PATH = Path(__file__).parent / "data" / "sobol_joe_kuo.npz"


def unpack_bits(packed: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """The numbers written end to end in `packed`, each in `widths` bits, most significant first
    (the inverse of `_make_sobol_table.pack_bits`)."""
    widths = np.asarray(widths, dtype=np.int64)
    bits = np.unpackbits(packed)[: int(widths.sum())].astype(np.int64)
    first = np.cumsum(widths) - widths
    values = np.zeros(len(widths), dtype=np.int64)
    for place in range(int(widths.max(initial=0))):   # Horner's rule, one bit column at a time
        has = place < widths
        values[has] = 2 * values[has] + bits[first[has] + place]
    return values


@lru_cache(maxsize=1)
def joe_kuo_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(degree, poly, m, offset) for all MAXDIM dimensions: the polynomial degree s, the
    polynomial as the integer with bits 1 a_1 ... a_(s-1) 1, and the initial numbers of dimension
    d in m[offset[d] : offset[d] + degree[d]]."""
    with np.load(TABLE_PATH, allow_pickle=False) as z:
        degree = z["degree"].astype(np.int64)
        a_bits, m_bits = z["a_bits"], z["m_bits"]
    interior = unpack_bits(a_bits, np.maximum(degree - 1, 0))
    poly = (1 << degree) | (interior << 1) | 1
    m = 2 * unpack_bits(m_bits, np.concatenate([np.arange(s) for s in degree])) + 1
    offset = np.cumsum(degree) - degree
    return degree, poly, m, offset


def direction_integers(dimension: int) -> np.ndarray:
    """(dimension, MAXBIT) int64: row d holds v_1..v_MAXBIT of dimension d as integers, v_j * 2^MAXBIT
    (so column j has its bit MAXBIT-1-j set at the top); the XOR of a set of them is a point
    times 2^MAXBIT. These are PyTorch's `sobolstate`."""
    degree, poly, m_all, offset = joe_kuo_table()
    degree, poly, offset = degree[:dimension], poly[:dimension], offset[:dimension]
    m_table = np.ones((dimension, MAXBIT), dtype=np.int64)   # dimension 0: every m_j = 1
    rows = np.repeat(np.arange(dimension), degree)
    cols = np.arange(len(rows)) - np.repeat(np.cumsum(degree) - degree, degree)
    m_table[rows, cols] = m_all[offset[rows] + cols]
    dims = np.arange(dimension)
    for j in range(MAXBIT):                     # column j holds m_(j+1), from the s columns before it
        grow = (degree >= 1) & (j >= degree)
        d, s, p = dims[grow], degree[grow], poly[grow]
        new = m_table[d, j - s]
        for k in range(1, int(s.max(initial=0)) + 1):   # term 2^k a_k m_(j-k), a_s = 1
            use = (k <= s) & (((p >> np.maximum(s - k, 0)) & 1) == 1)
            new = np.where(use, new ^ (m_table[d, np.maximum(j - k, 0)] << k), new)
        m_table[d, j] = new
    return m_table << (MAXBIT - 1 - np.arange(MAXBIT))   # v_j * 2^MAXBIT = m_j * 2^(MAXBIT - j)


class SobolEngine:
    """An engine that draws (scrambled) Sobol' points, as `torch.quasirandom.SobolEngine`.

    Args:
        dimension: the number of coordinates of each point, 1 to `MAXDIM` (21201).
        scramble: True for a randomly scrambled sequence (linear matrix scramble and digital shift).
        seed: the seed of the scrambling's random bits; None draws a fresh random seed.

    >>> import tinygrad_edu as tg
    >>> engine = tg.quasirandom.SobolEngine(dimension=2)
    >>> engine.draw(4, dtype=tg.float64).tolist()
    [[0.0, 0.0], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75]]
    """

    MAXBIT = MAXBIT
    MAXDIM = MAXDIM

    def __init__(self, dimension: int, scramble: bool = False, seed: int | None = None) -> None:
        if isinstance(dimension, (bool, np.bool_)) or not isinstance(dimension, (int, np.integer)):
            raise TypeError(f"SobolEngine: dimension must be an int, got {type(dimension).__name__}")
        if dimension > self.MAXDIM or dimension < 1:
            raise ValueError(f"Supported range of dimensionality for SobolEngine is [1, {self.MAXDIM}] "
                             f"(the direction numbers of Joe and Kuo's table), got dimension={dimension}")
        self.seed = seed
        self.scramble = scramble
        self.dimension = int(dimension)
        directions = direction_integers(self.dimension)
        shift = np.zeros(self.dimension, dtype=np.int64)
        if self.scramble:
            directions, shift = _scrambled(directions, _generator(seed))
        self.sobolstate = Tensor(directions)   # (dimension, MAXBIT) direction numbers * 2^MAXBIT
        self.shift = Tensor(shift)             # the digital shift, as a MAXBIT-bit integer
        self.quasi = Tensor(shift.copy())      # the last point drawn (point 0 before any), * 2^MAXBIT
        self.num_generated = 0

    def draw(self, n: int = 1, out: Tensor | None = None, dtype=None) -> Tensor:
        """The next `n` points of the sequence, an (n, dimension) tensor of `dtype` (default: the
        default float dtype). Each draw continues where the last one stopped. With `out`, the
        points are written into `out` (resized and converted to its dtype), which is returned."""
        n = _count(n, "draw", "n")
        dtype = _float_dtype(dtype)
        first = self.num_generated
        if first + n > 2**self.MAXBIT:
            raise ValueError(f"SobolEngine.draw: a Sobol' sequence of {self.MAXBIT}-bit points has "
                             f"2**{self.MAXBIT} points; {first} were drawn, so {n} more do not exist")
        quasi = self.quasi.data
        if n == 0:
            points = np.zeros((0, self.dimension), dtype=np.int64)
        else:
            start = quasi if first == 0 else quasi ^ self._direction_after(np.array([first - 1]))[0]
            steps = self._direction_after(np.arange(first, first + n - 1))   # point c -> c + 1
            points = np.bitwise_xor.accumulate(np.concatenate([start[None], steps]), axis=0)
            self.quasi = Tensor(points[-1])
        self.num_generated += n
        result = Tensor((points / 2.0**self.MAXBIT).astype(dtype))   # exact in float64, then rounded once
        if out is None:
            return result
        if not isinstance(out, Tensor):
            raise TypeError(f"SobolEngine.draw: out must be a Tensor, got {type(out).__name__}")
        return out.resize_as_(result).copy_(result)

    def draw_base2(self, m: int, out: Tensor | None = None, dtype=None) -> Tensor:
        """The next 2**m points. Sobol' points are balanced (each 1-D projection of the first 2**k
        points has one point in each interval [i/2**k, (i+1)/2**k)) only in blocks of a power of 2,
        so the number of points drawn in all must stay a power of 2 (else ValueError)."""
        m = _count(m, "draw_base2", "m")
        n = 2**m
        total_n = self.num_generated + n
        if total_n & (total_n - 1) != 0:
            raise ValueError(
                "The balance properties of Sobol' points require n to be a power of 2. "
                f"{self.num_generated} points have been previously generated, then: "
                f"n={self.num_generated}+2**{m}={total_n}. If you still want to do this, please use "
                "'SobolEngine.draw()' instead.")
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self) -> "SobolEngine":
        """Start the sequence again from its first point; returns the engine."""
        self.quasi = Tensor(self.shift.data.copy())
        self.num_generated = 0
        return self

    def fast_forward(self, n: int) -> "SobolEngine":
        """Skip the next `n` points, as drawing them would (without computing them); returns the
        engine."""
        n = _count(n, "fast_forward", "n")
        last = self.num_generated + n - 1   # the index of the last point skipped
        if last >= 2**self.MAXBIT:
            raise ValueError(f"SobolEngine.fast_forward: a Sobol' sequence of {self.MAXBIT}-bit points "
                             f"has 2**{self.MAXBIT} points; {self.num_generated} were drawn, so {n} "
                             "more do not exist")
        if last >= 0:
            self.quasi = Tensor(self._point(last))
        self.num_generated += n
        return self

    def _direction_after(self, indices: np.ndarray) -> np.ndarray:
        """(len(indices), dimension): for each point index c, the direction number that takes
        point c to point c + 1: the one of the lowest zero bit of c, where g(c) and g(c + 1) differ."""
        lowest_zero = np.log2((indices + 1) & ~indices).astype(np.int64)   # exact: a power of 2
        return self.sobolstate.data.T[lowest_zero]

    def _point(self, index: int) -> np.ndarray:
        """Point `index` times 2^MAXBIT: the shift XOR the direction numbers of the bits of g(index)."""
        gray = index ^ (index >> 1)
        used = ((gray >> np.arange(self.MAXBIT)) & 1).astype(bool)
        return np.bitwise_xor.reduce(self.sobolstate.data[:, used], axis=1) ^ self.shift.data

    def __repr__(self) -> str:
        fields = [f"dimension={self.dimension}"]
        if self.scramble:
            fields.append("scramble=True")
        if self.seed is not None:
            fields.append(f"seed={self.seed}")
        return f"{self.__class__.__name__}({', '.join(fields)})"


def _count(n, op: str, name: str) -> int:
    """A number of points (or an exponent) as a non-negative int."""
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"SobolEngine.{op}: {name} must be an int, got {type(n).__name__}") from None
    if n < 0:
        raise ValueError(f"SobolEngine.{op}: {name} must be >= 0, got {n}")
    return n


def _float_dtype(dtype) -> np.dtype:
    """float32 or float64, the two dtypes PyTorch's Sobol' kernel is written for."""
    dtype = get_default_dtype() if dtype is None else as_dtype(dtype, "SobolEngine.draw")
    if dtype not in (np.float32, np.float64):
        raise NotImplementedError(f"SobolEngine.draw: points are drawn as float32 or float64, not {dtype}")
    return dtype


def _generator(seed) -> np.random.Generator:
    """The random bits of the scramble: from `seed`, or from a fresh random seed when None."""
    if seed is None:
        return Generator().rng
    try:
        return Generator().manual_seed(seed).rng
    except TypeError:   # PyTorch's Generator.manual_seed raises RuntimeError for a seed that is no int
        raise RuntimeError(f"SobolEngine: the seed must be an int, got {type(seed).__name__}") from None


def _scrambled(directions: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(scrambled direction numbers, digital shift), drawn in PyTorch's order: the shift's bits
    first, then one random lower-triangular MAXBIT x MAXBIT bit matrix L per dimension.

    Write a direction number's binary digits as a vector (digit q is worth 2^-(q+1)); its scrambled
    digits are L times that vector, mod 2. L has ones on its diagonal, so it is invertible and digit
    p depends only on digits 0..p: the net (equidistribution) property of the points is kept."""
    dimension = directions.shape[0]
    shift_bits = rng.integers(0, 2, (dimension, MAXBIT), dtype=np.int64)
    shift = shift_bits @ (1 << np.arange(MAXBIT, dtype=np.int64))
    matrices = np.tril(rng.integers(0, 2, (dimension, MAXBIT, MAXBIT), dtype=np.uint8))
    matrices[:, np.arange(MAXBIT), np.arange(MAXBIT)] = 1
    place = MAXBIT - 1 - np.arange(MAXBIT)    # digit q is bit MAXBIT-1-q of the integer
    digits = ((directions[:, :, None] >> place) & 1).astype(np.uint8)       # (dimension, j, q)
    scrambled = np.einsum("dpq,djq->djp", matrices, digits) & 1             # sums <= 30 fit uint8
    return (scrambled.astype(np.int64) << place).sum(axis=2), shift
