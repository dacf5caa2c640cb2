"""`tg.jit` (TorchScript's entry points, run eagerly) and `tg.bfloat16` (a dtype that can be named
-- for CPU autocast -- but that no tensor can have, since numpy lacks it)."""
from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

HAS_TORCH = importlib.util.find_spec("torch") is not None


# ---- tg.jit ---------------------------------------------------------------------------------------
def test_script_and_trace_return_the_model_itself_and_it_still_trains():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = tg.randn(5, 3)
    assert tg.jit.script(model) is model
    assert tg.jit.trace(model, x) is model
    assert tg.jit.trace_module(model, {"forward": x}) is model
    assert tg.jit.freeze(model) is model and tg.jit.optimize_for_inference(model) is model
    before = model(x).detach().numpy().copy()
    loss = tg.jit.script(model)(x).pow(2).mean()
    loss.backward()
    assert model[0].weight.grad is not None
    np.testing.assert_array_equal(tg.jit.trace(model, x)(x).detach().numpy(), before)


def test_script_decorator_keeps_python_control_flow():
    @tg.jit.script
    def clipped(x, limit: float):
        if bool((x.abs() > limit).any()):
            return x.clamp(-limit, limit)
        return x

    assert clipped(tg.tensor([3.0, -0.5]), 1.0).tolist() == [1.0, -0.5]
    assert clipped(tg.tensor([0.25]), 1.0).tolist() == [0.25]


def test_decorators_and_queries_used_inside_scripted_modules():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        @tg.jit.ignore
        def debug(self, x):
            return x.sum()

        @tg.jit.ignore(drop=True)
        def dropped(self, x):
            return x.mean()

        @tg.jit.unused
        def unused(self, x):
            return x

        @tg.jit.export
        def exported(self, x):
            return self.fc(x)

        def forward(self, x):
            if not tg.jit.is_scripting() and not tg.jit.is_tracing():  # the eager path, as in PyTorch
                x = x * 2
            return self.fc(x)

    block = tg.jit.script(Block())
    x = tg.ones(1, 2)
    np.testing.assert_allclose(block(x).detach().numpy(), block.fc(x * 2).detach().numpy())
    assert block.debug(x).item() == 2.0 and block.dropped(x).item() == 1.0
    assert block.unused(x) is x and block.exported(x).shape == (1, 2)
    assert tg.jit.annotate(list, [1]) == [1]
    assert not isinstance(block, tg.jit.ScriptModule)


def test_fork_and_wait_give_the_result():
    future = tg.jit.fork(lambda a, b=1: a + b, tg.tensor(2.0), b=tg.tensor(3.0))
    assert future.done() and tg.jit.wait(future).item() == 5.0


def test_script_refuses_what_is_not_callable():
    with pytest.raises(RuntimeError, match="jit.script: expected a function or an nn.Module, got int"):
        tg.jit.script(3)


def test_save_and_load_say_what_to_do_instead(tmp_path):
    with pytest.raises(NotImplementedError, match=r"tg.save\(model.state_dict\(\), path\)"):
        tg.jit.save(nn.Linear(1, 1), tmp_path / "m.pt")
    with pytest.raises(NotImplementedError, match="load_state_dict"):
        tg.jit.load(tmp_path / "m.pt")


# ---- tg.bfloat16 ------------------------------------------------------------------------------------
def test_bfloat16_is_the_cpu_autocast_dtype_and_autocast_accepts_it():
    assert repr(tg.bfloat16) == "tinygrad_edu.bfloat16"
    assert tg.bfloat16 == "bfloat16" and tg.bfloat16 != tg.float16 and hash(tg.bfloat16) == hash("bfloat16")
    assert tg.get_autocast_dtype("cpu") is tg.bfloat16
    tg.manual_seed(0)
    model, x, y = nn.Linear(4, 3), tg.randn(8, 4), tg.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ("nothing is cast": numpy has no bfloat16)
        with tg.autocast("cpu", dtype=tg.bfloat16):
            assert tg.is_autocast_enabled("cpu") and tg.get_autocast_dtype("cpu") is tg.bfloat16
            loss = F.cross_entropy(model(x), y)
    assert loss.dtype == tg.float64  # computed in the tensors' own dtype
    loss.backward()
    assert model.weight.grad.dtype == tg.float64


@pytest.mark.parametrize("make", [
    lambda: tg.zeros(2, dtype=tg.bfloat16),
    lambda: tg.tensor([1.0], dtype=tg.bfloat16),
    lambda: tg.ones(2).to(tg.bfloat16),
    lambda: tg.ones(2).to("cpu", tg.bfloat16),
    lambda: tg.ones(2).bfloat16(),
    lambda: tg.ones(2).type(tg.bfloat16),
    lambda: tg.ones(2).view(tg.bfloat16),
])
def test_a_bfloat16_tensor_is_refused_with_the_reason(make):
    with pytest.raises(TypeError, match="numpy has no bfloat16, so no tensor here can hold it; use tg.float32"):
        make()


@pytest.mark.skipif(not HAS_TORCH, reason="compares with PyTorch")
def test_bfloat16_answers_like_torchs():
    import torch

    assert torch.get_autocast_dtype("cpu") == torch.bfloat16 and tg.get_autocast_dtype("cpu") == tg.bfloat16
    assert (tg.bfloat16.is_floating_point, tg.bfloat16.is_complex, tg.bfloat16.is_signed, tg.bfloat16.itemsize) == (
        torch.bfloat16.is_floating_point, torch.bfloat16.is_complex, torch.bfloat16.is_signed,
        torch.bfloat16.itemsize)
    assert not torch.jit.is_scripting() and not tg.jit.is_scripting()


# ---- tg.default_generator ---------------------------------------------------------------------------
def test_default_generator_is_the_framework_generator():
    import tinygrad_edu.utils.data as data

    tg.default_generator.manual_seed(11)
    assert tg.initial_seed() == 11 and tg.default_generator.initial_seed() == 11
    first = tg.rand(3)
    tg.manual_seed(11)
    np.testing.assert_array_equal(tg.rand(3, generator=tg.default_generator).numpy(), first.numpy())
    state = tg.default_generator.get_state()
    drawn = tg.randperm(6, generator=tg.default_generator)
    tg.default_generator.set_state(state)
    np.testing.assert_array_equal(tg.randperm(6).numpy(), drawn.numpy())
    tg.manual_seed(2)
    parts = [list(p) for p in data.random_split(range(8), [5, 3], generator=tg.default_generator)]
    tg.manual_seed(2)
    assert parts == [list(p) for p in data.random_split(range(8), [5, 3])]  # (its default: this generator)
    assert sorted(parts[0] + parts[1]) == list(range(8))
