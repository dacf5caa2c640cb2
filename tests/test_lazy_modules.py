"""Lazy modules (nn.LazyLinear, nn.LazyConv*d, nn.LazyConvTranspose*d, nn.LazyBatchNorm*d,
nn.LazyInstanceNorm*d) and their placeholders (nn.UninitializedParameter/UninitializedBuffer):
values and gradients equal to the ordinary module with the same weights, optimizers made before
the first forward, state dicts, errors, and reprs/keys compared with PyTorch's."""
from __future__ import annotations

import copy
import doctest
import importlib
import pickle

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.lazy import LazyModuleMixin
from tinygrad_edu.nn.parameter import UninitializedBuffer, UninitializedParameter, UninitializedTensorMixin, is_lazy


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _x(*shape, seed=0):
    return tg.tensor(np.random.default_rng(seed).standard_normal(shape))


# (lazy class name, constructor args, kwargs, input shape, ordinary class, ordinary args given in_size)
CASES = [
    ("LazyLinear", (3,), {}, (2, 4), lambda n: nn.Linear(n, 3)),
    ("LazyLinear", (3,), {"bias": False}, (2, 5, 4), lambda n: nn.Linear(n, 3, bias=False)),
    ("LazyConv1d", (4, 3), {"padding": 1}, (2, 3, 7), lambda n: nn.Conv1d(n, 4, 3, padding=1)),
    ("LazyConv2d", (4, 3), {"stride": 2, "groups": 2}, (2, 6, 7, 7), lambda n: nn.Conv2d(n, 4, 3, stride=2, groups=2)),
    ("LazyConv2d", (4, 3), {"padding": 1, "padding_mode": "reflect"}, (3, 6, 6),
     lambda n: nn.Conv2d(n, 4, 3, padding=1, padding_mode="reflect")),
    ("LazyConv3d", (2, 2), {"bias": False}, (1, 3, 4, 4, 4), lambda n: nn.Conv3d(n, 2, 2, bias=False)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2}, (2, 3, 5), lambda n: nn.ConvTranspose1d(n, 4, 3, stride=2)),
    ("LazyConvTranspose2d", (4, 2), {"stride": 2, "output_padding": 1}, (1, 3, 4, 4),
     lambda n: nn.ConvTranspose2d(n, 4, 2, stride=2, output_padding=1)),
    ("LazyConvTranspose3d", (2, 2), {}, (1, 3, 3, 3, 3), lambda n: nn.ConvTranspose3d(n, 2, 2)),
    ("LazyBatchNorm1d", (), {}, (5, 3), lambda n: nn.BatchNorm1d(n)),
    ("LazyBatchNorm2d", (), {"momentum": None}, (4, 3, 2, 2), lambda n: nn.BatchNorm2d(n, momentum=None)),
    ("LazyBatchNorm3d", (), {"affine": False}, (2, 3, 2, 2, 2), lambda n: nn.BatchNorm3d(n, affine=False)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 6), lambda n: nn.InstanceNorm1d(n, affine=True, track_running_stats=True)),
    ("LazyInstanceNorm2d", (), {"track_running_stats": False}, (2, 3, 4, 4),
     lambda n: nn.InstanceNorm2d(n, affine=True)),
    ("LazyInstanceNorm3d", (), {"affine": False}, (2, 3, 2, 3, 2),
     lambda n: nn.InstanceNorm3d(n, track_running_stats=True)),
]
IDS = [f"{name}-{i}" for i, (name, *_) in enumerate(CASES)]


def _in_size(name: str, shape: tuple) -> int:
    if name == "LazyLinear":
        return shape[-1]
    batched = len(shape) == int(name[-2]) + 2 if "Conv" in name else True
    return shape[1] if batched else shape[0]


