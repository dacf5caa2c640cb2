"""Random state, runtime flags, autocast state, cond/while_loop, from_file, and PyTorch's removed
and legacy names (random_state.py, runtime_flags.py, autocast_state.py, control_flow.py,
mapped_files.py, functions_removed.py, tensor_legacy.py)."""
import os
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def clean_autocast():
    """Each test starts and ends with PyTorch's initial autocast state."""
    from tinygrad_edu import autocast_state

    autocast_state._state.__init__()
    yield
    autocast_state._state.__init__()


# ---- random state ----------------------------------------------------------------------------------
def test_rng_state_round_trip_draws_the_same_numbers():
    tg.manual_seed(11)
    tg.rand(5)  # (the state is mid-stream, not just after a seed)
    state = tg.get_rng_state()
    assert state.dtype == np.uint8 and state.shape == (48,)
    first = (tg.rand(4), tg.randn(3), tg.randint(0, 100, (6,)), tg.randperm(7))
    tg.manual_seed(999)
    tg.set_rng_state(state)
    again = (tg.rand(4), tg.randn(3), tg.randint(0, 100, (6,)), tg.randperm(7))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert tg.initial_seed() == 11  # restored, as PyTorch restores it


def test_rng_state_keeps_a_buffered_half_draw():
    # numpy's 32-bit draws use half of a 64-bit output and buffer the other half: part of the state
    tg.manual_seed(3)
    tg.random.generator().integers(0, 10, dtype=np.int32)
    state = tg.get_rng_state()
    a = tg.random.generator().integers(0, 2**31, size=3, dtype=np.int32)
    tg.set_rng_state(state)
    np.testing.assert_array_equal(tg.random.generator().integers(0, 2**31, size=3, dtype=np.int32), a)


def test_get_rng_state_is_a_copy():
    state = tg.get_rng_state()
    before = state.numpy().copy()
    tg.rand(3)
    np.testing.assert_array_equal(state.numpy(), before)


def test_rng_state_survives_save_and_load(tmp_path):
    tg.manual_seed(5)
    path = str(tmp_path / "ckpt.npz")
    tg.save({"rng": tg.get_rng_state(), "step": 3}, path)
    expected = tg.rand(6)
    tg.manual_seed(0)
    tg.set_rng_state(tg.load(path)["rng"])
    np.testing.assert_array_equal(tg.rand(6).numpy(), expected.numpy())


def test_set_rng_state_errors():
    state = tg.get_rng_state()
    with pytest.raises(TypeError, match="uint8"):
        tg.set_rng_state(state.to(tg.int64))
    with pytest.raises(TypeError, match="list"):
        tg.set_rng_state([1, 2])
    with pytest.raises(RuntimeError, match="48 bytes.*10"):
        tg.set_rng_state(state[:10])
    bad = state.clone()
    bad[16] = 0  # an even PCG64 increment: not a state get_rng_state made
    with pytest.raises(RuntimeError, match="increment"):
        tg.set_rng_state(bad)


def test_seed_returns_the_seed_it_used():
    s = tg.seed()
    assert isinstance(s, int) and 0 <= s < 2**64 and tg.initial_seed() == s
    a = tg.rand(3)
    tg.manual_seed(s)
    np.testing.assert_array_equal(tg.rand(3).numpy(), a.numpy())
    assert tg.seed() != s  # (two 64-bit draws from the OS entropy: equal with probability 2^-64)


def test_tg_random_module_has_them():
    assert tg.random.seed() == tg.initial_seed()
    state = tg.random.get_rng_state()
    a = tg.rand(2)
    tg.random.set_rng_state(state)
    np.testing.assert_array_equal(tg.rand(2).numpy(), a.numpy())


