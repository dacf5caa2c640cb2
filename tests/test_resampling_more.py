"""Volumetric and bicubic grid_sample, antialiased interpolate: values and both gradients against
PyTorch (float64, 1e-10), with grid points outside [-1, 1] and exactly on pixel centres and
borders (where clamping and reflection have kinks), plus checks by hand and the errors."""
import itertools

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu.nn.functional.antialias import antialias_matrix

TOL = 1e-10


def _grid(rng, shape, sizes, align):
    """Random coordinates in [-1.6, 1.6], half of them replaced by special points: ±1, 0, each pixel
    centre, half a pixel beyond the edges and ±3 (beyond a second reflection)."""
    grid = rng.uniform(-1.6, 1.6, shape)
    flat = grid.reshape(-1, shape[-1])
    for k in range(shape[-1]):
        n = sizes[::-1][k]  # x is the last spatial axis
        centres = [(2 * i / (n - 1) - 1 if n > 1 else 0.0) if align else (2 * i + 1) / n - 1 for i in range(n)]
        special = [-1.0, 1.0, 0.0, -1 - 1 / n, 1 + 1 / n, -3.0, 3.0] + centres
        rows = rng.choice(len(flat), len(flat) // 2, replace=False)
        flat[rows, k] = rng.choice(special, len(rows))
    return grid


def _compare(torch, fn_tg, fn_torch, arrays, rng):
    """Values and gradients (of a random weighted sum) of every input, tinygrad_edu vs torch."""
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_tg, out_torch = fn_tg(*ours), fn_torch(*theirs)
    assert out_tg.shape == tuple(out_torch.shape) and out_tg.dtype == np.float64
    np.testing.assert_allclose(out_tg.data, out_torch.detach().numpy(), rtol=0, atol=TOL)
    weights = rng.standard_normal(out_tg.shape)
    (out_tg * tg.tensor(weights)).sum().backward()
    (out_torch * torch.tensor(weights)).sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=0, atol=TOL)


GRID_CASES = [(dims, mode, padding, align)
              for dims, mode in [(2, "bilinear"), (2, "nearest"), (2, "bicubic"), (3, "bilinear"), (3, "nearest")]
              for padding in ("zeros", "border", "reflection") for align in (False, True)]


@pytest.mark.parametrize("dims, mode, padding, align", GRID_CASES)
def test_grid_sample_matches_torch(dims, mode, padding, align):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(GRID_CASES.index((dims, mode, padding, align)))
    shapes = [(3, 4), (1, 5), (2, 2)] if dims == 2 else [(2, 3, 4), (1, 2, 3), (3, 1, 2)]
    for sizes in shapes:
        x = rng.standard_normal((2, 3) + sizes)
        grid = _grid(rng, (2,) + (2, 3, 3)[:dims] + (dims,), sizes, align)
        kw = dict(mode=mode, padding_mode=padding, align_corners=align)
        _compare(torch, lambda a, g: F.grid_sample(a, g, **kw),
                 lambda a, g: torch.nn.functional.grid_sample(a, g, **kw), [x, grid], rng)


def test_affine_grid_5d_with_grid_sample_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x, theta = rng.standard_normal((2, 2, 3, 4, 5)), rng.standard_normal((2, 3, 4)) * 0.7
    for align in (False, True):
        def ours(a, t):
            return F.grid_sample(a, F.affine_grid(t, (2, 2, 2, 3, 4), align_corners=align), align_corners=align)

        def theirs(a, t):
            grid = torch.nn.functional.affine_grid(t, (2, 2, 2, 3, 4), align_corners=align)
            return torch.nn.functional.grid_sample(a, grid, align_corners=align)
        _compare(torch, ours, theirs, [x, theta], rng)


AA_SIZES = [dict(size=(3, 2)), dict(size=(2, 7)), dict(size=(9, 4)), dict(size=(1, 1)), dict(size=(16, 3)),
            dict(scale_factor=0.3), dict(scale_factor=(0.5, 2.5)), dict(scale_factor=0.77), dict(scale_factor=3.1)]


