"""optim.SparseAdam: Adam on the rows a gradient reaches, the others left alone."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg

W0 = np.random.default_rng(0).standard_normal((6, 3))
LOOKUPS = ([1, 2, 1], [3], [1, 5], [0, 0, 2])


def _train(lib, optimizer_kwargs: dict):
    emb = lib.nn.Embedding(6, 3, sparse=True)
    with lib.no_grad():
        emb.weight.copy_(lib.tensor(W0))
    opt = lib.optim.SparseAdam(emb.parameters(), **optimizer_kwargs)
    for idx in LOOKUPS:
        opt.zero_grad()
        (emb(lib.tensor(idx)) ** 2).sum().backward()
        opt.step()
    return emb.weight.detach().numpy(), opt


def test_only_rows_that_were_looked_up_move():
    weights, opt = _train(tg, dict(lr=0.1))
    np.testing.assert_array_equal(weights[4], W0[4])  # never looked up
    assert not np.array_equal(weights[1], W0[1])
    state = opt.state[next(iter(opt.state))]
    assert state["step"] == 4 and state["exp_avg"].shape == (6, 3)
    assert np.all(state["exp_avg"].numpy()[4] == 0)


def test_first_step_is_lr_times_the_sign():
    """After one step m/√v = g/|g|, so each touched element moves by lr (up to eps)."""
    p = tg.nn.Parameter(tg.tensor([[1.0, -2.0], [3.0, 4.0]]))
    opt = tg.optim.SparseAdam([p], lr=0.5)
    p.grad = tg.tensor([[0.3, -0.7], [0.0, 0.0]])
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [[0.5, -1.5], [3.0, 4.0]], atol=1e-6)
    assert math.isclose(opt.state[p]["exp_avg_sq"].numpy()[0, 0], 0.001 * 0.09)


def test_maximize_and_bad_options():
    p = tg.nn.Parameter(tg.tensor([1.0, 1.0]))
    opt = tg.optim.SparseAdam([p], lr=0.5, maximize=True)
    p.grad = tg.tensor([1.0, 0.0])
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [1.5, 1.0], atol=1e-6)
    for bad in (dict(lr=-1.0), dict(eps=-1.0), dict(betas=(1.0, 0.9)), dict(betas=(0.9, -0.1))):
        with pytest.raises(ValueError):
            tg.optim.SparseAdam([p], **bad)


def test_same_as_torch():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    try:
        kwargs = dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6)
        ours, opt = _train(tg, kwargs)
        theirs, topt = _train(torch, kwargs)
    finally:
        torch.set_default_dtype(torch.float32)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
    assert opt.state_dict()["param_groups"][0].keys() == topt.state_dict()["param_groups"][0].keys()