# ---- the placeholders ------------------------------------------------------------------------------
def test_uninitialized_parameter_is_a_parameter_without_values():
    p = UninitializedParameter()
    assert repr(p) == "<UninitializedParameter>" and str(p) == "<UninitializedParameter>"
    assert isinstance(p, nn.Parameter) and isinstance(p, tg.Tensor) and is_lazy(p)
    assert p.requires_grad and p.is_leaf and p.grad is None and p.dtype == tg.get_default_dtype()
    assert UninitializedParameter(requires_grad=False, dtype=tg.float32).dtype == tg.float32
    assert nn.UninitializedParameter is UninitializedParameter and nn.UninitializedBuffer is UninitializedBuffer
    b = UninitializedBuffer()
    assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad and is_lazy(b)
    assert not isinstance(b, nn.Parameter) and isinstance(b, nn.Buffer) and b.persistent
    assert not is_lazy(nn.Parameter(tg.ones(2))) and not is_lazy(tg.ones(2)) and not is_lazy(None)
    with pytest.raises(TypeError, match="floating point"):
        UninitializedParameter(dtype=tg.int64)


def test_materialize_keeps_the_object():
    p = UninitializedParameter(dtype=tg.float32)
    seen_by = [p]  # (what an optimizer made before the first forward holds)
    p.materialize((2, 3))
    assert seen_by[0] is p and type(p) is tg.Tensor and isinstance(p, nn.Parameter) and not is_lazy(p)
    assert p.shape == (2, 3) and p.dtype == tg.float32 and p.requires_grad
    np.testing.assert_array_equal(p.data, np.zeros((2, 3)))
    assert ((p * 2).sum() + 1).item() == 1.0  # an ordinary tensor now
    b = UninitializedBuffer()
    b.materialize(4, dtype=tg.float32)
    assert type(b) is tg.Tensor and b.shape == (4,) and b.dtype == tg.float32 and not b.requires_grad
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        UninitializedParameter().materialize((3, -1))


@pytest.mark.parametrize("op, name", [
    (lambda p: p + 1, "Tensor.__add__"),
    (lambda p: 2 * p, "Tensor.__rmul__"),
    (lambda p: tg.ones(2, 3) @ p, "Tensor.__matmul__"),
    (lambda p: p.sum(), "Tensor.sum"),
    (lambda p: tg.exp(p), "exp"),
    (lambda p: tg.cat([tg.ones(2), p]), "cat"),
    (lambda p: nn.functional.relu(p), "relu"),
    (lambda p: nn.functional.conv2d(tg.ones(1, 1, 3, 3), p), "conv2d"),
    (lambda p: nn.functional.mse_loss(p, tg.ones(2)), "mse_loss"),
    (lambda p: p.reshape(-1), "Tensor.reshape"),
    (lambda p: p[0], "Tensor.__getitem__"),
    (lambda p: p.numel(), "Tensor.numel"),
    (lambda p: p.detach(), "Tensor.detach"),
    (lambda p: p.item(), "Tensor.item"),
    (lambda p: np.asarray(p), "Tensor.__array__"),
    (lambda p: nn.init.xavier_uniform_(p), "xavier_uniform_"),
])
def test_any_use_in_an_op_raises_value_error_naming_the_op(op, name):
    with pytest.raises(ValueError, match=rf"Attempted to use an uninitialized parameter in {name}\. .*LazyModule"):
        op(UninitializedParameter())


def test_inside_a_module_the_error_names_the_layer():
    layer = nn.Conv2d(1, 1, 3)
    layer.weight = UninitializedParameter()  # (explicitly manipulating the placeholder)
    with pytest.raises(ValueError, match=r"uninitialized parameter in Conv2d\.forward\."):
        layer(tg.ones(1, 1, 4, 4))


def test_asking_the_shape_raises_runtime_error():
    p = UninitializedParameter()
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
        p.shape  # noqa: B018
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        p.data.shape  # noqa: B018