def test_generator_state_is_a_byte_tensor_and_round_trips():
    g = tg.Generator().manual_seed(42)
    state = g.get_state()
    assert isinstance(state, tg.Tensor) and state.dtype == np.uint8 and state.shape == (48,)
    a = tg.randn(5, generator=g)
    g.manual_seed(7)
    assert g.set_state(state) is g
    np.testing.assert_array_equal(tg.randn(5, generator=g).numpy(), a.numpy())
    assert g.initial_seed() == 42
    # a generator's state and the framework's are the same format
    tg.set_rng_state(state)
    np.testing.assert_array_equal(tg.randn(5).numpy(), a.numpy())
    with pytest.raises(TypeError):
        g.set_state(state.to(tg.float32))


def test_random_state_api_matches_torch():
    torch = pytest.importorskip("torch")
    s = torch.get_rng_state()
    assert s.dtype == torch.uint8 and tg.get_rng_state().dtype == np.uint8
    for bad, error in ((s.float(), TypeError), ([1, 2], TypeError), (s[:10], RuntimeError)):
        with pytest.raises(error):
            torch.set_rng_state(bad)
    for bad, error in ((tg.get_rng_state().float(), TypeError), ([1, 2], TypeError),
                       (tg.get_rng_state()[:10], RuntimeError)):
        with pytest.raises(error):
            tg.set_rng_state(bad)
    assert isinstance(torch.seed(), int) and isinstance(tg.seed(), int)


# ---- runtime flags ---------------------------------------------------------------------------------
def test_interop_threads_set_once(monkeypatch):
    from tinygrad_edu import runtime_flags

    monkeypatch.setitem(runtime_flags._state, "interop_threads", None)
    assert tg.get_num_interop_threads() == (os.cpu_count() or 1)
    with pytest.raises(RuntimeError, match="positive"):
        tg.set_num_interop_threads(0)
    with pytest.raises(RuntimeError, match="int"):
        tg.set_num_interop_threads("2")
    tg.set_num_interop_threads(3)
    assert tg.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="cannot set number of interop threads"):
        tg.set_num_interop_threads(4)


def test_warn_always(monkeypatch):
    from tinygrad_edu import runtime_flags

    monkeypatch.setitem(runtime_flags._state, "warn_always", False)
    assert tg.is_warn_always_enabled() is False
    tg.set_warn_always(True)
    assert tg.is_warn_always_enabled() is True
    with pytest.raises(RuntimeError, match="bool"):
        tg.set_warn_always(1)


def test_device_questions():
    t = tg.ones(2)
    assert tg.get_device(t) == -1 and tg.is_distributed(t) is False
    assert tg.compiled_with_cxx11_abi() is True
    with pytest.raises(TypeError, match="Tensor"):
        tg.get_device(1)
    with pytest.raises(TypeError, match="Tensor"):
        tg.is_distributed(1)
    assert tg.get_device_module() is tg.cpu
    assert tg.get_device_module("cpu:0") is tg.cpu and tg.get_device_module(tg.device("cpu")) is tg.cpu
    assert tg.get_device_module("cuda") is tg.cuda
    with pytest.raises(RuntimeError, match="foo"):
        tg.get_device_module("foo")
    with pytest.raises(RuntimeError, match="meta"):
        tg.get_device_module("meta")
    with pytest.raises(RuntimeError, match="Invalid value"):
        tg.get_device_module(3)


def test_runtime_flags_match_torch():
    torch = pytest.importorskip("torch")
    t, u = torch.ones(2), tg.ones(2)
    assert tg.get_device(u) == torch.get_device(t) and tg.is_distributed(u) == torch.is_distributed(t)
    assert tg.compiled_with_cxx11_abi() == torch.compiled_with_cxx11_abi()
    assert tg.is_warn_always_enabled() == torch.is_warn_always_enabled()
    for fn, bad, error in ((torch.set_warn_always, 1, RuntimeError), (tg.set_warn_always, 1, RuntimeError),
                           (torch.get_device, 1, TypeError), (tg.get_device, 1, TypeError)):
        with pytest.raises(error):
            fn(bad)
    for bad in ("foo", "meta", 3):
        with pytest.raises(RuntimeError):
            torch.get_device_module(bad)
        with pytest.raises(RuntimeError):
            tg.get_device_module(bad)


