"""Optimizers as PyTorch 2.13 shows them, and `optim.swa_utils`.

- signatures, parameter-group options (names, order, default values and their types) and
  `print(optimizer)`, character by character;
- the state as Tensors: `optimizer.state[p]` and `state_dict()` after 3 steps have PyTorch's keys,
  types, dtypes (the step count a 0-d float tensor of the "scalar dtype") and values, with the
  default dtype float64 and float32; state dicts of PyTorch, of ours and of older versions of ours
  (plain numbers and arrays) load, and training resumes with identical numbers;
- `foreach`/`fused`/`capturable`/`differentiable`;
- `AveragedModel`, `SWALR`, `update_bn` and the averaging functions against torch.optim.swa_utils
  (weights copied across with numpy; no random draws compared).

Every part also has checks with hand-computed values that run without PyTorch."""
from __future__ import annotations

import doctest
import importlib
import inspect
import io
import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim
from tinygrad_edu.optim import swa_utils
from tinygrad_edu.optim.swa_utils import (
    SWALR,
    AveragedModel,
    get_ema_avg_fn,
    get_ema_multi_avg_fn,
    get_swa_avg_fn,
    get_swa_multi_avg_fn,
    update_bn,
)


@pytest.fixture
def torch():
    """PyTorch on one thread; its default dtype is restored after the test."""
    torch = pytest.importorskip("torch")
    dtype, threads = torch.get_default_dtype(), torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_default_dtype(dtype)
    torch.set_num_threads(threads)


NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD",
         "LBFGS"]
REQUIRED = {"SGD": {"lr": 0.1}}  # (SGD's lr has a default in 2.13, but tutorials always give one)


def make(library, name, params, **options):
    return getattr(library, name)(params, **{**REQUIRED.get(name, {}), **options})


def options_of(group: dict) -> list:
    """(name, type, value) of a group's options, in order."""
    return [(k, type(v), v) for k, v in group.items() if k != "params"]


# ---- signatures, options, printing ----------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_signature_is_torchs(torch, name):
    def shape(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]
    assert shape(getattr(optim, name)) == shape(getattr(torch.optim, name))


@pytest.mark.parametrize("name", NAMES)
def test_param_group_options_defaults_and_types_are_torchs(torch, name):
    ours = make(optim, name, [nn.Parameter(tg.zeros(2))])
    theirs = make(torch.optim, name, [torch.zeros(2, requires_grad=True)])
    assert options_of(ours.param_groups[0]) == options_of(theirs.param_groups[0])
    assert options_of(ours.defaults) == options_of(theirs.defaults)


def test_named_parameters_group_layout_is_torchs(torch):
    ours = optim.Adam(nn.Linear(2, 1).named_parameters())
    theirs = torch.optim.Adam(torch.nn.Linear(2, 1).named_parameters())
    assert options_of(ours.param_groups[0]) == options_of(theirs.param_groups[0])
    assert list(ours.state_dict()["param_groups"][0]) == list(theirs.state_dict()["param_groups"][0])


def test_sgd_and_adam_options_by_hand():
    group = optim.SGD([nn.Parameter(tg.zeros(2))], lr=0.1).param_groups[0]
    assert options_of(group) == [("lr", float, 0.1), ("momentum", int, 0), ("dampening", int, 0),
                                 ("weight_decay", int, 0), ("nesterov", bool, False), ("maximize", bool, False),
                                 ("foreach", type(None), None), ("differentiable", bool, False),
                                 ("fused", type(None), None)]
    adam = optim.Adam([nn.Parameter(tg.zeros(2))]).param_groups[0]
    assert [k for k in adam if k != "params"] == ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize",
                                                 "foreach", "capturable", "differentiable", "fused",
                                                 "decoupled_weight_decay"]
    assert adam["weight_decay"] == 0 and type(adam["weight_decay"]) is int
    for name in ("RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD"):
        assert type(make(optim, name, [nn.Parameter(tg.zeros(1))]).param_groups[0]["weight_decay"]) is int, name
    assert optim.AdamW([nn.Parameter(tg.zeros(1))]).param_groups[0]["decoupled_weight_decay"] is True


@pytest.mark.parametrize("name", NAMES)
def test_print_is_torchs_for_one_and_two_groups(torch, name):
    p, q = nn.Parameter(tg.zeros(2)), nn.Parameter(tg.zeros(3))
    p_t, q_t = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    assert str(make(optim, name, [p])) == str(make(torch.optim, name, [p_t]))
    if name != "LBFGS":  # (one group only)
        two = [{"params": [p]}, {"params": [q], "lr": 0.5, "name": "head"}]
        two_t = [{"params": [p_t]}, {"params": [q_t], "lr": 0.5, "name": "head"}]
        assert str(make(optim, name, two)) == str(make(torch.optim, name, two_t))
        assert repr(make(optim, name, two)) == repr(make(torch.optim, name, two_t))