def test_placeholder_errors_as_torch(torch):
    from torch.nn.parameter import UninitializedParameter as TorchUninitialized

    for ours, theirs in ((UninitializedParameter(), TorchUninitialized()),):
        assert repr(ours) == repr(theirs) and ours.requires_grad == theirs.requires_grad
        for op in (lambda p: p + 1, lambda p: p.sum(), lambda p: p.numel(), lambda p: p.detach(), lambda p: p.shape,
                   lambda p: p.exp(), lambda p: p.t()):
            with pytest.raises(Exception) as mine:
                op(ours)
            with pytest.raises(Exception) as torchs:
                op(theirs)
            assert type(mine.value) is type(torchs.value), (mine.value, torchs.value)
            assert str(mine.value)[:45] == str(torchs.value)[:45]
    assert repr(UninitializedBuffer()) == repr(torch.nn.UninitializedBuffer())


def test_placeholders_copy_and_pickle():
    for placeholder in (UninitializedParameter(dtype=tg.float32), UninitializedBuffer(persistent=False)):
        for copied in (copy.deepcopy(placeholder), pickle.loads(pickle.dumps(placeholder))):
            assert type(copied) is type(placeholder) and copied is not placeholder
            assert copied.dtype == placeholder.dtype and copied.requires_grad == placeholder.requires_grad
            assert isinstance(copied, nn.Parameter) == isinstance(placeholder, nn.Parameter)
    assert not pickle.loads(pickle.dumps(UninitializedBuffer(persistent=False))).persistent


# ---- forward, backward, training ---------------------------------------------------------------
@pytest.mark.parametrize("name, args, kwargs, shape, ordinary", CASES, ids=IDS)
def test_values_and_gradients_equal_the_ordinary_module(name, args, kwargs, shape, ordinary):
    tg.manual_seed(0)
    lazy = getattr(nn, name)(*args, **kwargs)
    assert lazy.has_uninitialized_params() and isinstance(lazy, LazyModuleMixin)
    out = lazy(_x(*shape))
    assert not isinstance(lazy, LazyModuleMixin) and not hasattr(lazy, "has_uninitialized_params")  # (as torch)
    assert not any(is_lazy(t) for t in list(lazy.parameters()) + list(lazy.buffers()))
    reference = ordinary(_in_size(name, shape))
    assert type(lazy) is type(reference)
    assert repr(lazy) == repr(reference)
    for (key, mine), (other_key, theirs) in zip(lazy.state_dict().items(), reference.state_dict().items()):
        assert key == other_key and mine.shape == theirs.shape and mine.dtype == theirs.dtype
    # the same numbers in both (the buffers as they were before the forward, which updated them)
    state = {k: v.data.copy() for k, v in lazy.state_dict().items()}
    lazy_again = getattr(nn, name)(*args, **kwargs)
    lazy_again.load_state_dict(state)
    reference.load_state_dict(state)
    x1, x2 = _x(*shape, seed=1).requires_grad_(), _x(*shape, seed=1).requires_grad_()
    y1, y2 = lazy_again(x1), reference(x2)
    # (made by loading: in_channels / num_features come from the loaded tensors, where PyTorch
    # leaves 0 -- and then refuses every input of an affine LazyInstanceNorm)
    assert type(lazy_again) is type(reference) and repr(lazy_again) == repr(reference)
    np.testing.assert_allclose(y1.data, y2.data, rtol=1e-12, atol=1e-12)
    weights = _x(*y1.shape, seed=2)
    (y1 * weights).sum().backward()
    (y2 * weights).sum().backward()
    np.testing.assert_allclose(x1.grad.data, x2.grad.data, rtol=1e-12, atol=1e-12)
    for (k, p1), (_, p2) in zip(lazy_again.named_parameters(), reference.named_parameters()):
        np.testing.assert_allclose(p1.grad.data, p2.grad.data, rtol=1e-12, atol=1e-12, err_msg=k)
    for (k, b1), (_, b2) in zip(lazy_again.named_buffers(), reference.named_buffers()):
        np.testing.assert_allclose(b1.data, b2.data, rtol=1e-12, err_msg=k)
    assert out.shape == y1.shape