# ---- anomaly mode ---------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_set_anomaly_enabled_and_check_nan():
    assert tg.is_anomaly_enabled() is False and tg.is_anomaly_check_nan_enabled() is True
    try:
        tg.set_anomaly_enabled(True, False)
        assert tg.is_anomaly_enabled() and not tg.is_anomaly_check_nan_enabled()
        x = tg.tensor([0.0], requires_grad=True)
        tg.sqrt(x).sum().backward()  # inf gradient, but NaN checks are off: no error
        assert np.isinf(x.grad.numpy()).all()
        tg.set_anomaly_enabled(True)
        with pytest.raises(RuntimeError, match="nan/inf"):
            tg.sqrt(tg.tensor([0.0], requires_grad=True)).sum().backward()
    finally:
        tg.set_anomaly_enabled(False)
    assert not tg.is_anomaly_enabled() and tg.is_anomaly_check_nan_enabled()
    with pytest.raises(TypeError, match="'enabled'.*bool"):
        tg.set_anomaly_enabled(1)
    with pytest.raises(TypeError, match="check_nan"):
        tg.set_anomaly_enabled(True, check_nan="no")


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_detect_anomaly_check_nan_false_keeps_anomaly_mode_on():
    with tg.detect_anomaly(check_nan=False):
        assert tg.is_anomaly_enabled() and not tg.is_anomaly_check_nan_enabled()
        x = tg.tensor([0.0], requires_grad=True)
        tg.sqrt(x).sum().backward()  # not checked
    with tg.autograd.set_detect_anomaly(True, check_nan=False):
        assert tg.is_anomaly_enabled() and not tg.is_anomaly_check_nan_enabled()
    assert not tg.is_anomaly_enabled() and tg.is_anomaly_check_nan_enabled()


@pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled:UserWarning")
def test_anomaly_functions_match_torch():
    torch = pytest.importorskip("torch")
    for lib in (torch, tg):
        lib.set_anomaly_enabled(True, False)
        flags = (lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled())
        lib.set_anomaly_enabled(False)
        assert flags == (True, False)
        with pytest.raises(TypeError):
            lib.set_anomaly_enabled(1)
        with lib.autograd.detect_anomaly(check_nan=False) if lib is tg else torch.autograd.detect_anomaly(False):
            assert (lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()) == (True, False)


# ---- autocast state ---------------------------------------------------------------------------------
def test_autocast_defaults(clean_autocast):
    assert tg.is_autocast_enabled() is False and tg.is_autocast_enabled("cpu") is False
    assert tg.get_autocast_dtype("cpu") == "bfloat16" and tg.get_autocast_dtype("cuda") == tg.float16
    assert tg.is_autocast_cache_enabled() is True
    with pytest.raises(RuntimeError, match="lazy"):
        tg.get_autocast_dtype("lazy")
    with pytest.raises(RuntimeError, match="foo"):
        tg.is_autocast_enabled("foo")
    with pytest.raises(TypeError, match="str"):
        tg.is_autocast_enabled(1)
    with pytest.raises(RuntimeError, match="unknown device type for autocast"):
        tg.is_autocast_enabled("hip")
    with pytest.raises(TypeError, match="missing"):
        tg.get_autocast_dtype()