def test_print_by_hand():
    p, q = nn.Parameter(tg.zeros(2)), nn.Parameter(tg.zeros(3))
    opt = optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.5}], lr=0.1, momentum=0.9)
    options = ("    dampening: 0\n    differentiable: False\n    foreach: None\n    fused: None\n    lr: {}\n"
               "    maximize: False\n    momentum: 0.9\n    nesterov: False\n    weight_decay: 0\n")
    assert str(opt) == ("SGD (\nParameter Group 0\n" + options.format(0.1) + "\nParameter Group 1\n"
                        + options.format(0.5) + ")")


# ---- the state as Tensors ------------------------------------------------------------------------
STATE_CONFIGS = {
    "SGD": dict(lr=0.1, momentum=0.9),
    "Adam": dict(lr=0.1, amsgrad=True),
    "AdamW": dict(lr=0.1),
    "Adam-fused": dict(lr=0.1, fused=True),
    "RMSprop": dict(momentum=0.9, centered=True),
    "Adagrad": dict(lr_decay=0.1),
    "Adagrad-fused": dict(fused=True),
    "Adadelta": {},
    "Adamax": {},
    "NAdam": dict(lr=0.1),
    "RAdam": {},
    "Rprop": {},
    "ASGD": dict(t0=1, lambd=0.1),
    "LBFGS": dict(max_iter=3),
    "LBFGS-wolfe": dict(max_iter=3, line_search_fn="strong_wolfe"),
}
START = np.array([1.0, -2.0, 0.5])


def gradient(x: np.ndarray) -> np.ndarray:
    """of f(x) = Σ x² - cos(3x) / 3"""
    return 2 * x + np.sin(3 * x)


def three_steps(library, config: str, to_tensor, to_array, dtype):
    """An optimizer of `library` after 3 steps (closures computing the gradient with numpy)."""
    p = to_tensor(START.astype(dtype))
    opt = getattr(library, config.split("-")[0])([p], **STATE_CONFIGS[config])

    def closure():
        x = to_array(p)
        p.grad = to_tensor(gradient(x).astype(dtype), grad=True)
        return float((x * x).sum())

    for _ in range(3):
        opt.step(closure)
    return p, opt


def assert_same_entry(ours_value, theirs_value, torch, where: str, rtol: float) -> None:
    if isinstance(theirs_value, list):
        assert isinstance(ours_value, list) and len(ours_value) == len(theirs_value), where
        for i, (a, b) in enumerate(zip(ours_value, theirs_value)):
            assert_same_entry(a, b, torch, f"{where}[{i}]", rtol)
        return
    if isinstance(theirs_value, torch.Tensor):
        assert type(ours_value) is tg.Tensor, f"{where}: {type(ours_value).__name__}"
        assert str(ours_value.dtype) == str(theirs_value.dtype).removeprefix("torch."), where
        assert ours_value.shape == tuple(theirs_value.shape), where
        np.testing.assert_allclose(ours_value.numpy(), theirs_value.numpy(), rtol=rtol, atol=0, err_msg=where)
        return
    assert type(ours_value) is type(theirs_value), f"{where}: {ours_value!r} {theirs_value!r}"
    if isinstance(theirs_value, float):
        assert ours_value == pytest.approx(theirs_value, rel=rtol), where
    else:
        assert ours_value == theirs_value, where


# (L-BFGS only in float64: near its minimum it amplifies float32 rounding differences)
@pytest.mark.parametrize("config, dtype", [(c, d) for c in STATE_CONFIGS for d in ("float64", "float32")
                                           if d == "float64" or not c.startswith("LBFGS")])