@pytest.mark.parametrize("name, args, kwargs, shape, ordinary", CASES, ids=IDS)
def test_values_and_gradients_equal_torch(torch, name, args, kwargs, shape, ordinary):
    tg.manual_seed(1)
    ours = getattr(nn, name)(*args, **kwargs)
    x = _x(*shape)
    ours(x)  # (initializes)
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    x_torch = torch.tensor(x.data)
    theirs(x_torch)  # (initializes, then is loaded with our values)
    theirs.load_state_dict({k: torch.tensor(np.array(v.data)) for k, v in ours.state_dict().items()})
    ours.train(), theirs.train()
    xs, x_torch = _x(*shape, seed=3).requires_grad_(), torch.tensor(_x(*shape, seed=3).data, requires_grad=True)
    y, y_torch = ours(xs), theirs(x_torch)
    np.testing.assert_allclose(y.data, y_torch.detach().numpy(), rtol=1e-9, atol=1e-10)
    y.sum().backward()
    y_torch.sum().backward()
    np.testing.assert_allclose(xs.grad.data, x_torch.grad.numpy(), rtol=1e-9, atol=1e-10)
    for (k, p), (k_torch, p_torch) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert k == k_torch
        np.testing.assert_allclose(p.grad.data, p_torch.grad.numpy(), rtol=1e-9, atol=1e-10, err_msg=k)
    assert type(ours).__name__ == type(theirs).__name__


def test_an_optimizer_made_before_the_first_forward_trains_the_parameters():
    tg.manual_seed(0)
    model = nn.Sequential(nn.LazyLinear(4), nn.Tanh(), nn.LazyLinear(1))
    params = list(model.parameters())
    assert all(is_lazy(p) for p in params) and len(params) == 4
    opt = tg.optim.SGD(model.parameters(), lr=0.5)
    x, target = _x(8, 3), _x(8, 1, seed=1)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), target)
        loss.backward()
        if not losses:  # the first step moves each parameter by -lr * grad
            before = [p.data.copy() for p in params]
            grads = [p.grad.data.copy() for p in params]
        opt.step()
        if not losses:
            for p, old, grad in zip(params, before, grads):
                np.testing.assert_allclose(p.data, old - 0.5 * grad, rtol=1e-12)
        losses.append(loss.item())
    assert all(a is b for a, b in zip(model.parameters(), params))
    assert opt.param_groups[0]["params"][0] is model[0].weight and model[0].weight.shape == (4, 3)
    assert losses[-1] < 0.5 * losses[0]


def test_adam_made_before_the_first_forward():
    tg.manual_seed(0)
    layer = nn.LazyLinear(2)
    opt = tg.optim.Adam(layer.parameters(), lr=0.1)
    layer(tg.ones(1, 3)).sum().backward()
    old = layer.weight.data.copy()
    opt.step()
    np.testing.assert_allclose(layer.weight.data, old - 0.1, rtol=1e-6)  # Adam's first step: lr · sign(grad)
    assert opt.state[layer.weight]["exp_avg"].shape == (2, 3)


def test_a_lenet_like_sequential_infers_every_size():
    tg.manual_seed(0)
    model = nn.Sequential(nn.LazyConv2d(6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.LazyConv2d(16, 5), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.LazyLinear(120), nn.ReLU(), nn.LazyLinear(10))
    out = model(tg.zeros(2, 3, 32, 32))
    assert out.shape == (2, 10)
    assert model[7].in_features == 16 * 5 * 5 and model[7].weight.shape == (120, 400)
    assert model[0].weight.shape == (6, 3, 5, 5) and model[3].weight.shape == (16, 6, 5, 5)
    assert [type(m).__name__ for m in model] == ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d",
                                                 "Flatten", "Linear", "ReLU", "Linear"]
    assert model(tg.zeros(1, 3, 32, 32)).shape == (1, 10)


def test_sequential_shapes_and_repr_as_torch(torch):
    def build(lib):
        return lib.nn.Sequential(lib.nn.LazyConv2d(4, 3, padding=1), lib.nn.ReLU(), lib.nn.Flatten(),
                                 lib.nn.LazyLinear(5))

    ours, theirs = build(tg), build(torch)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours(tg.zeros(2, 3, 6, 6)).shape == tuple(theirs(torch.zeros(2, 3, 6, 6)).shape) == (2, 5)
    assert repr(ours) == repr(theirs)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