def test_autocast_setters(clean_autocast):
    tg.set_autocast_enabled(True)  # one argument: CUDA
    assert tg.is_autocast_enabled() and tg.is_autocast_enabled("cuda") and not tg.is_autocast_enabled("cpu")
    tg.set_autocast_enabled("cpu", True)
    assert tg.is_autocast_enabled("cpu:0")
    for bad in ((1,), ("cpu", 1), ("cpu",)):
        with pytest.raises(TypeError, match="bool"):
            tg.set_autocast_enabled(*bad)
    tg.set_autocast_dtype("cpu", tg.float16)
    assert tg.get_autocast_dtype("cpu") == tg.float16
    with pytest.raises(TypeError, match="dtype"):
        tg.set_autocast_dtype("cpu", "x")
    with pytest.raises(TypeError):
        tg.set_autocast_dtype(tg.float16)
    tg.set_autocast_dtype("cpu", tg.get_autocast_dtype("xla"))  # "bfloat16" goes back in
    assert tg.get_autocast_dtype("cpu") == "bfloat16"
    tg.set_autocast_cache_enabled(False)
    assert tg.is_autocast_cache_enabled() is False
    with pytest.raises(TypeError, match="bool"):
        tg.set_autocast_cache_enabled(1)
    assert tg.clear_autocast_cache() is None
    assert [tg.autocast_increment_nesting(), tg.autocast_increment_nesting(), tg.autocast_decrement_nesting(),
            tg.autocast_decrement_nesting(), tg.autocast_decrement_nesting()] == [1, 2, 1, 0, -1]


def test_deprecated_per_device_names_warn(clean_autocast):
    with pytest.warns(DeprecationWarning, match="is_autocast_enabled\\('cpu'\\)"):
        assert tg.is_autocast_cpu_enabled() is False
    with pytest.warns(DeprecationWarning):
        tg.set_autocast_cpu_enabled(True)
    assert tg.is_autocast_enabled("cpu")
    with pytest.warns(DeprecationWarning):
        tg.set_autocast_cpu_dtype(tg.float64)
    assert tg.get_autocast_dtype("cpu") == tg.float64
    with pytest.warns(DeprecationWarning):
        assert tg.get_autocast_cpu_dtype() == tg.float64
    with pytest.warns(DeprecationWarning):
        tg.set_autocast_gpu_dtype(tg.float32)
    with pytest.warns(DeprecationWarning):
        assert tg.get_autocast_gpu_dtype() == tg.float32
    with pytest.warns(DeprecationWarning):
        tg.set_autocast_xla_enabled(True)
    with pytest.warns(DeprecationWarning):
        assert tg.is_autocast_xla_enabled() and tg.is_autocast_enabled("xla")
    with pytest.warns(DeprecationWarning):
        assert tg.get_autocast_ipu_dtype() == tg.float16
    with pytest.warns(DeprecationWarning):
        assert tg.get_autocast_xla_dtype() == "bfloat16"


def test_with_autocast_sets_and_restores_the_state(clean_autocast):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tg.autocast("cpu"):
            assert tg.is_autocast_enabled("cpu") and not tg.is_autocast_enabled()
            assert tg.get_autocast_dtype("cpu") == "bfloat16"
            assert tg.autocast_increment_nesting() == 2
            tg.autocast_decrement_nesting()
            with tg.autocast("cpu", enabled=False):
                assert not tg.is_autocast_enabled("cpu")
            assert tg.is_autocast_enabled("cpu")
        assert not tg.is_autocast_enabled("cpu") and tg.autocast_increment_nesting() == 1
        tg.autocast_decrement_nesting()
        with tg.autocast("cpu", dtype=tg.float16, cache_enabled=False):
            assert tg.get_autocast_dtype("cpu") == tg.float16 and not tg.is_autocast_cache_enabled()
        assert tg.get_autocast_dtype("cpu") == "bfloat16" and tg.is_autocast_cache_enabled()
        with tg.autocast("cpu", dtype=tg.float32):  # an unsupported dtype disables autocast, as PyTorch
            assert not tg.is_autocast_enabled("cpu") and tg.get_autocast_dtype("cpu") == tg.float32
        with tg.autocast("cuda"):  # no CUDA: disabled
            assert not tg.is_autocast_enabled("cuda")
        with tg.autocast("cpu", dtype="bfloat16") as region:
            assert region._enabled and tg.is_autocast_enabled("cpu")