def test_state_after_three_steps_is_torchs(torch, config, dtype):
    np_dtype = np.dtype(dtype)
    tg.set_default_dtype(np_dtype)
    torch.set_default_dtype(getattr(torch, dtype))
    name = config.split("-")[0]
    p, opt = three_steps(optim, config, lambda a, grad=False: tg.tensor(a) if grad else nn.Parameter(tg.tensor(a)),
                         lambda p: p.data, np_dtype)
    p_t, opt_t = three_steps(torch.optim, config,
                             lambda a, grad=False: torch.from_numpy(a) if grad else torch.tensor(a, requires_grad=True),
                             lambda p: p.detach().numpy(), np_dtype)
    rtol = 1e-10 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=rtol)
    state, state_t = opt.state[p], opt_t.state[p_t]
    assert list(state) == list(state_t), name
    sd, sd_t = opt.state_dict()["state"], opt_t.state_dict()["state"]
    assert list(sd) == list(sd_t) == [0] and list(sd[0]) == list(sd_t[0])
    for key in state_t:
        assert_same_entry(state[key], state_t[key], torch, f"{config} state[{key!r}]", rtol)
        assert_same_entry(sd[0][key], sd_t[0][key], torch, f"{config} state_dict {key!r}", rtol)


def test_adam_state_by_hand():
    p = nn.Parameter(tg.tensor([1.0, -2.0]))
    p.grad = tg.tensor([1.0, 2.0])
    opt = optim.Adam([p], lr=0.1)
    opt.step()
    state = opt.state[p]
    assert list(state) == ["step", "exp_avg", "exp_avg_sq"]
    assert all(type(v) is tg.Tensor for v in state.values())
    step = opt.state_dict()["state"][0]["step"]
    assert step.shape == () and step.dtype == np.float64 and step.item() == 1.0 and repr(step) == "tensor(1.)"
    np.testing.assert_allclose(state["exp_avg"].numpy(), [0.1, 0.2], rtol=1e-15)
    np.testing.assert_allclose(state["exp_avg_sq"].numpy(), [0.001, 0.004], rtol=1e-13)
    opt.step()
    assert state["step"].item() == 2.0  # the same Tensor, counted up in place


def test_scalar_state_dtype_follows_the_default_dtype_and_fused():
    def first_step(opt_class, dtype=np.float64, **options):
        p = nn.Parameter(tg.tensor(np.ones(2, dtype=dtype)))
        p.grad = tg.tensor(np.ones(2, dtype=dtype))
        opt = opt_class([p], **options)
        opt.step()
        return opt.state[p]

    assert first_step(optim.Adam)["step"].dtype == np.float64
    assert first_step(optim.Adam, fused=True)["step"].dtype == np.float32  # fused: always float32
    assert first_step(optim.Adagrad, fused=True)["step"].dtype == np.float32
    tg.set_default_dtype(np.float32)
    state = first_step(optim.NAdam, dtype=np.float32)
    assert state["step"].dtype == state["mu_product"].dtype == state["exp_avg"].dtype == np.float32
    state = first_step(optim.ASGD, np.float64)  # a float64 parameter: eta and mu still float32
    assert (state["eta"].dtype, state["mu"].dtype, state["ax"].dtype) == (np.float32, np.float32, np.float64)
    assert state["eta"].item() == np.float32(0.01 / (1 + 1e-4 * 0.01) ** 0.75)  # rounded to float32


def test_sgd_momentum_buffer_is_a_live_tensor_and_state_dict_a_snapshot():
    p = nn.Parameter(tg.tensor([1.0, 1.0]))
    opt = optim.SGD([p], lr=0.1, momentum=0.5)
    p.grad = tg.tensor([2.0, -4.0])
    opt.step()
    buffer = opt.state[p]["momentum_buffer"]
    saved = opt.state_dict()["state"][0]["momentum_buffer"]
    assert type(buffer) is tg.Tensor and buffer.tolist() == [2.0, -4.0]
    opt.step()
    assert buffer.tolist() == [3.0, -6.0] and opt.state[p]["momentum_buffer"] is buffer  # b ← 0.5 b + g
    assert saved.tolist() == [2.0, -4.0]


# ---- loading state dicts: PyTorch's, ours, and old ones with plain numbers --------------------------
RESUME_CONFIGS = {
    "sgd": lambda o, ps: o.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda o, ps: o.Adam(ps, lr=0.05, amsgrad=True),
    "adamw-fused": lambda o, ps: o.AdamW(ps, lr=0.05, fused=True),
    "rmsprop": lambda o, ps: o.RMSprop(ps, momentum=0.5, centered=True),
    "adagrad": lambda o, ps: o.Adagrad(ps, lr_decay=0.1),
    "adadelta": lambda o, ps: o.Adadelta(ps),
    "adamax": lambda o, ps: o.Adamax(ps),
    "nadam": lambda o, ps: o.NAdam(ps, lr=0.05),
    "radam": lambda o, ps: o.RAdam(ps),
    "rprop": lambda o, ps: o.Rprop(ps),
    "asgd": lambda o, ps: o.ASGD(ps, lr=0.05, t0=2, lambd=0.01),
    "lbfgs": lambda o, ps: o.LBFGS(ps, max_iter=4, history_size=3, line_search_fn="strong_wolfe"),
}
_rng = np.random.default_rng(5)
STARTS = [_rng.standard_normal((3, 2)), _rng.standard_normal(3)]