def test_the_first_forward_removes_the_lazy_hooks_and_keeps_the_users():
    layer = nn.LazyLinear(2)
    calls = []
    layer.register_forward_pre_hook(lambda module, args: calls.append(type(module).__name__))
    layer(tg.ones(1, 3))
    layer(tg.ones(1, 3))
    assert calls == ["Linear", "Linear"]  # (the lazy hook ran first, and changed the class)
    assert "_initialize_hook" not in vars(layer) and "_load_hook" not in vars(layer)
    assert list(layer._forward_pre_hooks.values())[0] is not None and len(layer._forward_pre_hooks) == 1
    assert not layer.__dict__.get("_load_state_dict_pre_hooks")


def test_initialize_parameters_directly():
    layer = nn.LazyLinear(3)
    layer.initialize_parameters(tg.ones(2, 4))
    assert type(layer) is nn.LazyLinear and layer.in_features == 4 and not layer.has_uninitialized_params()
    assert repr(layer) == "LazyLinear(in_features=4, out_features=3, bias=True)"
    assert layer(tg.ones(2, 4)).shape == (2, 3) and type(layer) is nn.Linear
    with pytest.raises(NotImplementedError, match="initialize_parameters is not implemented for Mine"):
        type("Mine", (LazyModuleMixin, nn.Module), {})().initialize_parameters()


def test_reset_parameters_initializes_as_the_ordinary_module():
    tg.manual_seed(5)
    layer = nn.LazyLinear(50)
    layer(tg.ones(1, 16))
    bound = 1 / 4  # U(-1/√in, 1/√in)
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.weight.data).max() > 0.8 * bound
    assert np.abs(layer.bias.data).max() <= bound and np.unique(layer.bias.data).size == 50
    conv = nn.LazyConv2d(8, 3)
    conv(tg.ones(1, 4, 5, 5))
    bound = 1 / np.sqrt(4 * 9)
    assert 0.8 * bound < np.abs(conv.weight.data).max() <= bound
    bn = nn.LazyBatchNorm1d()
    bn.eval()(tg.ones(2, 3))
    assert bn.weight.tolist() == [1.0] * 3 and bn.bias.tolist() == [0.0] * 3
    assert bn.running_mean.tolist() == [0.0] * 3 and bn.running_var.tolist() == [1.0] * 3


def test_constructing_a_lazy_conv_draws_no_random_numbers():
    tg.manual_seed(0)
    nn.LazyConv2d(4, 3, groups=2)
    after_lazy = tg.rand(3).tolist()
    tg.manual_seed(0)
    assert tg.rand(3).tolist() == after_lazy


def test_module_to_a_dtype_before_the_first_forward():
    layer = nn.LazyLinear(3).float()
    assert layer.weight.dtype == tg.float32 and is_lazy(layer.weight)
    assert layer(tg.ones(2, 4, dtype=tg.float32)).dtype == tg.float32 and layer.weight.dtype == tg.float32
    bn = nn.LazyBatchNorm1d(dtype=tg.float32)
    bn(tg.ones(2, 3, dtype=tg.float32))
    assert bn.running_mean.dtype == tg.float32 and bn.num_batches_tracked.dtype == tg.int64


def test_deepcopy_of_a_lazy_module_is_independent():
    layer = nn.LazyLinear(3)
    copied = copy.deepcopy(layer)
    copied(tg.ones(1, 2))
    assert type(copied) is nn.Linear and copied.in_features == 2
    assert type(layer) is nn.LazyLinear and is_lazy(layer.weight)
    layer(tg.ones(1, 5))
    assert layer.in_features == 5 and copied.weight.shape == (3, 2)


