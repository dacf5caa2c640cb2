"""tg.quasirandom.SobolEngine: known points, the (0, m, 1)-net property, state handling, errors,
the packed direction-number table, and (when installed) bit-for-bit agreement with PyTorch."""
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.data._make_sobol_table import pack_bits, table_arrays
from tinygrad_edu.quasirandom import TABLE_PATH, SobolEngine, direction_integers, unpack_bits


def is_net(points: np.ndarray, m: int) -> bool:
    """Each coordinate of the 2**m points has exactly one value in each [i/2**m, (i+1)/2**m)."""
    cells = np.floor(points * 2**m).astype(np.int64)
    return all(np.array_equal(np.sort(column), np.arange(2**m)) for column in cells.T)


# ---- known values ---------------------------------------------------------------------------------
def test_first_dimension_is_van_der_corput_in_gray_code_order():
    points = SobolEngine(1).draw(8, dtype=tg.float64).numpy()[:, 0]
    assert points.tolist() == [0.0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]


def test_first_points_in_five_dimensions():
    points = SobolEngine(5).draw(3, dtype=tg.float64).tolist()
    assert points == [[0.0] * 5, [0.5] * 5, [0.75, 0.25, 0.25, 0.25, 0.75]]


def test_second_dimension_direction_numbers_are_joe_kuo_recurrence():
    # dimension 2: polynomial x + 1 (s = 1), m_1 = 1, so m_j = 2 m_(j-1) ^ m_(j-1) = 3 m_(j-1) in GF(2)
    m = [1]
    for _ in range(29):
        m.append((m[-1] << 1) ^ m[-1])
    expected = [mj << (29 - j) for j, mj in enumerate(m)]
    assert direction_integers(2)[1].tolist() == expected
    assert direction_integers(2)[0].tolist() == [1 << (29 - j) for j in range(30)]


def test_default_dtype_and_float32():
    engine = SobolEngine(3)
    assert engine.draw(2).dtype == tg.get_default_dtype()
    assert engine.draw(2, dtype=tg.float32).dtype == np.float32
    assert engine.draw_base2(2, dtype=tg.float64).dtype == np.float64


def test_attributes_and_repr():
    engine = SobolEngine(3)
    assert (engine.dimension, engine.scramble, engine.seed, engine.num_generated) == (3, False, None, 0)
    assert (SobolEngine.MAXBIT, SobolEngine.MAXDIM) == (30, 21201)
    assert repr(engine) == "SobolEngine(dimension=3)"
    assert repr(SobolEngine(3, scramble=True, seed=0)) == "SobolEngine(dimension=3, scramble=True, seed=0)"
    assert repr(SobolEngine(3, seed=4)) == "SobolEngine(dimension=3, seed=4)"


# ---- the net property and the walk through the sequence -------------------------------------------
@pytest.mark.parametrize("scramble", [False, True])
def test_every_projection_is_a_net(scramble):
    engine = SobolEngine(40, scramble=scramble, seed=3)
    first = engine.draw_base2(6, dtype=tg.float64).numpy()
    assert is_net(first, 6)
    both = np.concatenate([first, engine.draw_base2(6, dtype=tg.float64).numpy()])
    assert is_net(both, 7)
    assert ((both >= 0) & (both < 1)).all()
    assert engine.num_generated == 128


def test_draws_in_pieces_equal_one_draw():
    whole = SobolEngine(7).draw(40, dtype=tg.float64).numpy()
    engine = SobolEngine(7)
    pieces = [engine.draw(k, dtype=tg.float64).numpy() for k in (1, 0, 5, 13, 21)]
    np.testing.assert_array_equal(np.concatenate(pieces), whole)


@pytest.mark.parametrize("drawn_before, skipped", [(0, 0), (0, 1), (0, 9), (3, 0), (3, 11), (1, 1)])
def test_fast_forward_equals_drawing(drawn_before, skipped):
    whole = SobolEngine(6).draw(40, dtype=tg.float64).numpy()
    engine = SobolEngine(6)
    engine.draw(drawn_before)
    assert engine.fast_forward(skipped) is engine
    assert engine.num_generated == drawn_before + skipped
    np.testing.assert_array_equal(engine.draw(5, dtype=tg.float64).numpy(),
                                  whole[drawn_before + skipped:drawn_before + skipped + 5])