def step_ours(opt, params) -> None:
    def closure():
        for p in params:
            p.grad = tg.tensor(gradient(p.data))
        return float(sum((p.data ** 2).sum() for p in params))
    opt.step(closure)


def as_old_checkpoint(value, key=""):
    """A state entry as older versions kept it: arrays, and Python numbers for 0-d entries."""
    if isinstance(value, dict):
        return {k: as_old_checkpoint(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [as_old_checkpoint(v, key) for v in value]
    if isinstance(value, tg.Tensor):
        if value.ndim == 0:
            return int(value.item()) if key == "step" else value.item()
        return value.data.copy()
    return value


@pytest.mark.parametrize("kind", ["ours", "through tg.save", "old checkpoint"])
@pytest.mark.parametrize("name", RESUME_CONFIGS)
def test_loaded_state_resumes_with_identical_numbers(name, kind):
    params_a = [nn.Parameter(tg.tensor(a.copy())) for a in STARTS]
    opt_a = RESUME_CONFIGS[name](optim, params_a)
    for _ in range(4):
        step_ours(opt_a, params_a)
    sd = opt_a.state_dict()
    if kind == "through tg.save":
        buffer = io.BytesIO()
        tg.save(sd, buffer)
        buffer.seek(0)
        sd = tg.load(buffer)
    elif kind == "old checkpoint":
        sd = {"state": as_old_checkpoint(sd["state"]),
              "param_groups": [{k: v for k, v in g.items() if k not in ("differentiable", "fused", "capturable")}
                               for g in sd["param_groups"]]}
    params_b = [nn.Parameter(tg.tensor(p.data.copy())) for p in params_a]
    opt_b = RESUME_CONFIGS[name](optim, params_b)
    opt_b.load_state_dict(sd)
    loaded, kept = opt_b.state[params_b[0]], opt_a.state[params_a[0]]
    assert list(loaded) == list(kept)
    for key, value in kept.items():  # Tensors again, of the same dtypes
        assert type(loaded[key]) is type(value), key
        if isinstance(value, tg.Tensor):
            assert loaded[key].dtype == value.dtype and loaded[key].data is not value.data, key
    for _ in range(5):
        step_ours(opt_a, params_a)
        step_ours(opt_b, params_b)
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a.data, b.data)


def test_an_old_step_number_becomes_a_tensor_of_the_scalar_dtype():
    p = nn.Parameter(tg.ones(2))
    opt = optim.NAdam([p])
    opt.load_state_dict({"state": {0: {"step": 3, "mu_product": 0.5, "exp_avg": np.zeros(2), "exp_avg_sq": np.ones(2)}},
                         "param_groups": [{"lr": 0.01, "params": [0]}]})
    state = opt.state[p]
    assert state["step"].dtype == np.float64 and state["step"].item() == 3.0
    assert type(state["mu_product"]) is tg.Tensor and state["mu_product"].item() == 0.5
    assert state["exp_avg_sq"].tolist() == [1.0, 1.0] and opt.param_groups[0]["lr"] == 0.01
    assert opt.param_groups[0]["differentiable"] is False  # options the old dict lacks keep their values
    with pytest.raises(ValueError, match="'step' of parameter 0 must be one number"):
        opt.load_state_dict({"state": {0: {"step": np.zeros(2)}}, "param_groups": [{"params": [0]}]})


def test_a_user_optimizer_keeps_its_own_numbers_when_loaded():
    class CountingSGD(optim.Optimizer):
        """p ← p - lr · g, counting steps in a plain int, as a user might."""

        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    state = self.state[p]
                    state["step"] = state.get("step", 0) + 1
                    p.data -= group["lr"] * p.grad.data

    p = nn.Parameter(tg.ones(1))
    p.grad = tg.ones(1)
    opt = CountingSGD([p])
    opt.step()
    fresh = CountingSGD([nn.Parameter(tg.ones(1))])
    fresh.load_state_dict(opt.state_dict())
    (state,) = fresh.state.values()
    assert list(state) == ["step"] and type(state["step"]) is int and state["step"] == 1  # as PyTorch leaves it


@pytest.mark.parametrize("name", ["Adam", "NAdam", "ASGD"])
def test_a_torch_state_dict_loads_with_torchs_dtypes(torch, name):
    # float32 state from PyTorch into float64 parameters: PyTorch's load_state_dict casts the
    # state to the parameter's dtype, except "step", which keeps its dtype
    p_t = torch.tensor([1.0, -2.0], requires_grad=True)
    opt_t = getattr(torch.optim, name)([p_t])
    for _ in range(3):
        p_t.grad = torch.tensor([0.5, 1.0])
        opt_t.step()
    sd_t = opt_t.state_dict()
    theirs = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    reloaded_t = getattr(torch.optim, name)([theirs])
    reloaded_t.load_state_dict(sd_t)
    p = nn.Parameter(tg.tensor([1.0, -2.0]))
    opt = getattr(optim, name)([p])
    opt.load_state_dict(sd_t)
    for key, value_t in reloaded_t.state[theirs].items():
        assert str(opt.state[p][key].dtype) == str(value_t.dtype).removeprefix("torch."), key
        np.testing.assert_array_equal(opt.state[p][key].numpy(), value_t.numpy())


# ---- foreach, fused, capturable, differentiable ----------------------------------------------------
FUSED = ["SGD", "Adam", "AdamW", "Adagrad"]
CAPTURABLE = ["Adam", "AdamW", "RMSprop", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD"]


def trajectory(name, **options):
    p = nn.Parameter(tg.tensor(START.copy()))
    opt = make(optim, name, [p], **options)
    for _ in range(4):
        p.grad = tg.tensor(gradient(p.data))
        opt.step()
    return p.data


@pytest.mark.parametrize("name", FUSED)
def test_fused_is_accepted_and_changes_nothing(name):
    np.testing.assert_array_equal(trajectory(name, fused=True), trajectory(name))
    with pytest.raises(RuntimeError, match="`fused` and `foreach` cannot be `True` together"):
        make(optim, name, [nn.Parameter(tg.ones(1))], fused=True, foreach=True)
    with pytest.raises(RuntimeError, match="`fused` does not support `differentiable`"):
        make(optim, name, [nn.Parameter(tg.ones(1))], fused=True, differentiable=True)


@pytest.mark.parametrize("name", CAPTURABLE)
def test_capturable_is_accepted_and_changes_nothing(name):
    np.testing.assert_array_equal(trajectory(name, capturable=True), trajectory(name))


@pytest.mark.parametrize("name", [n for n in NAMES if n != "LBFGS"])
def test_differentiable_true_is_refused_and_false_accepted(name):
    assert make(optim, name, [nn.Parameter(tg.ones(1))], differentiable=False).defaults["differentiable"] is False
    with pytest.raises(NotImplementedError, match=f"{name}: differentiable=True is not supported"):
        make(optim, name, [nn.Parameter(tg.ones(1))], differentiable=True)


def test_fused_errors_have_torchs_types(torch):
    for library, p in ((optim, nn.Parameter(tg.ones(1))), (torch.optim, torch.ones(1, requires_grad=True))):
        with pytest.raises(RuntimeError, match="cannot be `True` together"):
            library.Adam([p], fused=True, foreach=True)
        with pytest.raises(RuntimeError, match="does not support `differentiable`"):
            library.SGD([p], lr=0.1, fused=True, differentiable=True)
        with pytest.raises(TypeError):
            library.RMSprop([p], fused=True)  # RMSprop has no fused kernel in PyTorch


# ---- swa_utils: AveragedModel ---------------------------------------------------------------------
def test_swa_utils_is_reachable_as_in_torch():
    assert tg.optim.swa_utils is swa_utils and optim.swa_utils.AveragedModel is AveragedModel
    module = importlib.import_module("tinygrad_edu.optim.swa_utils")
    assert set(module.__all__) == {"AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn",
                                   "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"}


def test_swa_utils_signatures_are_torchs(torch):
    from torch.optim import swa_utils as torch_swa

    for name in torch_swa.__all__:
        def shape(function):
            return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]
        assert shape(getattr(swa_utils, name)) == shape(getattr(torch_swa, name)), name


def test_docstring_examples_run():
    result = doctest.testmod(swa_utils, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 8


def test_averaged_model_swa_by_hand():
    model = nn.Linear(2, 1)
    swa = AveragedModel(model)
    assert swa.n_averaged.dtype == np.int64 and swa.n_averaged.item() == 0
    assert list(swa.state_dict()) == ["n_averaged", "module.weight", "module.bias"]
    weights = [np.array([[1.0, 2.0]]), np.array([[3.0, -2.0]]), np.array([[8.0, 3.0]])]
    for w in weights:
        model.weight.data[...] = w
        swa.update_parameters(model)
    np.testing.assert_allclose(swa.module.weight.data, np.mean(weights, axis=0), rtol=1e-15)
    assert swa.n_averaged.item() == 3
    x = tg.tensor([[1.0, 1.0]])
    np.testing.assert_allclose(swa(x).data, swa.module(x).data)  # forward delegates to the copy
    assert swa.module.weight is not model.weight  # a deep copy
    again = AveragedModel(nn.Linear(2, 1))
    again.load_state_dict(swa.state_dict())
    assert again.n_averaged.item() == 3 and again.module.weight.tolist() == swa.module.weight.tolist()


def test_averaged_model_ema_by_hand():
    model = nn.Linear(1, 1, bias=False)
    ema_multi = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.5))
    ema_one = AveragedModel(model, avg_fn=get_ema_avg_fn(0.5))
    for w in (4.0, 8.0, 2.0):
        model.weight.data[...] = w
        ema_multi.update_parameters(model)
        ema_one.update_parameters(model)
    # 4, then 0.5·4 + 0.5·8 = 6, then 0.5·6 + 0.5·2 = 4
    assert ema_multi.module.weight.item() == 4.0 and ema_one.module.weight.item() == 4.0