def test_autocast_state_matches_torch(clean_autocast):
    torch = pytest.importorskip("torch")
    names = {torch.bfloat16: "bfloat16", torch.float16: tg.float16}
    for device in ("cpu", "cuda", "xla", "ipu", "xpu", "mps", "hpu", "mtia", "maia", "hip", "privateuseone"):
        assert names[torch.get_autocast_dtype(device)] == tg.get_autocast_dtype(device), device
        if device != "hip":
            assert torch.is_autocast_enabled(device) == tg.is_autocast_enabled(device)
    for lib in (torch, tg):
        with pytest.raises(RuntimeError):
            lib.is_autocast_enabled("hip")
    for lib in (torch, tg):
        with pytest.raises(RuntimeError):
            lib.get_autocast_dtype("vulkan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autocast("cpu"), tg.autocast("cpu"):
            assert torch.is_autocast_enabled("cpu") == tg.is_autocast_enabled("cpu") is True
            assert torch.is_autocast_enabled() == tg.is_autocast_enabled() is False
        with torch.autocast("cpu", dtype=torch.float16, cache_enabled=False), \
                tg.autocast("cpu", dtype=tg.float16, cache_enabled=False):
            assert torch.is_autocast_cache_enabled() == tg.is_autocast_cache_enabled() is False


# ---- cond and while_loop -----------------------------------------------------------------------
def test_cond_picks_a_branch_and_gradients_flow():
    x = tg.tensor([1.0, -2.0], requires_grad=True, dtype=tg.float64)
    y = tg.cond(x.sum() > 0, lambda t: t * 2, lambda t: t * 3, (x,))
    np.testing.assert_array_equal(y.numpy(), [3.0, -6.0])  # the sum is -1: the false branch
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert tg.cond(True, lambda a, b: a + b, lambda a, b: a - b, [tg.ones(2), tg.ones(2)]).tolist() == [2.0, 2.0]
    assert tg.cond(0.0, lambda: 1, lambda: 2) == 2  # a Python number as pred; branches may return ints
    assert tg.cond(tg.tensor([[1]]), lambda: "t", lambda: "f") == "t"  # any one-element tensor
    out = tg.cond(tg.tensor(0.5), lambda d: (d["a"], d["a"] * 2), lambda d: (d["a"], d["a"]), ({"a": tg.ones(1)},))
    assert out[1].item() == 2.0  # nested operands, tuple outputs
    assert tg.gradcheck(lambda t: tg.cond(t.sum() > 0, lambda u: u.sin(), lambda u: u * u, (t,)),
                        (tg.tensor([0.3, 0.4], dtype=tg.float64, requires_grad=True),))


def test_cond_errors():
    x = tg.ones(2)
    with pytest.raises(RuntimeError, match="single-element"):
        tg.cond(tg.tensor([True, False]), lambda a: a, lambda a: a, (x,))
    with pytest.raises(RuntimeError, match="bool or tensor"):
        tg.cond("a", lambda a: a, lambda a: a, (x,))
    with pytest.raises(RuntimeError, match="callable"):
        tg.cond(tg.tensor(True), 3, lambda a: a, (x,))
    with pytest.raises(RuntimeError, match="tensor leaves"):
        tg.cond(tg.tensor(True), lambda a: a, lambda a: a, x)
    with pytest.raises(RuntimeError, match="tensor leaves"):
        tg.cond(tg.tensor(True), lambda a, b: a, lambda a, b: a, (x, 3))


def test_cond_matches_torch():
    torch = pytest.importorskip("torch")
    for pred in (True, 0, 2.5):
        t = torch.cond(pred, lambda a: a * 2, lambda a: a * 3, (torch.tensor([1.0, 2.0]),))
        u = tg.cond(pred, lambda a: a * 2, lambda a: a * 3, (tg.tensor([1.0, 2.0]),))
        np.testing.assert_array_equal(t.numpy(), u.numpy())
    for bad in (torch.tensor([True, False]), "a"):
        with pytest.raises(RuntimeError):
            torch.cond(bad, lambda a: a, lambda a: a, (torch.ones(2),))
        with pytest.raises(RuntimeError):
            tg.cond(tg.tensor([True, False]) if not isinstance(bad, str) else bad, lambda a: a, lambda a: a,
                    (tg.ones(2),))


def test_while_loop_runs_and_gradients_flow():
    x = tg.tensor([1.0, 2.0], requires_grad=True, dtype=tg.float64)
    i, v = tg.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2), (tg.tensor(0), x))
    assert i.item() == 3 and v.tolist() == [8.0, 16.0]
    v.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 8.0])
    # a Python bool from cond_fn, an int carried, a list of inputs, one value returned alone
    assert tg.while_loop(lambda n, t: n < 4, lambda n, t: (n + 1, t + n), [0, tg.zeros(1)])[1].item() == 6.0
    assert tg.while_loop(lambda t: t.sum() < 5, lambda t: t + 2, (tg.zeros(2),))[0].tolist() == [4.0, 4.0]
    # never entered: copies of the inputs
    z = tg.zeros(2)
    (out,) = tg.while_loop(lambda t: t.sum() > 1, lambda t: (t + 1,), (z,))
    assert out is not z and out.tolist() == [0.0, 0.0]
    assert tg.while_loop(lambda: False, lambda: (), ()) == ()