# ---- state dicts ---------------------------------------------------------------------------------
def test_state_dict_of_an_uninitialized_module_holds_the_placeholders():
    layer = nn.LazyLinear(3)
    state = layer.state_dict()
    assert list(state) == ["weight", "bias"] and state["weight"] is layer.weight and state["bias"] is layer.bias
    assert layer.state_dict(keep_vars=True)["weight"] is layer.weight
    bn = nn.LazyBatchNorm2d()
    state = bn.state_dict(prefix="bn.")
    assert list(state) == ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    assert is_lazy(state["bn.running_mean"]) and state["bn.num_batches_tracked"].tolist() == 0
    assert state["bn.num_batches_tracked"] is not bn.num_batches_tracked  # (detached, as Module.state_dict)
    model = nn.Sequential(nn.Linear(2, 2), nn.LazyLinear(1))
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias"] and is_lazy(state["1.weight"])
    assert not state["0.weight"].requires_grad and state["0.weight"] is not model[0].weight


@pytest.mark.parametrize("name, args, kwargs, shape, ordinary", CASES, ids=IDS)
def test_state_dict_keys_as_torch(torch, name, args, kwargs, shape, ordinary):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [repr(v) for v in ours.state_dict().values() if is_lazy(v)] == \
        [repr(v) for v in theirs.state_dict().values() if isinstance(v, torch.nn.parameter.UninitializedTensorMixin)]
    assert [k for k, _ in ours.named_parameters()] == [k for k, _ in theirs.named_parameters()]
    assert [k for k, _ in ours.named_buffers()] == [k for k, _ in theirs.named_buffers()]
    ours(_x(*shape))
    theirs(torch.tensor(_x(*shape).data, dtype=torch.float32))
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


def test_load_state_dict_into_a_fresh_lazy_module():
    tg.manual_seed(0)
    trained = nn.Sequential(nn.LazyConv2d(3, 2), nn.LazyBatchNorm2d(), nn.Flatten(), nn.LazyLinear(2))
    x = _x(2, 1, 4, 4)
    trained(x)  # (initializes, and updates the running statistics)
    expected = trained.eval()(x)
    fresh = nn.Sequential(nn.LazyConv2d(3, 2), nn.LazyBatchNorm2d(), nn.Flatten(), nn.LazyLinear(2))
    opt = tg.optim.SGD(fresh.parameters(), lr=0.1)  # (made before loading: sees the loaded values)
    assert repr(fresh.load_state_dict(trained.state_dict())) == "<All keys matched successfully>"
    assert [type(m).__name__ for m in fresh] == ["LazyConv2d", "LazyBatchNorm2d", "Flatten", "LazyLinear"]
    for (k, mine), (_, theirs) in zip(fresh.state_dict().items(), trained.state_dict().items()):
        np.testing.assert_array_equal(mine.data, theirs.data, err_msg=k)
    np.testing.assert_allclose(fresh.eval()(x).data, expected.data, rtol=1e-12)
    assert [type(m).__name__ for m in fresh] == ["Conv2d", "BatchNorm2d", "Flatten", "Linear"]
    assert fresh[3].in_features == 3 * 3 * 3 and opt.param_groups[0]["params"][-1] is fresh[3].bias
    for (k, mine), (_, theirs) in zip(fresh.state_dict().items(), trained.state_dict().items()):
        np.testing.assert_array_equal(mine.data, theirs.data, err_msg=k)  # (not re-initialized)


def test_load_state_dict_of_arrays_and_with_a_prefix():
    layer = nn.Sequential(nn.LazyLinear(2, bias=False))
    layer.load_state_dict({"0.weight": np.ones((2, 3))})
    assert layer[0].weight.shape == (2, 3) and layer[0].weight.tolist() == [[1.0] * 3] * 2
    assert layer(tg.ones(1, 3)).tolist() == [[3.0, 3.0]]