def test_buffers_are_copied_or_averaged():
    model = nn.BatchNorm1d(2)
    copied, averaged = AveragedModel(model), AveragedModel(model, use_buffers=True)
    for mean, batches in (([2.0, 4.0], 3), ([4.0, 0.0], 6)):
        model.running_mean.data[...] = mean
        model.num_batches_tracked.data[...] = batches
        copied.update_parameters(model)
        averaged.update_parameters(model)
    assert copied.module.running_mean.tolist() == [4.0, 0.0] and copied.module.num_batches_tracked.item() == 6
    assert averaged.module.running_mean.tolist() == [3.0, 2.0]
    assert averaged.module.num_batches_tracked.item() == 4  # (3 + 6) / 2 truncated, as PyTorch's copy_


def test_averaging_function_errors():
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        AveragedModel(nn.Linear(1, 1), avg_fn=get_swa_avg_fn(), multi_avg_fn=get_swa_multi_avg_fn())
    for getter in (get_ema_avg_fn, get_ema_multi_avg_fn):
        with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided. Please provide a value in \[0,1\]"):
            getter(1.5)
    swa = AveragedModel(nn.BatchNorm1d(2), multi_avg_fn=get_swa_multi_avg_fn(), use_buffers=True)
    swa.update_parameters(nn.BatchNorm1d(2))
    with pytest.raises(RuntimeError, match="cannot average integer tensors"):  # as PyTorch's addcdiv_
        swa.update_parameters(nn.BatchNorm1d(2))
    with pytest.raises(RuntimeError, match="runs on the CPU"):
        AveragedModel(nn.Linear(1, 1), device="cuda")


