"""tg.multiprocessing (PyTorch's torch.multiprocessing) and shared-memory tensors: share_memory_,
is_shared, Module.share_memory, optimizers and in-place ops writing into shared memory, tensors
sent through queues as handles, Hogwild training in forked processes, mp.spawn.

Processes started with 'spawn' import this module (their targets live here), which takes about half
a second each; those tests are few and share their processes."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
import time
from multiprocessing.reduction import ForkingPickler

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.multiprocessing as mp
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.multiprocessing import shared_arrays

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _needs(method: str):
    return pytest.mark.skipif(method not in mp.get_all_start_methods(),
                              reason=f"the {method!r} start method is not available on {sys.platform}")


def _block_values(t: tg.Tensor) -> np.ndarray:
    """The numbers in t's shared block, read through a second, independent mapping of it (by name)."""
    block = shared_arrays._block_of(t.data)
    root = block.root()
    opened = shared_arrays._open(block.name)
    try:
        order = "C" if root.flags.c_contiguous else "F"
        return np.ndarray(root.shape, root.dtype, buffer=opened.buf, order=order).copy()
    finally:
        opened.close()


def _sent_and_received(t: tg.Tensor) -> tg.Tensor:
    """What a process receives when `t` is put on a Queue (ForkingPickler), here in one process."""
    return pickle.loads(ForkingPickler.dumps(t))


# ---- share_memory_ and is_shared ------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: tg.tensor([[1.5, -2.0], [3.0, 4.25]], requires_grad=True),
    lambda: tg.arange(6, dtype=tg.float32).reshape(2, 3),
    lambda: tg.tensor([1, 2, 3]),
    lambda: tg.tensor([True, False]),
    lambda: tg.tensor(2.5),
    lambda: tg.zeros(0, 3),
], ids=["float64-grad", "float32", "int64", "bool", "0-d", "empty"])
def test_share_memory_keeps_values_dtype_shape_and_requires_grad(make):
    t = make()
    before = t.data.copy()
    requires_grad, strides = t.requires_grad, t.stride()
    assert t.is_shared() is False
    assert t.share_memory_() is t
    assert t.is_shared() is True
    assert t.dtype == before.dtype and t.shape == before.shape and t.stride() == strides
    assert t.requires_grad == requires_grad and t.is_leaf
    np.testing.assert_array_equal(t.data, before)
    np.testing.assert_array_equal(_block_values(t).reshape(t.shape), before)
    array = t.data
    assert t.share_memory_() is t and t.data is array  # a second call changes nothing


def test_is_shared_of_views_and_copies():
    t = tg.arange(12.0).reshape(3, 4).share_memory_()
    assert t[1:].is_shared() and t.T.is_shared() and t.detach().is_shared() and t.view(12).is_shared()
    assert not t.clone().is_shared() and not (t + 1).is_shared() and not tg.zeros(3).is_shared()
    view = t[1:]
    view[0, 0] = 100.0  # a view made after sharing writes into the shared block
    assert _block_values(t).reshape(3, 4)[1, 0] == 100.0


def test_sharing_a_view_keeps_its_strides_and_offset():
    base = tg.arange(16.0).reshape(4, 4)
    view = base[1:, ::2]
    strides, offset = view.stride(), view.storage_offset()
    view.share_memory_()
    assert view.is_shared() and view.stride() == strides and view.storage_offset() == offset
    assert view.tolist() == [[4.0, 6.0], [8.0, 10.0], [12.0, 14.0]]
    assert not base.is_shared()  # (PyTorch would move base's storage too: see share_memory_'s docstring)
    transposed = tg.ones(3, 4).t().share_memory_()
    assert transposed.stride() == (1, 4) and not transposed.is_contiguous()
    expanded = tg.tensor([1.0, 2.0, 3.0]).expand(2, 3).share_memory_()
    assert expanded.stride() == (0, 1) and expanded.is_shared()
    with pytest.raises(RuntimeError):
        expanded.add_(1)  # still a broadcast view: read-only, as before sharing


def test_share_memory_and_is_shared_as_in_torch():
    torch = pytest.importorskip("torch")
    for lib in (tg, torch):
        t = lib.arange(12.0).reshape(3, 4)
        seen = [t.is_shared(), t[1:].is_shared()]
        t.share_memory_()
        seen += [t.is_shared(), t[1:].is_shared(), t.T.is_shared(), t.clone().is_shared(), t.detach().is_shared()]
        empty = lib.zeros(0)
        seen += [empty.is_shared(), empty.share_memory_().is_shared()]
        view = lib.zeros(4, 4)[1:, ::2].share_memory_()
        seen += [view.stride(), view.storage_offset(), lib.ones(3, 4).t().share_memory_().stride()]
        if lib is tg:
            ours = seen
    assert ours == seen