def test_while_loop_errors():
    z = (tg.tensor(0),)
    with pytest.raises(RuntimeError, match="callable"):
        tg.while_loop(3, lambda i: (i + 1,), z)
    with pytest.raises(RuntimeError, match="tuple or list"):
        tg.while_loop(lambda i: i < 3, lambda i: (i + 1,), tg.tensor(0))
    with pytest.raises(AssertionError, match="tensors or ints"):
        tg.while_loop(lambda i: i < 3, lambda i: (i + 1,), ("a",))
    with pytest.raises(RuntimeError, match="boolean scalar"):
        tg.while_loop(lambda t: t > 0, lambda t: (t * 2,), (tg.ones(2),))
    with pytest.raises(RuntimeError, match="metadata.*shape \\(4,\\)"):
        tg.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, tg.cat([v, v])), (tg.tensor(0), tg.ones(2)))
    with pytest.raises(RuntimeError, match="number"):
        tg.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1,), (tg.tensor(0), tg.ones(2)))
    with pytest.raises(RuntimeError, match="dtype"):
        tg.while_loop(lambda i: i < 3, lambda i: (i + 1.0,), (tg.tensor(0),))


def test_while_loop_matches_torch():
    torch = pytest.importorskip("torch")
    t = torch.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2), (torch.tensor(0), torch.tensor([1.0, 2.0])))
    u = tg.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2), (tg.tensor(0), tg.tensor([1.0, 2.0])))
    assert int(t[0]) == u[0].item() and t[1].tolist() == u[1].tolist()
    for lib in (torch, tg):
        with pytest.raises(RuntimeError):
            lib.while_loop(3, lambda i: (i + 1,), (lib.tensor(0),))


# ---- from_file ---------------------------------------------------------------------------------
def test_from_file_reads_and_shares(tmp_path):
    path = str(tmp_path / "data.bin")
    np.arange(6, dtype=np.float32).tofile(path)
    t = tg.from_file(path, size=3, dtype=tg.float32)
    assert t.dtype == np.float32 and t.tolist() == [0.0, 1.0, 2.0]
    assert tg.from_file(path, dtype=tg.float32).shape == (0,)
    np.testing.assert_array_equal(tg.from_file(path, size=1, dtype=tg.float64).numpy(),
                                  np.arange(2, dtype=np.float32).view(np.float64))
    private = tg.from_file(path, False, 6, dtype=tg.float32)
    private[0] = 100.0  # not written to the file
    assert np.fromfile(path, np.float32)[0] == 0.0
    shared = tg.from_file(path, True, 6, dtype=tg.float32)
    shared[1] = 50.0  # written to the file
    del shared
    assert np.fromfile(path, np.float32)[1] == 50.0
    grown = tg.from_file(path, True, 8, dtype=tg.float32)  # shared: the file is lengthened with zeros
    assert grown.tolist()[6:] == [0.0, 0.0] and os.path.getsize(path) == 32
    made = tg.from_file(str(tmp_path / "new.bin"), True, 2, dtype=tg.int32)
    assert made.tolist() == [0, 0] and os.path.getsize(tmp_path / "new.bin") == 8
    assert tg.from_file(path, size=2, dtype=tg.float32, requires_grad=True).requires_grad
    assert tg.from_file(path, size=2).dtype == tg.get_default_dtype()