def test_averaging_functions_by_hand():
    a, b = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 6.0])
    assert get_swa_avg_fn()(a, b, 1).tolist() == [2.0, 4.0]
    assert get_ema_avg_fn(0.75)(a, b, 5).tolist() == [1.5, 3.0]
    averaged = [tg.tensor([1.0, 2.0])]
    get_swa_multi_avg_fn()(averaged, [b], tg.tensor(3))
    assert averaged[0].tolist() == [1.5, 3.0]  # 1 + (3 - 1) / 4


def models_for_torch(torch):
    rng = np.random.default_rng(2)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    model_t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                                  torch.nn.Linear(4, 2)).double()
    model_t.load_state_dict({k: torch.from_numpy(np.asarray(v.data).copy()) for k, v in model.state_dict().items()})
    inputs = [rng.standard_normal((5, 3)) for _ in range(4)]
    deltas = [{n: rng.standard_normal(p.shape) for n, p in model.named_parameters()} for _ in range(4)]
    return model, model_t, inputs, deltas


AVERAGING = {
    "swa": lambda lib: {},
    "swa-avg_fn": lambda lib: dict(avg_fn=lib.get_swa_avg_fn()),
    "swa-multi": lambda lib: dict(multi_avg_fn=lib.get_swa_multi_avg_fn()),
    "ema-avg_fn": lambda lib: dict(avg_fn=lib.get_ema_avg_fn(0.8)),
    "ema-multi": lambda lib: dict(multi_avg_fn=lib.get_ema_multi_avg_fn(0.9)),
}