def test_load_state_dict_into_a_lazy_module_as_torch(torch):
    ours, theirs = nn.LazyLinear(3), torch.nn.LazyLinear(3)
    ours.load_state_dict(nn.Linear(4, 3).state_dict())
    theirs.load_state_dict(torch.nn.Linear(4, 3).state_dict())
    assert repr(ours) == repr(theirs) == "LazyLinear(in_features=0, out_features=3, bias=True)"
    ours(tg.ones(1, 4)), theirs(torch.ones(1, 4))
    assert repr(ours) == repr(theirs) == "Linear(in_features=4, out_features=3, bias=True)"
    # an uninitialized state dict into an initialized module: the shape cannot be read
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        nn.Linear(4, 3).load_state_dict(nn.LazyLinear(3).state_dict())
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        torch.nn.Linear(4, 3).load_state_dict(torch.nn.LazyLinear(3).state_dict())


def test_load_an_uninitialized_state_dict_into_a_lazy_module():
    """A placeholder loaded into a placeholder: nothing to copy (PyTorch skips those too)."""
    layer = nn.LazyLinear(3)
    layer.load_state_dict(nn.LazyLinear(3).state_dict())
    assert is_lazy(layer.weight)


def test_a_partly_loaded_lazy_module_refuses_to_initialize():
    layer = nn.LazyLinear(3)
    keys = layer.load_state_dict({"weight": tg.ones(3, 4)}, strict=False)
    assert keys.missing_keys == ["bias"] and not is_lazy(layer.weight) and is_lazy(layer.bias)
    state = layer.state_dict()
    assert is_lazy(state["bias"]) and state["weight"] is not layer.weight and not state["weight"].requires_grad
    with pytest.raises(RuntimeError, match="'weight' was loaded by load_state_dict but other parameters were not"):
        layer(tg.ones(1, 4))
    with pytest.raises(RuntimeError, match='Missing key\\(s\\).*"bias"'):
        nn.LazyLinear(3).load_state_dict({"weight": tg.ones(3, 4)})


# ---- errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, x, error, words", [
    (lambda: nn.LazyLinear(3), tg.tensor(2.0), IndexError, "0-d input"),
    (lambda: nn.LazyConv2d(3, 2), tg.ones(4, 4), RuntimeError,
     r"Expected 3D \(unbatched\) or 4D \(batched\) input to LazyConv2d, but got input of size: \(4, 4\)"),
    (lambda: nn.LazyConv1d(3, 2), tg.ones(1, 2, 3, 4), RuntimeError, "Expected 2D .* or 3D"),
    (lambda: nn.LazyConvTranspose3d(3, 2), tg.ones(2, 2), RuntimeError, "Expected 4D .* or 5D"),
    (lambda: nn.LazyConv2d(4, 2, groups=2), tg.ones(1, 3, 4, 4), ValueError, "in_channels must be divisible by groups"),
    (lambda: nn.LazyBatchNorm2d(), tg.ones(2, 3), ValueError, "expected 4D input"),
    (lambda: nn.LazyBatchNorm1d(), tg.ones(2, 3, 4, 5), ValueError, "expected 2D or 3D input"),
    (lambda: nn.LazyBatchNorm1d(), tg.ones(5), IndexError, "dim 1"),
    (lambda: nn.LazyInstanceNorm2d(), tg.ones(2, 3), ValueError, "expected 3D or 4D input"),
    (lambda: nn.LazyInstanceNorm2d(), tg.ones(3, 4, 5), ValueError, r"size at dim=0 to match num_features \(4\)"),
    (lambda: nn.LazyLinear(-1), tg.ones(1, 2), RuntimeError, "negative dimension -1"),
])
def test_wrong_inputs_raise_the_errors_of_the_underlying_module(make, x, error, words):
    with pytest.raises(error, match=words):
        make()(x)


def test_wrong_input_errors_have_torchs_types(torch):
    cases = [("LazyLinear", (3,), (), IndexError), ("LazyConv2d", (3, 2), (4, 4), RuntimeError),
             ("LazyConv2d", (4, 2, 1, 0, 1, 2), (1, 3, 4, 4), ValueError), ("LazyBatchNorm2d", (), (2, 3), ValueError),
             ("LazyBatchNorm1d", (), (2, 3, 4, 5), ValueError), ("LazyBatchNorm1d", (), (5,), IndexError),
             ("LazyInstanceNorm2d", (), (3, 4, 5), ValueError), ("LazyLinear", (-1,), (1, 2), RuntimeError)]
    for name, args, shape, error in cases:
        with pytest.raises(error):
            getattr(nn, name)(*args)(tg.ones(*shape))
        with pytest.raises(error):
            getattr(torch.nn, name)(*args)(torch.ones(shape))


