"""Module forward hooks and forward pre-hooks: order, prepend, replacing inputs and outputs,
with_kwargs, always_call, handles -- as PyTorch's (compared with torch where installed)."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def test_forward_hook_sees_inputs_and_output_and_can_replace_it():
    layer = nn.Linear(3, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, args, out: seen.append((m, args, out)))
    x = tg.randn(4, 3)
    y = layer(x)
    (module, args, out), = seen
    assert module is layer and isinstance(args, tuple) and args[0] is x and out is y
    layer.register_forward_hook(lambda m, args, out: out * 0 + 7)
    np.testing.assert_array_equal(layer(x).numpy(), np.full((4, 2), 7.0))
    handle.remove()
    handle.remove()  # twice is harmless
    layer(x)
    assert len(seen) == 2  # the calls before the removal only


def test_pre_hook_replaces_the_input_and_a_single_value_becomes_a_tuple():
    layer = nn.Identity() if hasattr(nn, "Identity") else nn.Sequential()
    layer.register_forward_pre_hook(lambda m, args: args[0] * 2)
    np.testing.assert_array_equal(layer(tg.ones(2)).numpy(), [2.0, 2.0])


def test_hooks_run_in_order_and_prepend_puts_one_first():
    layer = nn.ReLU()
    order = []
    layer.register_forward_hook(lambda m, a, o: order.append("a"))
    layer.register_forward_hook(lambda m, a, o: order.append("b"))
    layer.register_forward_hook(lambda m, a, o: order.append("first"), prepend=True)
    layer.register_forward_pre_hook(lambda m, a: order.append("pre"))
    layer.register_forward_pre_hook(lambda m, a: order.append("pre-first"), prepend=True)
    layer(tg.ones(1))
    assert order == ["pre-first", "pre", "first", "a", "b"]


class TwoInputs(nn.Module):
    def forward(self, x, scale=1.0):
        return x * scale


def test_with_kwargs_hooks_get_and_replace_kwargs():
    m = TwoInputs()
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {**kwargs, "scale": 10.0}), with_kwargs=True)
    got = []
    m.register_forward_hook(lambda mod, args, kwargs, out: got.append(kwargs), with_kwargs=True)
    assert m(tg.ones(1), scale=2.0).item() == 10.0
    assert got == [{"scale": 10.0}]
    bad = TwoInputs()
    bad.register_forward_pre_hook(lambda mod, args, kwargs: 3, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"must return None or a tuple of \(new_args, new_kwargs\)"):
        bad(tg.ones(1))


class Fails(nn.Module):
    def forward(self, x):
        raise ValueError("forward failed")


def test_always_call_hooks_run_when_forward_raises():
    m = Fails()
    calls = []
    m.register_forward_hook(lambda mod, a, o: calls.append(("always", o)), always_call=True)
    m.register_forward_hook(lambda mod, a, o: calls.append(("normal", o)))
    with pytest.raises(ValueError, match="forward failed"):
        m(tg.ones(1))
    assert calls == [("always", None)]


def test_handle_as_context_manager_and_gradients_flow_through_a_replaced_output():
    layer = nn.Linear(2, 2)
    with layer.register_forward_hook(lambda m, a, o: o * 3):
        y = layer(tg.ones(1, 2))
    y.sum().backward()
    np.testing.assert_allclose(layer.bias.grad.numpy(), [3.0, 3.0])
    z = layer(tg.ones(1, 2))  # the hook is gone
    np.testing.assert_allclose(z.numpy(), (tg.ones(1, 2) @ layer.weight.T + layer.bias).detach().numpy())


def test_hooks_on_submodules_record_activations_and_survive_deepcopy():
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    shapes = {}
    for name, module in net.named_children():
        module.register_forward_hook(lambda m, a, o, name=name: shapes.__setitem__(name, o.shape))
    net(tg.randn(5, 3))
    assert shapes == {"0": (5, 4), "1": (5, 4), "2": (5, 1)}
    assert list(copy.deepcopy(net).state_dict()) == list(net.state_dict())


@needs_torch
def test_the_same_program_gives_the_same_calls_as_torch():
    def program(lib):
        log = []
        layer = lib.nn.Linear(2, 2)
        weight, bias = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, 0.5])
        if lib is torch:
            layer.load_state_dict({"weight": torch.tensor(weight, dtype=torch.float32), "bias": torch.tensor(bias)})
        else:
            layer.load_state_dict({"weight": weight, "bias": bias})
        h1 = layer.register_forward_pre_hook(lambda m, args: (args[0] + 1,))
        layer.register_forward_hook(lambda m, args, out: log.append(("post", args[0].tolist(), out.tolist())))
        layer.register_forward_hook(lambda m, args, out: out * 2, prepend=True)
        log.append(layer(lib.tensor([[1.0, -1.0]])).tolist())
        h1.remove()
        log.append(layer(lib.tensor([[1.0, -1.0]])).tolist())
        return log

    assert program(tg) == program(torch)