def test_reset_starts_again():
    engine = SobolEngine(4, scramble=True, seed=1)
    first = engine.draw(9).numpy()
    assert engine.reset() is engine and engine.num_generated == 0
    np.testing.assert_array_equal(engine.draw(9).numpy(), first)


def test_last_point_of_the_sequence_then_error():
    engine = SobolEngine(1).fast_forward(2**30 - 1)
    # point 2^30 - 1 has Gray code 2^29: the direction number v_30 = 2^-30 alone
    assert engine.draw(1, dtype=tg.float64).item() == 2.0**-30
    with pytest.raises(ValueError, match="2\\*\\*30 points"):
        engine.draw(1)
    with pytest.raises(ValueError, match="do not exist"):
        SobolEngine(1).fast_forward(2**30 + 1)


def test_out_is_resized_and_converted():
    out = tg.zeros(5, dtype=tg.float32)
    result = SobolEngine(2).draw(3, out=out, dtype=tg.float64)
    assert result is out and out.shape == (3, 2) and out.dtype == np.float32
    assert out.tolist() == [[0.0, 0.0], [0.5, 0.5], [0.75, 0.25]]
    integers = tg.ones(2, dtype=tg.int64)
    SobolEngine(2).draw(3, out=integers)
    assert integers.tolist() == [[0, 0], [0, 0], [0, 0]]   # cast to out's dtype, as PyTorch's copy_


# ---- scrambling ---------------------------------------------------------------------------------------
def test_scrambling_is_deterministic_for_a_seed_and_differs_between_seeds():
    a = SobolEngine(5, scramble=True, seed=7).draw(16).numpy()
    b = SobolEngine(5, scramble=True, seed=7).draw(16).numpy()
    c = SobolEngine(5, scramble=True, seed=8).draw(16).numpy()
    plain = SobolEngine(5).draw(16).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(a, plain)
    assert a[0].any()   # the digital shift moves the first point away from the origin


def test_scrambling_without_seed_is_random():
    a = SobolEngine(3, scramble=True).draw(4).numpy()
    b = SobolEngine(3, scramble=True).draw(4).numpy()
    assert not np.array_equal(a, b)


# ---- errors -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dimension", [0, -1, 21202])
def test_dimension_out_of_range(dimension):
    with pytest.raises(ValueError, match=r"\[1, 21201\]"):
        SobolEngine(dimension)


@pytest.mark.parametrize("dimension", [2.5, "3", True])
def test_dimension_must_be_int(dimension):
    with pytest.raises(TypeError, match="dimension must be an int"):
        SobolEngine(dimension)


def test_draw_base2_keeps_a_power_of_two():
    engine = SobolEngine(2)
    engine.draw(3)
    with pytest.raises(ValueError, match=r"power of 2.*n=3\+2\*\*2=7"):
        engine.draw_base2(2)
    engine = SobolEngine(2)
    engine.draw(2)
    assert engine.draw_base2(1).shape == (2, 2)
    assert engine.draw_base2(2).shape == (4, 2)


def test_bad_counts_and_dtypes():
    with pytest.raises(ValueError, match="n must be >= 0, got -1"):
        SobolEngine(2).draw(-1)
    with pytest.raises(ValueError, match="m must be >= 0"):
        SobolEngine(2).draw_base2(-1)
    with pytest.raises(ValueError, match="fast_forward"):
        SobolEngine(2).fast_forward(-1)
    with pytest.raises(TypeError, match="n must be an int, got float"):
        SobolEngine(2).draw(2.0)
    with pytest.raises(NotImplementedError, match="float32 or float64"):
        SobolEngine(2).draw(2, dtype=tg.int64)
    with pytest.raises(TypeError, match="out must be a Tensor"):
        SobolEngine(2).draw(2, out=np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="seed must be an int, got str"):
        SobolEngine(2, scramble=True, seed="a")