def test_after_the_first_forward_another_input_size_is_an_error():
    layer = nn.LazyLinear(3)
    layer(tg.ones(2, 4))
    with pytest.raises(ValueError, match="in_features = 4"):
        layer(tg.ones(2, 5))
    with pytest.raises(RuntimeError, match="tinygrad_edu runs on the CPU"):
        nn.LazyLinear(3, device="cuda")


def test_the_module_stays_lazy_when_initialization_fails():
    conv = nn.LazyConv2d(3, 2)
    with pytest.raises(RuntimeError):
        conv(tg.ones(4, 4))
    assert type(conv) is nn.LazyConv2d and is_lazy(conv.weight)
    assert conv(tg.ones(1, 2, 4, 4)).shape == (1, 3, 3, 3) and type(conv) is nn.Conv2d


def test_counting_parameters_before_the_first_forward():
    layer = nn.LazyLinear(3)
    assert len(list(layer.parameters())) == 2
    with pytest.raises(ValueError, match="uninitialized parameter in Tensor.numel"):
        sum(p.numel() for p in layer.parameters())


# ---- reprs ---------------------------------------------------------------------------------------
def test_reprs_without_torch():
    assert repr(nn.LazyLinear(3)) == "LazyLinear(in_features=0, out_features=3, bias=True)"
    conv = nn.LazyConv2d(4, 3)
    assert repr(conv) == "LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))"
    conv(tg.ones(1, 2, 5, 5))
    assert repr(conv) == "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1))"
    assert repr(nn.LazyBatchNorm1d()) == ("LazyBatchNorm1d(0, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                                          "track_running_stats=True)")


@pytest.mark.parametrize("name, args, kwargs, shape, ordinary", CASES + [
    ("LazyConv2d", (4, 3), {"stride": 2, "padding": 1, "dilation": 2, "groups": 2, "bias": False,
                            "padding_mode": "circular"}, (1, 4, 9, 9), None),
    ("LazyConvTranspose2d", (4, 3), {"padding": 1, "output_padding": 1, "stride": 2, "dilation": 1},
     (1, 2, 3, 3), None),
    ("LazyBatchNorm1d", (), {"eps": 1e-3, "momentum": 0.2, "affine": False, "track_running_stats": False},
     (4, 3), None),
    ("LazyInstanceNorm1d", (), {"bias": False}, (2, 3, 4), None),
], ids=IDS + ["conv-all", "convT-all", "bn-all", "in-nobias"])
def test_reprs_before_and_after_the_first_forward_as_torch(torch, name, args, kwargs, shape, ordinary):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    ours(_x(*shape))
    theirs(torch.tensor(_x(*shape).data, dtype=torch.float32))
    assert repr(ours) == repr(theirs)
    assert type(ours).__name__ == type(theirs).__name__


def test_signatures_as_torch(torch):
    import inspect

    for name in ["LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
                 "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
                 "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]:
        ours = inspect.signature(getattr(nn, name).__init__).parameters
        theirs = inspect.signature(getattr(torch.nn, name).__init__).parameters
        assert [(p.name, p.default, p.kind) for p in ours.values()] == \
            [(p.name, p.default, p.kind) for p in theirs.values()], name
    for ours, theirs in ((UninitializedParameter.__new__, torch.nn.UninitializedParameter.__new__),
                         (UninitializedBuffer.__new__, torch.nn.UninitializedBuffer.__new__),
                         (UninitializedTensorMixin.materialize,
                          torch.nn.parameter.UninitializedTensorMixin.materialize)):
        assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters)


@pytest.mark.parametrize("module", ["tinygrad_edu.nn.lazy", "tinygrad_edu.nn.parameter"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