def test_the_docstring_examples():
    import doctest

    from tinygrad_edu import tensor_sharing

    result = doctest.testmod(tensor_sharing)
    assert result.attempted >= 2 and result.failed == 0


def test_meta_tensors_cannot_be_shared():
    model = nn.Linear(2, 2).to("meta")
    with pytest.raises(RuntimeError, match="only available on CPU tensors.*meta device"):
        model.share_memory()  # (PyTorch: RuntimeError "_share_fd_: only available on CPU")
    received = _sent_and_received(model.weight)  # sent as it is, without numbers
    assert received.is_meta and received.shape == (2, 2)
    with pytest.raises(RuntimeError, match="Can't share memory on an uninitialized parameter"):
        nn.LazyLinear(2).share_memory()


def test_module_share_memory_shares_parameters_buffers_and_grads():
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    model(tg.randn(4, 3)).sum().backward()
    weight = model[0].weight
    assert model.share_memory() is model
    assert model[0].weight is weight  # the same tensors: an optimizer made before still updates them
    assert all(p.is_shared() for p in model.parameters()) and all(b.is_shared() for b in model.buffers())
    assert all(p.grad.is_shared() for p in model.parameters())


def test_module_share_memory_keeps_tensors_that_share_memory_together():
    model = nn.Module()
    model.weight = nn.Parameter(tg.zeros(4))
    model.register_buffer("head", model.weight.detach()[:2])  # a view of the weight
    model.share_memory()
    with tg.no_grad():
        model.weight.add_(1.0)
    assert model.head.tolist() == [1.0, 1.0] and model.head.is_shared()
    alone = tg.zeros(4)
    view = alone[:2]
    alone.share_memory_()  # (one tensor: its view keeps the old memory, see share_memory_'s docstring)
    alone.add_(1.0)
    assert view.tolist() == [0.0, 0.0] and not view.is_shared()


def test_module_share_memory_as_in_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    ours = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    for model, lib in ((theirs, torch), (ours, tg)):
        model(lib.ones(4, 3)).sum().backward()
        assert model.share_memory() is model
    shared = [[t.is_shared() for t in [*m.parameters(), *m.buffers(), *(p.grad for p in m.parameters())]]
              for m in (theirs, ours)]
    assert shared[0] == shared[1] == [True] * 11  # 4 parameters, 3 buffers, 4 gradients


# ---- in-place updates reach the shared block ------------------------------------------------------
def _optimizers():
    classes = [getattr(optim, name) for name in optim.__all__]
    return [c for c in classes if isinstance(c, type) and issubclass(c, optim.Optimizer) and c is not optim.Optimizer]


@pytest.mark.parametrize("optimizer_class", _optimizers(), ids=lambda c: c.__name__)
@pytest.mark.parametrize("dtype", [tg.float64, tg.float32], ids=["float64", "float32"])
def test_every_optimizer_steps_in_place_into_shared_memory(optimizer_class, dtype):
    rng = np.random.default_rng(0)
    p = nn.Parameter(tg.tensor(rng.standard_normal((3, 4)), dtype=dtype)).share_memory_()
    array, before = p.data, p.data.copy()
    target = tg.tensor(rng.standard_normal((3, 4)), dtype=dtype)
    optimizer = optimizer_class([p], lr=0.1)

    def closure():
        optimizer.zero_grad()
        loss = ((p - target) ** 2).sum()
        loss.backward()
        return loss

    for _ in range(2):
        optimizer.step(closure)
    assert p.data is array and p.dtype == dtype and p.is_shared()
    assert not np.array_equal(p.data, before)
    np.testing.assert_array_equal(_block_values(p), p.data)


def test_in_place_tensor_ops_write_into_shared_memory():
    t = tg.zeros(2, 3).share_memory_()
    array = t.data
    t.add_(1).mul_(3).sub_(1).div_(2)  # (0 + 1) * 3 - 1 = 2, / 2 = 1
    t[0, 1] = 5.0
    t[1].fill_(-1.0)
    t.clamp_(min=0.0)
    assert t.data is array and t.tolist() == [[1.0, 5.0, 1.0], [0.0, 0.0, 0.0]]
    np.testing.assert_array_equal(_block_values(t), [[1.0, 5.0, 1.0], [0.0, 0.0, 0.0]])
    t.copy_(tg.ones(2, 3))
    with tg.no_grad():
        t.zero_()
    assert t.data is array and not _block_values(t).any()