def test_from_file_errors(tmp_path):
    path = str(tmp_path / "data.bin")
    np.arange(6, dtype=np.float32).tofile(path)
    with pytest.raises(RuntimeError, match="smaller than the required mapping size <28>"):
        tg.from_file(path, size=7, dtype=tg.float32)
    with pytest.raises(RuntimeError, match="unable to open"):
        tg.from_file(str(tmp_path / "missing.bin"), size=2)
    with pytest.raises(RuntimeError, match="negative"):
        tg.from_file(path, size=-1)
    with pytest.raises(TypeError, match="shared"):
        tg.from_file(path, "yes", 2)
    with pytest.raises(TypeError, match="filename"):
        tg.from_file(3, size=2)


def test_from_file_matches_torch(tmp_path):
    torch = pytest.importorskip("torch")
    path = str(tmp_path / "data.bin")
    np.arange(6, dtype=np.float32).tofile(path)
    for size, (torch_dtype, dtype) in ((6, (torch.float32, tg.float32)), (2, (torch.int32, tg.int32)),
                                       (3, (torch.float64, tg.float64))):
        np.testing.assert_array_equal(torch.from_file(path, size=size, dtype=torch_dtype).numpy(),
                                      tg.from_file(path, size=size, dtype=dtype).numpy())
    for lib, dtype in ((torch, torch.float32), (tg, tg.float32)):
        with pytest.raises(RuntimeError):
            lib.from_file(path, size=7, dtype=dtype)
        with pytest.raises(TypeError):
            lib.from_file(path, "yes", 2)


# ---- removed functions ---------------------------------------------------------------------------
@pytest.mark.parametrize("name, args, replacement", [
    ("lstsq", 2, "tg.linalg.lstsq"), ("solve", 2, "tg.linalg.solve"), ("eig", 1, "tg.linalg.eigh"),
    ("symeig", 1, "tg.linalg.eigh"), ("matrix_rank", 1, "tg.linalg.matrix_rank")])
def test_removed_functions_raise_naming_the_replacement(name, args, replacement):
    A = tg.eye(2)
    with pytest.raises(RuntimeError, match="removed") as info:
        getattr(tg, name)(*([A] * args))
    assert replacement in str(info.value) and hasattr(tg.linalg, replacement.split(".")[-1])
    if name != "matrix_rank":
        with pytest.raises(RuntimeError, match=replacement.replace(".", "\\.")):
            getattr(A, name)(*([A] * (args - 1)))


def test_removed_functions_match_torch():
    torch = pytest.importorskip("torch")
    for name, n in (("lstsq", 2), ("solve", 2), ("eig", 1), ("symeig", 1), ("matrix_rank", 1)):
        with pytest.raises(RuntimeError, match="deprecated since version 1.9 and is now removed"):
            getattr(torch, name)(*([torch.eye(2)] * n))
        with pytest.raises(RuntimeError, match="deprecated since version 1.9 and is now removed"):
            getattr(tg, name)(*([tg.eye(2)] * n))
    assert not hasattr(torch.Tensor, "matrix_rank") and not hasattr(tg.Tensor, "matrix_rank")


# ---- legacy Tensor attributes and methods -------------------------------------------------------
def test_volatile_xla_maia_to_dense_reinforce():
    a = tg.arange(6.0).reshape(2, 3)
    with pytest.warns(UserWarning, match="volatile was removed"):
        assert a.volatile is False
    with pytest.warns(UserWarning, match="no_grad"):
        a.volatile = True
    assert a.is_xla is False and a.is_maia is False
    assert a.to_dense() is a and a.to_dense(masked_grad=False) is a and a.to_dense(a.dtype) is a
    assert a.to_dense(tg.float32).dtype == np.float32
    with pytest.raises(RuntimeError, match="tg.distributions"):
        a.reinforce(1.0)