@pytest.mark.parametrize("mode, align", list(itertools.product(("bilinear", "bicubic"), (False, True))))
def test_interpolate_antialias_matches_torch(mode, align):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for shape in [(2, 3, 5, 6), (1, 1, 13, 11), (1, 2, 4, 1)]:
        for kw in AA_SIZES:
            if "scale_factor" in kw and min(int(n * s) for n, s in zip(shape[2:], np.broadcast_to(kw["scale_factor"],
                                                                                                   2))) == 0:
                continue
            kw = dict(kw, mode=mode, align_corners=align, antialias=True)
            _compare(torch, lambda a: F.interpolate(a, **kw), lambda a: torch.nn.functional.interpolate(a, **kw),
                     [rng.standard_normal(shape)], rng)


def test_interpolate_antialias_float32_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((1, 2, 7, 9)).astype(np.float32)
    for mode in ("bilinear", "bicubic"):
        ours = F.interpolate(tg.tensor(x), size=(3, 4), mode=mode, antialias=True)
        theirs = torch.nn.functional.interpolate(torch.tensor(x), size=(3, 4), mode=mode, antialias=True)
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours.data, theirs.numpy(), atol=1e-5)


# ---- without torch -------------------------------------------------------------------------

def test_trilinear_centre_is_the_mean_and_corners_are_exact():
    cube = tg.arange(8.0).reshape(1, 1, 2, 2, 2)
    centre = F.grid_sample(cube, tg.zeros(1, 1, 1, 1, 3), align_corners=True)
    assert centre.item() == pytest.approx(3.5)
    # (x, y, z) = (1, -1, 1) is the voxel at depth 1, row 0, column 1: value 4 + 1 = 5
    corner = F.grid_sample(cube, tg.tensor([[[[[1.0, -1.0, 1.0]]]]]), align_corners=True)
    assert corner.item() == pytest.approx(5.0)
    nearest = F.grid_sample(cube, tg.tensor([[[[[0.9, 0.9, -0.9]]]]]), mode="nearest", align_corners=True)
    assert nearest.item() == 3.0  # depth 0, row 1, column 1


def test_bicubic_at_pixel_centres_returns_the_pixels_and_bends_between():
    image = tg.tensor(np.arange(12.0).reshape(1, 1, 3, 4) ** 2)
    ys, xs = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 4), indexing="ij")
    grid = tg.tensor(np.stack([xs, ys], -1)[None])
    out = F.grid_sample(image, grid, mode="bicubic", padding_mode="border", align_corners=True)
    np.testing.assert_allclose(out.data, image.data, atol=1e-12)
    # halfway between 0 and 1 on a row (border padding repeats x[0]): weights (-3/32, 19/32, 19/32, -3/32)
    row = tg.tensor([[[[0.0, 1.0, 4.0, 9.0]]]])
    half = F.grid_sample(row, tg.tensor([[[[-1 + 1 / 3, 0.0]]]]), mode="bicubic", padding_mode="border",
                         align_corners=True)
    assert half.item() == pytest.approx((-3 * 0 + 19 * 0 + 19 * 1 - 3 * 4) / 32)


def test_nearest_grid_gets_a_zero_gradient_and_input_a_count():
    x = tg.ones(1, 1, 2, 2, 2, requires_grad=True)
    grid = tg.tensor(np.random.default_rng(0).uniform(-1, 1, (1, 2, 2, 2, 3)), requires_grad=True)
    F.grid_sample(x, grid, mode="nearest", align_corners=False).sum().backward()
    assert np.all(grid.grad.data == 0)
    assert x.grad.data.sum() == 8  # each of the 8 output points reads one voxel


def test_border_padding_has_no_grid_gradient_on_the_border():
    # PyTorch counts a point clamped exactly onto the border as outside: its slope there is 0
    image = tg.tensor([[[[1.0, 3.0]]]])
    grid = tg.tensor([[[[1.0, 0.0]], [[0.0, 0.0]]]], requires_grad=True)
    F.grid_sample(image, grid, padding_mode="border", align_corners=True).sum().backward()
    np.testing.assert_allclose(grid.grad.data[0, :, 0, 0], [0.0, 1.0])  # d/dx = (3 - 1)·(W - 1)/2 inside