# ---- the packed table ---------------------------------------------------------------------------------
def test_pack_and_unpack_bits_round_trip():
    rng = np.random.default_rng(0)
    widths = rng.integers(0, 20, 500)
    values = rng.integers(0, 2**20, 500) & ((1 << widths) - 1)
    np.testing.assert_array_equal(unpack_bits(pack_bits(values, widths), widths), values)


def test_table_file_matches_scipy_copy_of_joe_kuo():
    scipy_stats = pytest.importorskip("scipy.stats")
    from pathlib import Path
    with np.load(Path(scipy_stats.__file__).parent / "_sobol_direction_numbers.npz") as z:
        expected = table_arrays(z["poly"], z["vinit"])
    with np.load(TABLE_PATH) as stored:
        assert sorted(stored.files) == sorted(expected)
        for name, array in expected.items():
            np.testing.assert_array_equal(stored[name], array)
            assert stored[name].dtype == array.dtype


def test_package_does_not_import_scipy():
    code = ("import sys, tinygrad_edu as tg; tg.quasirandom.SobolEngine(3, scramble=True).draw(4); "
            "sys.exit('scipy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ---- against PyTorch ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dimension", [1, 2, 5, 40, 1111, 21201])
def test_unscrambled_points_equal_torch(dimension):
    torch = pytest.importorskip("torch")
    theirs = torch.quasirandom.SobolEngine(dimension).draw(2**10, dtype=torch.float64).numpy()
    ours = SobolEngine(dimension).draw(2**10, dtype=tg.float64).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_float32_points_equal_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.quasirandom.SobolEngine(50).draw(300, dtype=torch.float32).numpy()
    ours = SobolEngine(50).draw(300, dtype=tg.float32).numpy()
    assert ours.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)


def test_state_walk_equals_torch():
    torch = pytest.importorskip("torch")
    theirs, ours = torch.quasirandom.SobolEngine(9), SobolEngine(9)
    steps = [("draw", 1), ("draw", 0), ("fast_forward", 5), ("draw", 7), ("reset", None),
             ("fast_forward", 0), ("fast_forward", 1), ("draw", 3), ("fast_forward", 1000), ("draw", 33),
             ("reset", None), ("draw_base2", 3), ("draw_base2", 3), ("draw_base2", 4)]
    for name, arg in steps:
        if name == "reset":
            theirs.reset(), ours.reset()
        elif name == "fast_forward":
            theirs.fast_forward(arg), ours.fast_forward(arg)
        elif not (name == "draw" and arg == 0):   # PyTorch's draw(0) fails on a fresh engine
            expected = getattr(theirs, name)(arg, dtype=torch.float64).numpy()
            np.testing.assert_array_equal(getattr(ours, name)(arg, dtype=tg.float64).numpy(), expected)
        assert ours.num_generated == theirs.num_generated
        np.testing.assert_array_equal(ours.quasi.numpy(), theirs.quasi.numpy())
    np.testing.assert_array_equal(ours.sobolstate.numpy(), theirs.sobolstate.numpy())


def test_errors_have_torch_types():
    torch = pytest.importorskip("torch")
    for make in (lambda S: S(0), lambda S: S(21202)):
        for engine_class in (torch.quasirandom.SobolEngine, SobolEngine):
            with pytest.raises(ValueError):
                make(engine_class)
    for engine_class, dtype in ((torch.quasirandom.SobolEngine, torch.int64), (SobolEngine, tg.int64)):
        with pytest.raises(NotImplementedError):
            engine_class(2).draw(2, dtype=dtype)
        engine = engine_class(2)
        engine.draw(3)
        with pytest.raises(ValueError, match="power of 2"):
            engine.draw_base2(1)


def test_scrambled_torch_points_share_the_properties():
    torch = pytest.importorskip("torch")
    theirs = torch.quasirandom.SobolEngine(8, scramble=True, seed=0).draw_base2(7, dtype=torch.float64).numpy()
    ours = SobolEngine(8, scramble=True, seed=0).draw_base2(7, dtype=tg.float64).numpy()
    assert ours.shape == theirs.shape and is_net(ours, 7) and is_net(theirs, 7)
    assert not np.array_equal(ours, theirs)   # numpy's random bits, not PyTorch's (documented)