# (not swa-multi with use_buffers: PyTorch refuses the integer buffer, see test_averaging_function_errors)
@pytest.mark.parametrize("kind, use_buffers", [(k, b) for k in AVERAGING for b in (False, True)
                                               if not (k == "swa-multi" and b)])
def test_averaged_model_matches_torch(torch, kind, use_buffers):
    from torch.optim import swa_utils as torch_swa

    torch.set_default_dtype(torch.float64)  # (get_swa_multi_avg_fn's weight has the default dtype)
    model, model_t, inputs, deltas = models_for_torch(torch)
    swa = AveragedModel(model, **AVERAGING[kind](swa_utils), use_buffers=use_buffers)
    swa_t = torch_swa.AveragedModel(model_t, **AVERAGING[kind](torch_swa), use_buffers=use_buffers)
    for x, delta in zip(inputs, deltas):  # "an epoch": the weights move, the BatchNorm statistics too
        with torch.no_grad():
            for (name, p), p_t in zip(model.named_parameters(), model_t.parameters()):
                p.data[...] += delta[name]
                p_t += torch.from_numpy(delta[name])
        model(tg.tensor(x))
        model_t(torch.from_numpy(x))
        swa.update_parameters(model)
        swa_t.update_parameters(model_t)
    sd, sd_t = swa.state_dict(), swa_t.state_dict()
    assert list(sd) == list(sd_t)
    for key in sd:
        assert sd[key].dtype == sd_t[key].numpy().dtype, key
        np.testing.assert_allclose(sd[key].numpy(), sd_t[key].numpy(), rtol=1e-12, atol=1e-14, err_msg=key)
    assert sd["n_averaged"].item() == 4
    out, out_t = swa(tg.tensor(inputs[0])), swa_t(torch.from_numpy(inputs[0]))
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert str(swa) == str(swa_t)


# ---- swa_utils: update_bn -------------------------------------------------------------------------
def test_update_bn_matches_torch(torch):
    from torch.optim import swa_utils as torch_swa

    model, model_t, inputs, _ = models_for_torch(torch)
    model.eval()
    model_t.eval()
    update_bn([(tg.tensor(x), 0) for x in inputs], model)
    torch_swa.update_bn([(torch.from_numpy(x), 0) for x in inputs], model_t)
    bn, bn_t = model[1], model_t[1]
    np.testing.assert_allclose(bn.running_mean.data, bn_t.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.data, bn_t.running_var.numpy(), rtol=1e-12)
    assert bn.num_batches_tracked.item() == bn_t.num_batches_tracked.item() == 4
    assert (bn.momentum, model.training) == (bn_t.momentum, model_t.training) == (0.1, False)


