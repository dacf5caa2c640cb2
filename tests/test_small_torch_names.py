"""Small PyTorch names: nn.init's deprecated spellings, tg.autograd's engine switches,
nn.SyncBatchNorm (one process) and nn.DataParallel (no GPUs)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.init as init

OLD_INIT_NAMES = ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
                  "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"]


@pytest.mark.parametrize("name", OLD_INIT_NAMES)
def test_old_init_names_warn_and_fill_like_the_new_ones(name):
    shape = (2, 3, 3) if name == "dirac" else (4, 3)
    args = {"constant": (0.5,), "sparse": (0.5,)}.get(name, ())
    a, b = tg.empty(*shape), tg.empty(*shape)
    tg.manual_seed(7)
    with pytest.warns(FutureWarning, match=f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`"):
        returned = getattr(init, name)(a, *args)
    tg.manual_seed(7)
    getattr(init, name + "_")(b, *args)
    assert returned is a and np.array_equal(a.numpy(), b.numpy())


def test_old_init_names_are_torchs():
    torch = pytest.importorskip("torch")
    ours = {n for n in dir(init) if not n.startswith("_") and hasattr(init, n + "_")}
    theirs = {n for n in dir(torch.nn.init) if not n.startswith("_") and hasattr(torch.nn.init, n + "_")}
    assert theirs <= ours


def test_autograd_engine_switches():
    A = tg.autograd
    assert A.inference_mode is tg.inference_mode
    assert A.is_multithreading_enabled() and not A.is_view_replay_enabled()
    with A.set_multithreading_enabled(False):
        assert not A.is_multithreading_enabled()
    assert A.is_multithreading_enabled()
    switch = A.set_multithreading_enabled(False)  # as a call it acts at once, as PyTorch's
    assert not A.is_multithreading_enabled() and switch.clone().mode is False
    A.set_multithreading_enabled(True)
    assert A.is_tensor_like(tg.ones(1)) and not A.is_tensor_like(3) and not A.is_tensor_like(None)
    assert A.is_tensor_like(nn.Parameter(tg.ones(1)))


def test_sync_batch_norm_is_batch_norm_on_one_process():
    tg.manual_seed(0)
    x = tg.randn(6, 3, 4, 2, 2, requires_grad=True)  # any number of dims from 2 on
    sync = nn.SyncBatchNorm(3, momentum=0.2)
    out = sync(x)
    mean = x.data.mean(axis=(0, 2, 3, 4), keepdims=True)
    var = x.data.var(axis=(0, 2, 3, 4), keepdims=True)
    np.testing.assert_allclose(out.data, (x.data - mean) / np.sqrt(var + 1e-5), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(sync.running_mean.data, 0.2 * mean.ravel(), rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert x.grad is not None and sync.weight.grad is not None
    with pytest.raises(ValueError, match="SyncBatchNorm: expected at least 2D input"):
        sync(tg.randn(4))


def test_convert_sync_batchnorm_keeps_the_tensors():
    model = nn.Sequential(nn.Conv2d(2, 3, 1), nn.BatchNorm2d(3), nn.Sequential(nn.BatchNorm1d(4)))
    model.eval()
    bn, inner = model[1], model[2][0]
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert converted is model and type(model[1]) is nn.SyncBatchNorm and type(model[2][0]) is nn.SyncBatchNorm
    assert model[1].weight is bn.weight and model[1].running_var is bn.running_var and not model[1].training
    assert model[2][0].num_features == inner.num_features == 4
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                        "1.running_var", "1.num_batches_tracked", "2.0.weight", "2.0.bias",
                                        "2.0.running_mean", "2.0.running_var", "2.0.num_batches_tracked"]


def test_sync_batch_norm_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(3).standard_normal((5, 3, 4))
    ours, theirs = nn.SyncBatchNorm(3), torch.nn.SyncBatchNorm(3)
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = ours.double() if hasattr(ours, "double") else ours
        theirs = theirs.double()
    y, ty = ours(x), theirs(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=1e-10)
    assert repr(ours) == repr(theirs)


def test_data_parallel_calls_the_module():
    linear = nn.Linear(3, 2)
    model = nn.DataParallel(linear, device_ids=[0, 1])
    x = tg.ones(4, 3)
    assert np.array_equal(model(x).data, linear(x).data)
    assert model.module is linear and model.device_ids == [] and model.dim == 0
    assert list(model.state_dict()) == ["module.weight", "module.bias"]
    torch = pytest.importorskip("torch")
    theirs = torch.nn.DataParallel(torch.nn.Linear(3, 2), device_ids=[0, 1])
    assert theirs.device_ids == [] and repr(theirs).replace("torch.", "") == repr(model)