def test_resize_and_resize_as():
    a = tg.arange(6.0, dtype=tg.float64).reshape(2, 3).requires_grad_()
    with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
        r = a.resize(3, 2)
    assert r.shape == (3, 2) and r.tolist() == [[0, 1], [2, 3], [4, 5]]
    r.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.ones((2, 3)))
    with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
        assert a.resize_as(tg.zeros(6)).shape == (6,)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="7 elements.*2x3 \\(6 elements\\)"):
            a.resize(7)
        with pytest.raises(RuntimeError, match="requested resize to"):
            a.resize((3, 2))  # as PyTorch: the sizes must be given as ints
    t = tg.zeros(2)
    assert tg.resize_as_(t, tg.zeros(3, 1)) is t and t.shape == (3, 1)


def test_set_and_is_set_to():
    s = tg.arange(6.0)
    t = tg.zeros(2)
    version = t._version
    assert t.set_(s) is t and t._version == version + 1
    t[0] = 9.0
    assert s[0].item() == 9.0 and t.shape == (6,)
    assert t.is_set_to(s) and s.is_set_to(t) and s.is_set_to(s)
    assert not s[1:].is_set_to(s) and not s.view(2, 3).is_set_to(s)
    v = tg.zeros(2).set_(s, 1, (2, 2), (1, 2))
    assert v.tolist() == [[1.0, 3.0], [2.0, 4.0]] and v.storage_offset() == 1
    w = tg.zeros(1).set_(s, 2, (3,))  # default strides: contiguous
    assert w.tolist() == [2.0, 3.0, 4.0]
    e = tg.zeros(3).set_()
    assert e.shape == (0,) and e.dtype == s.dtype and not e.is_set_to(tg.zeros(0))
    with pytest.raises(RuntimeError, match="dtype"):
        tg.zeros(2, dtype=tg.int64).set_(s)
    with pytest.raises(RuntimeError, match="leaf"):
        tg.zeros(2, requires_grad=True).set_(s)
    p = tg.zeros(2, requires_grad=True)
    with tg.no_grad():
        p.set_(s)
    assert p.is_set_to(s)
    with pytest.raises(TypeError, match="set_"):
        t.set_(3)
    with pytest.raises(TypeError, match="Tensor"):
        s.is_set_to(3)


def test_set_matches_torch():
    torch = pytest.importorskip("torch")
    ts, gs = torch.arange(6.0), tg.arange(6.0, dtype=tg.float32)
    tt, gt = torch.zeros(2).set_(ts, 1, (2, 2), (1, 2)), tg.zeros(2, dtype=tg.float32).set_(gs, 1, (2, 2), (1, 2))
    assert tt.tolist() == gt.tolist() and tt.stride() == gt.stride() and tt.storage_offset() == gt.storage_offset()
    pairs = ((ts, gs), (ts[1:], gs[1:]), (ts.view(2, 3), gs.view(2, 3)), (ts[2:4], gs[2:4]))
    for t, g in pairs:
        assert t.is_set_to(ts) == g.is_set_to(gs)
        assert torch.zeros(1).set_(t).is_set_to(t) and tg.zeros(1, dtype=tg.float32).set_(g).is_set_to(g)


def test_module_load():
    p = tg.zeros(2, dtype=tg.float32)
    other = tg.ones(2, dtype=tg.float64)
    loaded = p.module_load(other)
    assert loaded is not p and loaded is not other and loaded.dtype == np.float32 and loaded.tolist() == [1.0, 1.0]
    assert p.tolist() == [1.0, 1.0]  # copy_ into self, as PyTorch
    assigned = tg.zeros(2).module_load(other, assign=True)
    assert assigned.dtype == np.float64 and assigned is not other and not assigned.requires_grad
