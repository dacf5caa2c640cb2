"""Writes `sobol_joe_kuo.npz`: the direction numbers of Sobol' sequences, for `tg.quasirandom`.

Run `python -m tinygrad_edu.data._make_sobol_table` (a development step: it needs SciPy, which the
package itself never imports). The numbers are S. Joe and F. Y. Kuo's table new-joe-kuo-6.21201
("Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30,
2008), the table PyTorch's `torch.quasirandom.SobolEngine` uses; SciPy ships it as
`scipy/stats/_sobol_direction_numbers.npz` (arrays `poly` and `vinit`, one row per dimension).

Each dimension d has a primitive polynomial of degree s over GF(2),
    x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1,
stored by SciPy as the integer with bits 1 a_1 ... a_(s-1) 1, and s initial numbers m_1..m_s, where
m_i is odd and below 2^i. So dimension d carries s - 1 free bits of polynomial and i - 1 free bits
in each m_i; storing just those bits (packed end to end) keeps all 21201 dimensions under 400 KB,
where plain integer arrays would take 670 KB compressed. The file holds three arrays:
    degree  uint8, one per dimension: s (0 for the first dimension, whose numbers are all 1)
    a_bits  the bits a_1..a_(s-1) of every dimension, in order, packed with np.packbits
    m_bits  the bits of (m_i - 1) / 2 (i - 1 bits each, most significant first), packed likewise
`tinygrad_edu.quasirandom` reads them back.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

TABLE_PATH = Path(__file__).parent / "sobol_joe_kuo.npz"


def pack_bits(values: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """The numbers `values`, each written in `widths` bits (most significant first), end to end."""
    values = np.asarray(values, dtype=np.int64)
    widths = np.asarray(widths, dtype=np.int64)
    owner = np.repeat(np.arange(len(values)), widths)        # which number each bit belongs to
    first = np.cumsum(widths) - widths
    place = np.arange(len(owner)) - first[owner]             # 0 for the most significant bit
    shift = widths[owner] - 1 - place
    return np.packbits(((values[owner] >> shift) & 1).astype(np.uint8))


def table_arrays(poly: np.ndarray, vinit: np.ndarray) -> dict[str, np.ndarray]:
    """The three arrays of the file, from SciPy's `poly` and `vinit`."""
    poly = np.asarray(poly, dtype=np.int64)
    degree = np.array([int(p).bit_length() - 1 for p in poly], dtype=np.int64)
    interior = (poly >> 1) & ((1 << np.maximum(degree - 1, 0)) - 1)   # a_1..a_(s-1)
    m = np.concatenate([vinit[d, :s] for d, s in enumerate(degree)]).astype(np.int64)
    m_widths = np.concatenate([np.arange(s) for s in degree])          # m_i has i - 1 free bits
    if not (np.all(m % 2 == 1) and np.all(m < 2 ** (m_widths + 1))):
        raise ValueError("the table has an m_i that is even or not below 2^i")
    return {"degree": degree.astype(np.uint8),
            "a_bits": pack_bits(interior, np.maximum(degree - 1, 0)),
            "m_bits": pack_bits(m >> 1, m_widths)}


def scipy_table() -> tuple[np.ndarray, np.ndarray]:
    """SciPy's copy of new-joe-kuo-6.21201: (poly, vinit)."""
    import scipy.stats  # development tool only

    with np.load(Path(scipy.stats.__file__).parent / "_sobol_direction_numbers.npz") as z:
        return z["poly"], z["vinit"]


def main() -> None:
    np.savez_compressed(TABLE_PATH, **table_arrays(*scipy_table()))
    print(f"wrote {TABLE_PATH} ({TABLE_PATH.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