def test_training_loop_pieces_keep_parameters_shared():
    model = nn.Linear(3, 2).share_memory()
    arrays = [p.data for p in model.parameters()]
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        optimizer.zero_grad()
        F.mse_loss(model(tg.ones(4, 3)), tg.zeros(4, 2)).backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    model.zero_grad()
    model.load_state_dict({"weight": tg.ones(2, 3), "bias": tg.zeros(2)})
    assert all(p.data is array for p, array in zip(model.parameters(), arrays))
    np.testing.assert_array_equal(_block_values(model.weight), np.ones((2, 3)))


# ---- sending tensors (ForkingPickler: what Queue.put and spawn's arguments use) --------------------------
def test_a_sent_tensor_shares_memory_with_the_sender():
    t = tg.tensor([1.0, 2.0, 3.0])
    received = _sent_and_received(t)
    assert t.is_shared() and received.is_shared()  # sending moved t to shared memory, as in PyTorch
    received[0] = 10.0
    assert t.tolist() == [10.0, 2.0, 3.0]
    view = _sent_and_received(t[1:])  # a view travels as its place in the block
    view[0] = 20.0
    assert t.tolist() == [10.0, 20.0, 3.0] and view.shape == (2,)


def test_requires_grad_and_parameters_carry_over_but_not_grads():
    p = nn.Parameter(tg.ones(2, 2))
    p.grad = tg.ones(2, 2)
    received = _sent_and_received(p)
    assert received.requires_grad and received.is_leaf and isinstance(received, nn.Parameter)
    assert received.grad is None and not p.grad.is_shared()
    plain = _sent_and_received(tg.zeros(2, dtype=tg.int32))
    assert not plain.requires_grad and not isinstance(plain, nn.Parameter) and plain.dtype == tg.int32


def test_a_non_leaf_that_requires_grad_is_refused():
    x = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor which requires_grad"):
        ForkingPickler.dumps(x * 2)
    assert _sent_and_received((x * 2).detach()).tolist() == [2.0, 2.0]
    assert pickle.loads(pickle.dumps(x)).is_shared() is False  # plain pickle still copies


def test_sending_as_in_torch():
    torch = pytest.importorskip("torch")
    for lib in (torch, tg):
        t = lib.ones(2, requires_grad=True)
        t.grad = lib.ones(2)
        received = pickle.loads(ForkingPickler.dumps(t))
        seen = [t.is_shared(), received.is_shared(), received.requires_grad, received.grad is None, t.grad.is_shared()]
        with pytest.raises(RuntimeError, match="Cowardly refusing"):
            ForkingPickler.dumps(t * 2)
        if lib is torch:
            theirs = seen
    assert seen == theirs


# ---- the module: names, sharing strategies ---------------------------------------------------------------
def test_the_multiprocessing_names():
    import multiprocessing

    assert tg.multiprocessing is mp
    for name in multiprocessing.__all__:
        assert hasattr(mp, name), name
    assert mp.get_sharing_strategy() in mp.get_all_sharing_strategies()
    before = mp.get_sharing_strategy()
    try:
        mp.set_sharing_strategy("file_system")
        assert mp.get_sharing_strategy() == "file_system"
    finally:
        mp.set_sharing_strategy(before)
    with pytest.raises(AssertionError, match="invalid sharing strategy"):
        mp.set_sharing_strategy("telepathy")


def test_the_multiprocessing_names_as_in_torch():
    torch_mp = pytest.importorskip("torch.multiprocessing")

    assert sorted(mp.__all__) == sorted(torch_mp.__all__)
    assert mp.get_sharing_strategy() == torch_mp.get_sharing_strategy()
    assert mp.get_all_sharing_strategies() == torch_mp.get_all_sharing_strategies()
    for name in ("spawn", "start_processes", "ProcessContext", "ProcessRaisedException", "ProcessExitedException"):
        assert hasattr(mp, name) and hasattr(torch_mp, name)