def test_antialias_by_hand():
    # 4 -> 2 (scale 2): the triangle is stretched to radius 2; output 0 centred at 1 reads inputs
    # 0, 1, 2 with weights (3, 3, 1)/7, output 1 centred at 3 reads 1, 2, 3 with (1, 3, 3)/7
    np.testing.assert_allclose(antialias_matrix(4, 2, None, False, "bilinear"),
                               [[3 / 7, 3 / 7, 1 / 7, 0], [0, 1 / 7, 3 / 7, 3 / 7]], atol=1e-15)
    x = tg.tensor([[[[0.0, 1.0, 2.0, 3.0]]]])
    out = F.interpolate(x, size=(1, 2), mode="bilinear", antialias=True)
    np.testing.assert_allclose(out.data.ravel(), [5 / 7, 16 / 7], atol=1e-14)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_antialias_keeps_constants_and_rows_sum_to_one(mode):
    for n_in, n_out in [(7, 3), (3, 7), (5, 5), (9, 1)]:
        matrix = antialias_matrix(n_in, n_out, None, False, mode)
        np.testing.assert_allclose(matrix.sum(1), 1.0, atol=1e-14)
    out = F.interpolate(tg.full((1, 2, 9, 6), 2.5), size=(4, 5), mode=mode, antialias=True)
    np.testing.assert_allclose(out.data, 2.5, atol=1e-14)


def test_antialias_upsampling_bilinear_equals_plain_bilinear_inside():
    x = tg.tensor(np.random.default_rng(1).standard_normal((1, 1, 4, 5)))
    plain = F.interpolate(x, size=(8, 10), mode="bilinear")
    smooth = F.interpolate(x, size=(8, 10), mode="bilinear", antialias=True)
    # away from the border the two weight rows are the same triangle weights
    np.testing.assert_allclose(smooth.data[..., 1:-1, 1:-1], plain.data[..., 1:-1, 1:-1], atol=1e-14)


def test_errors():
    x4, x5 = tg.zeros(1, 1, 3, 3), tg.zeros(1, 1, 2, 3, 3)
    with pytest.raises(RuntimeError, match=r"grid_sample: expected grid to have size 3 in last .*\(1, 2, 2, 2, 2\)"):
        F.grid_sample(x5, tg.zeros(1, 2, 2, 2, 2), align_corners=False)
    with pytest.raises(ValueError, match=r"grid_sample: expected grid and input to have same .*\(2, 1, 1, 1, 3\)"):
        F.grid_sample(x5, tg.zeros(2, 1, 1, 1, 3), align_corners=False)
    with pytest.raises(RuntimeError, match=r"grid_sample: expected a 4D input .* grid of shape \(1, 2, 2, 3\)"):
        F.grid_sample(x5, tg.zeros(1, 2, 2, 3), align_corners=False)
    with pytest.raises(RuntimeError, match="grid_sample: bicubic interpolation only supports 4D input"):
        F.grid_sample(x5, tg.zeros(1, 1, 1, 1, 3), mode="bicubic", align_corners=False)
    for mode, x in [("nearest", x4), ("trilinear", x4), ("bilinear", x5), ("area", x4)]:
        with pytest.raises(ValueError, match=f"anti-alias option is restricted.*'{mode}'"):
            F.interpolate(x, size=(2,) * (x.ndim - 2), mode=mode, antialias=True)


def test_errors_are_torchs_types():
    torch = pytest.importorskip("torch")
    x5 = torch.zeros(1, 1, 2, 3, 3)
    for grid in [torch.zeros(1, 2, 2, 2, 2), torch.zeros(2, 1, 1, 1, 3), torch.zeros(1, 2, 2, 3)]:
        with pytest.raises(RuntimeError):
            torch.nn.functional.grid_sample(x5, grid, align_corners=False)
        with pytest.raises(RuntimeError):
            F.grid_sample(tg.tensor(x5.numpy()), tg.tensor(grid.numpy()), align_corners=False)
    with pytest.raises(ValueError):
        torch.nn.functional.interpolate(torch.zeros(1, 1, 3, 3), size=2, mode="nearest", antialias=True)
    with pytest.raises(ValueError):
        F.interpolate(tg.zeros(1, 1, 3, 3), size=2, mode="nearest", antialias=True)