def test_update_bn_by_hand():
    rng = np.random.default_rng(3)
    batches = [rng.standard_normal((6, 2)) * 2 + 1 for _ in range(3)]
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2, momentum=0.3))
    model.train()
    model[1].running_mean.data[...] = 7.0
    hidden = [model[0](tg.tensor(x)).data for x in batches]
    update_bn((tg.tensor(x) for x in batches), model, device="cpu")  # plain tensors, a generator
    bn = model[1]
    # the statistics restart and every batch counts the same (momentum None: a cumulative mean)
    np.testing.assert_allclose(bn.running_mean.data, np.mean([h.mean(0) for h in hidden], axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.data, np.mean([h.var(0, ddof=1) for h in hidden], axis=0), rtol=1e-12)
    assert bn.momentum == 0.3 and model.training and bn.num_batches_tracked.item() == 3
    assert model[0].weight.grad is None  # no gradients were recorded


def test_update_bn_leaves_instance_norm_and_models_without_batch_norm_alone():
    model = nn.Sequential(nn.Linear(2, 2), nn.InstanceNorm1d(2, track_running_stats=True, momentum=0.0))
    model[1].running_mean.data[...] = 5.0
    update_bn([tg.ones(3, 2, 4)], nn.Sequential(nn.Linear(4, 4), nn.InstanceNorm1d(2)))  # no BatchNorm: returns
    update_bn([tg.ones(3, 2, 2)], model)
    assert model[1].running_mean.tolist() == [5.0, 5.0] and model[1].momentum == 0.0  # not reset (as PyTorch)


# ---- swa_utils: SWALR ----------------------------------------------------------------------------
SWALR_CONFIGS = [
    (dict(swa_lr=0.05, anneal_epochs=3), False),
    (dict(swa_lr=0.05, anneal_epochs=5, anneal_strategy="linear"), False),
    (dict(swa_lr=0.1, anneal_epochs=0), False),
    (dict(swa_lr=[0.05, 0.2], anneal_epochs=4), True),
    (dict(swa_lr=0.5, anneal_epochs=1, anneal_strategy="linear"), True),
    (dict(swa_lr=2.0, anneal_epochs=3), False),
]


def swalr_lrs(library, scheduler_class, options, two_groups, steps=8, new_param=lambda: nn.Parameter(tg.ones(1))):
    """get_last_lr() after creating the scheduler and after each of `steps` steps."""
    params = [new_param(), new_param()]
    groups = [{"params": params[:1]}, {"params": params[1:], "lr": 0.3}] if two_groups else params
    opt = library.SGD(groups, lr=1.0)
    scheduler = scheduler_class(opt, **options)
    lrs = [scheduler.get_last_lr()]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
        assert lrs[-1] == [g["lr"] for g in opt.param_groups]
    return lrs


@pytest.mark.parametrize("options, two_groups", SWALR_CONFIGS)
def test_swalr_learning_rates_are_torchs_exactly(torch, options, two_groups):
    from torch.optim.swa_utils import SWALR as TorchSWALR

    theirs = swalr_lrs(torch.optim, TorchSWALR, options, two_groups,
                       new_param=lambda: torch.ones(1, requires_grad=True))
    assert swalr_lrs(optim, SWALR, options, two_groups) == theirs


def test_swalr_by_hand():
    cos = swalr_lrs(optim, SWALR, dict(swa_lr=0.0, anneal_epochs=2), False, steps=3)
    assert [lr[0] for lr in cos] == pytest.approx([1.0, 0.5, 0.0, 0.0], abs=1e-15)  # α = (1 - cos(π t)) / 2
    linear = swalr_lrs(optim, SWALR, dict(swa_lr=0.2, anneal_epochs=4, anneal_strategy="linear"), False, steps=5)
    assert [lr[0] for lr in linear] == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2, 0.2], rel=1e-14)
    third = swalr_lrs(optim, SWALR, dict(swa_lr=0.0, anneal_epochs=3), False, steps=1)
    assert third[1][0] == pytest.approx((1 + math.cos(math.pi / 3)) / 2, rel=1e-14)


def test_swalr_errors_and_state_dict(tmp_path):
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear', instead got step"):
        SWALR(opt, swa_lr=0.1, anneal_strategy="step")
    for bad in (-1, 2.5):
        with pytest.raises(ValueError, match=f"anneal_epochs must be equal or greater than 0, got {bad}"):
            SWALR(opt, swa_lr=0.1, anneal_epochs=bad)
    with pytest.raises(ValueError, match="swa_lr must have the same length as optimizer.param_groups"):
        SWALR(opt, swa_lr=[0.1, 0.2])
    scheduler = SWALR(opt, swa_lr=0.1, anneal_epochs=4, anneal_strategy="linear")
    assert opt.param_groups[0]["swa_lr"] == 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (scheduler.step() before optimizer.step())
        scheduler.step()
    sd = scheduler.state_dict()
    assert "anneal_func" not in sd and "optimizer" not in sd and sd["_anneal_strategy"] == "linear"
    tg.save(sd, tmp_path / "swalr.npz")
    fresh = SWALR(optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0), swa_lr=0.1, anneal_epochs=4)  # cos
    fresh.load_state_dict(tg.load(tmp_path / "swalr.npz"))
    assert fresh.anneal_func(0.25) == 0.25 and fresh._step_count == 2  # linear again


def test_swa_training_loop_runs_end_to_end():
    """The loop of PyTorch's documentation: train, then average and anneal; update_bn at the end."""
    tg.manual_seed(0)
    x = tg.randn(32, 3)
    y = x @ tg.tensor([[1.0], [-2.0], [0.5]])
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 1))
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    swa_model = AveragedModel(model)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30)
    swa_scheduler = SWALR(opt, swa_lr=0.01, anneal_epochs=3)
    for epoch in range(30):
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        if epoch >= 20:
            swa_model.update_parameters(model)
            swa_scheduler.step()
        else:
            scheduler.step()
    update_bn([(x, y)], swa_model)
    swa_model.eval()
    loss = nn.functional.mse_loss(swa_model(x), y).item()
    assert swa_model.n_averaged.item() == 10 and opt.param_groups[0]["lr"] == pytest.approx(0.01)
    assert np.isfinite(loss) and loss < nn.functional.mse_loss(tg.zeros(32, 1), y).item()