# ---- processes ----------------------------------------------------------------------------------------
@_needs("fork")
def test_hogwild_training_in_two_forked_processes():
    tg.manual_seed(0)
    model = nn.Linear(3, 1)
    model.share_memory()
    rng = np.random.default_rng(1)
    data = tg.tensor(rng.standard_normal((16, 3)))
    target = data @ tg.tensor([[1.0], [-2.0], [0.5]])

    def train(model):
        optimizer = optim.SGD(model.parameters(), lr=0.05)
        for _ in range(20):
            optimizer.zero_grad()
            F.mse_loss(model(data), target).backward()
            optimizer.step()

    before = F.mse_loss(model(data), target).item()
    weight = model.weight.detach().clone()
    processes = [mp.get_context("fork").Process(target=train, args=(model,)) for _ in range(2)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    assert [p.exitcode for p in processes] == [0, 0]
    after = F.mse_loss(model(data), target).item()
    assert after < before / 4 and not tg.equal(model.weight, weight)


def _child_writes(inbox, outbox) -> None:
    """In a spawned process: change the tensors received, send back one made here, wait for the ack."""
    param, plain = inbox.get()
    with tg.no_grad():
        param.add_(1.0)
    plain.mul_(2)
    made = tg.full((2,), 7.0)
    outbox.put((param.requires_grad, isinstance(param, nn.Parameter), param.is_shared(), plain.is_shared(), made))
    inbox.get()  # (the parent has received `made`: this process, which holds its memory, may exit)


@_needs("spawn")
def test_a_spawned_process_writes_into_tensors_sent_through_a_queue():
    context = mp.get_context("spawn")
    inbox, outbox = context.Queue(), context.Queue()
    param = nn.Parameter(tg.zeros(2, 3)).share_memory_()
    plain = tg.arange(4)  # not shared yet: sending moves it
    child = context.Process(target=_child_writes, args=(inbox, outbox))
    child.start()
    inbox.put((param, plain))
    requires_grad, is_parameter, param_shared, plain_shared, made = outbox.get(timeout=60)
    inbox.put("received")
    child.join(timeout=60)
    assert child.exitcode == 0
    assert requires_grad and is_parameter and param_shared and plain_shared and plain.is_shared()
    assert param.tolist() == [[1.0] * 3] * 2 and plain.tolist() == [0, 2, 4, 6]
    assert made.tolist() == [7.0, 7.0] and made.is_shared()  # (still readable: the mapping outlives the name)


def _fails_in_one(i: int, flag: tg.Tensor, message: str) -> None:
    """For mp.spawn: process 0 writes into the shared `flag` and returns; process 1 waits for that, then raises."""
    if i == 0:
        flag[0] = 1
        return
    deadline = time.monotonic() + 30
    while flag[0].item() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    raise ValueError(f"{message} in process {i}")


@_needs("spawn")
def test_spawn_runs_fn_with_the_index_and_raises_the_childs_error():
    flag = tg.zeros(1, dtype=tg.int64)
    with pytest.warns(FutureWarning, match="only supports start_method=spawn"):
        started = mp.spawn(_fails_in_one, args=(flag, "boom"), nprocs=2, join=False, start_method="fork")
    assert isinstance(started, mp.ProcessContext) and len(started.pids()) == 2
    with pytest.raises(mp.ProcessRaisedException) as raised:
        while not started.join(timeout=60):
            pass
    assert raised.value.error_index == 1
    assert "-- Process 1 terminated with the following error" in str(raised.value)
    assert "ValueError: boom in process 1" in str(raised.value)
    assert flag.tolist() == [1]  # process 0 wrote into the tensor passed as an argument


def _exits_with_3(i: int) -> None:
    os._exit(3)


@_needs("fork")
def test_start_processes_reports_a_child_that_exits_without_an_exception():
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3") as raised:
        mp.start_processes(_exits_with_3, nprocs=1, start_method="fork")
    assert raised.value.exit_code == 3
    assert mp.start_processes(lambda i: None, nprocs=2, start_method="fork") is None


_CLEAN_EXIT_SCRIPT = """
import os, sys
import tinygrad_edu as tg
import tinygrad_edu.multiprocessing as mp
from tinygrad_edu.multiprocessing.shared_arrays import _block_of
from tests.test_multiprocessing import _child_writes

if __name__ == "__main__":
    model = tg.nn.Linear(2, 2).share_memory()
    names = [_block_of(p.data).name for p in model.parameters()]
    context = mp.get_context("spawn")
    inbox, outbox = context.Queue(), context.Queue()
    child = context.Process(target=_child_writes, args=(inbox, outbox))
    child.start()
    inbox.put((model.weight, tg.zeros(3)))  # the zeros are dropped here right away: the child still opens them
    *_, made = outbox.get(timeout=60)
    names.append(_block_of(made.data).name)
    inbox.put("received")
    child.join(timeout=60)
    del model
    print(" ".join(names))
"""


@_needs("spawn")
def test_no_shared_memory_is_left_behind_and_no_warning_at_exit():
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_CLEAN_EXIT_SCRIPT)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": ROOT})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no "resource_tracker: There appear to be 1 leaked shared_memory objects"
    names = done.stdout.split()
    assert len(names) == 3
    if os.path.isdir("/dev/shm"):  # (Linux shows POSIX shared memory there)
        time.sleep(0.2)  # (the resource tracker would remove leftovers only after the program ends)
        assert [name for name in names if os.path.exists(os.path.join("/dev/shm", name))] == []
