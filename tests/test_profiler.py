"""tg.profiler: PyTorch's torch.profiler for our ops -- what is recorded (counts, names, nesting,
shapes, bytes, flops), the schedule's step semantics, the table text, the Chrome trace, and that
the op path is left as it was. Compared with PyTorch where it is installed; no timed assertions
(only relations that hold by construction, such as self time <= total time)."""
from __future__ import annotations

import gzip
import inspect
import json
import threading
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.autograd.grad_mode import _state as grad_state
from tinygrad_edu.profiler import (
    EventList,
    FunctionEventAvg,
    ProfilerAction,
    ProfilerActivity,
    profile,
    record_function,
    schedule,
    supported_activities,
    tensorboard_trace_handler,
)
from tinygrad_edu.profiler.table import format_memory, format_time, format_time_share


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def counts(prof) -> dict:
    return {a.key: a.count for a in prof.key_averages()}


def small_program():
    """3 adds and 1 matmul."""
    a, b = tg.ones(2, 3), tg.ones(3, 4)
    c = a + a
    c = c + a
    c = c + a
    return c @ b


# ---- what is recorded ------------------------------------------------------------------------------

def test_counts_of_a_known_program():
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        out = small_program()
    assert counts(prof) == {"aten::add": 3, "aten::matmul": 1}
    assert out.tolist() == [[12.0] * 4] * 2  # (the ops ran, with their usual results)
    assert [e.name for e in prof.events()] == ["aten::add"] * 3 + ["aten::matmul"]


def test_the_slot_is_empty_again_after_the_block():
    assert grad_state.batching is None
    with profile() as prof:
        assert grad_state.batching is not None
        small_program()
    assert grad_state.batching is None
    small_program()  # ops after the block are not recorded
    assert counts(prof) == {"aten::add": 3, "aten::matmul": 1}


def test_the_slot_is_restored_after_an_exception():
    with pytest.raises(KeyError):
        with profile() as prof:
            tg.ones(2) + 1
            raise KeyError("stop")
    assert grad_state.batching is None
    assert counts(prof) == {"aten::add": 1}

    class Fails(tg.Function):
        @staticmethod
        def forward(ctx, x):
            raise ValueError("Fails: no forward")

    with pytest.raises(ValueError, match="no forward"):  # an op that fails inside
        with profile() as prof:
            Fails.apply(tg.ones(2))
    assert grad_state.batching is None and counts(prof) == {"Fails": 1}


def test_record_function_nests_and_times_add_up():
    with profile() as prof:
        with record_function("outer"):
            tg.ones(2) * 2
            with record_function("inner"):
                tg.ones(2) + 1
                tg.ones(2).exp()
    events = {e.name: e for e in prof.events()}
    outer, inner = events["outer"], events["inner"]
    assert outer.cpu_parent is None and inner.cpu_parent is outer
    assert [c.name for c in outer.cpu_children] == ["aten::mul", "inner"]
    assert [c.name for c in inner.cpu_children] == ["aten::add", "aten::exp"]
    for event in prof.events():
        assert event.cpu_time_total >= sum(c.cpu_time_total for c in event.cpu_children)
        assert 0 <= event.self_cpu_time_total <= event.cpu_time_total
        for child in event.cpu_children:  # a child's time range lies inside its parent's
            assert event.time_range.start <= child.time_range.start <= child.time_range.end <= event.time_range.end
    # the self times of all events add up to the one top-level event's total
    assert prof.key_averages().self_cpu_time_total == pytest.approx(outer.cpu_time_total)
    assert prof.events().self_cpu_time_total == pytest.approx(outer.cpu_time_total)


def test_record_function_as_decorator_and_outside_a_profile():
    @record_function("step")
    def step(x, depth):
        return x if depth == 0 else step(x + 1, depth - 1)

    assert step(tg.zeros(1), 2).item() == 2.0  # no profile: nothing happens
    with profile() as prof:
        step(tg.zeros(1), 2)
    steps = [e for e in prof.events() if e.name == "step"]
    assert len(steps) == 3 and steps[1].cpu_parent is steps[0] and steps[2].cpu_parent is steps[1]
    assert counts(prof) == {"step": 3, "aten::add": 2}
    assert record_function("x", "extra").args == "extra"


def test_backward_and_no_grad_inside():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with profile() as prof:
        with tg.no_grad():
            frozen = w * 3
        loss = (w * w).sum()
        loss.backward()
    assert not frozen.requires_grad and loss.requires_grad and loss.grad_fn is not None
    assert w.grad.tolist() == [2.0, 4.0]
    # the backward formulas run on arrays, outside op calls: the engine reports each node's step
    step = "autograd::engine::evaluate_function: "
    assert counts(prof) == {"aten::mul": 2, "aten::sum": 1, step + "SumBackward0": 1, step + "MulBackward0": 1}


def test_backward_steps_are_events_inside_their_block():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with profile() as prof:
        with record_function("train_step"):
            (w.exp() * 2).sum().backward()
    steps = [e for e in prof.events() if e.name.startswith("autograd::engine::evaluate_function: ")]
    assert sorted(e.name.rsplit(" ", 1)[1] for e in steps) == ["ExpBackward0", "MulBackward0", "SumBackward0"]
    assert all(e.cpu_parent is not None and e.cpu_parent.name == "train_step" for e in steps)
    assert all(e.time_range.end >= e.time_range.start for e in steps)
    assert grad_state.batching is None
    (w * 1).sum().backward()  # outside a profile: nothing is asked of an empty slot


def test_a_users_function_keeps_its_name():
    class Square(tg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 2

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 2 * x

    with profile() as prof:
        Square.apply(tg.ones(2, requires_grad=True))
    assert counts(prof) == {"Square": 1}


def test_input_shapes_and_grouping():
    with profile(record_shapes=True) as prof:
        tg.ones(2, 3) + tg.ones(2, 3)
        tg.ones(4) + tg.ones(4)
        tg.ones(4) + tg.ones(4)
    plain = prof.key_averages()
    assert [(a.key, a.count, a.input_shapes) for a in plain] == [("aten::add", 3, "")]
    grouped = prof.key_averages(group_by_input_shape=True)
    assert [(a.key, a.count, a.input_shapes) for a in grouped] == [
        ("aten::add", 1, [[2, 3], [2, 3]]), ("aten::add", 2, [[4], [4]])]
    assert "Input Shapes" in grouped.table() and "Input Shapes" not in plain.table()
    with profile() as prof:  # without record_shapes: no shapes
        tg.ones(2) + 1
    assert prof.events()[0].input_shapes == []


def test_averages_and_total():
    with profile() as prof:
        small_program()
    averages = prof.key_averages()
    assert isinstance(averages, EventList) and all(isinstance(a, FunctionEventAvg) for a in averages)
    add = averages[0]
    adds = [e for e in prof.events() if e.name == "aten::add"]
    assert add.cpu_time_total == pytest.approx(sum(e.cpu_time_total for e in adds))
    assert add.cpu_time == pytest.approx(add.cpu_time_total / 3)
    assert add.self_cpu_time_total == pytest.approx(add.cpu_time_total)  # (no children)
    total = averages.total_average()
    assert total.key == "Total" and total.count == 4
    assert total.cpu_time_total == pytest.approx(sum(a.cpu_time_total for a in averages))


def test_memory_and_flops_by_hand():
    a, b = tg.ones(2, 3), tg.ones(3, 4)
    with profile(profile_memory=True, with_flops=True) as prof:
        with record_function("block"):
            c = a + a  # 6 float64 numbers: 48 bytes, 6 flops
            c @ b  # 2·m·n·k = 2·2·4·3 = 48 flops; 8 numbers: 64 bytes
            c.reshape(6)  # a view: no new memory
    events = {e.name: e for e in prof.events()}
    assert (events["aten::add"].cpu_memory_usage, events["aten::add"].flops) == (48, 6)
    assert (events["aten::matmul"].cpu_memory_usage, events["aten::matmul"].flops) == (64, 48)
    assert (events["aten::reshape"].cpu_memory_usage, events["aten::reshape"].flops) == (0, 0)
    assert events["block"].cpu_memory_usage == 112 and events["block"].self_cpu_memory_usage == 0
    table = prof.key_averages().table()
    assert "CPU Mem" in table and "Self CPU Mem" in table and "Total FLOPs" in table
    assert "112 B" in table and "48.000" in table


def test_modules_and_stacks():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    with profile(with_modules=True, with_stack=True) as prof:
        model(tg.ones(2, 3))
    names = [e.name for e in prof.events()]
    assert names == ["nn.Module: Sequential_0", "nn.Module: Linear_0", "aten::linear", "nn.Module: ReLU_0",
                     "aten::relu", "nn.Module: Linear_1", "aten::linear"]
    linear = prof.events()[2]
    assert linear.cpu_parent.name == "nn.Module: Linear_0"
    assert linear.stack and linear.stack[0].startswith(__file__) and "test_modules_and_stacks" in linear.stack[0]
    assert "Source Location" in prof.key_averages(group_by_stack_n=1).table()
    with profile() as prof:  # without with_modules: ops only
        model(tg.ones(2, 3))
    assert counts(prof) == {"aten::linear": 2, "aten::relu": 1}


def test_export_stacks(tmp_path):
    with profile(with_stack=True) as prof:
        for _ in range(50):
            tg.ones(100, 100) @ tg.ones(100, 100)
    path = tmp_path / "stacks.txt"
    prof.export_stacks(str(path))
    lines = path.read_text().splitlines()
    assert lines and all(line.rsplit(" ", 1)[1].isdigit() for line in lines)
    assert "test_export_stacks" in lines[0]
    with pytest.raises(ValueError, match="metric"):
        prof.export_stacks(str(path), "cpu_time")


def test_only_the_profiling_thread_is_recorded():
    def work():
        tg.ones(2) * 5

    with profile() as prof:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        tg.ones(2) + 1
    assert counts(prof) == {"aten::add": 1}
    results = []

    def profiled():
        with profile() as p:
            tg.ones(2) - 1
        results.append(counts(p))

    thread = threading.Thread(target=profiled)
    thread.start()
    thread.join()
    assert results == [{"aten::sub": 1}] and grad_state.batching is None


# ---- misuse ---------------------------------------------------------------------------------------

def test_inside_autobatch_or_another_profile_raises():
    with pytest.raises(RuntimeError, match=r"profile: cannot record inside tg.autobatch\(\)"):
        with tg.autobatch():
            with profile():
                pass
    assert grad_state.batching is None
    with pytest.raises(RuntimeError, match="autobatch: cannot batch while tg.profiler records"):
        with profile():
            with tg.autobatch():
                pass
    assert grad_state.batching is None
    with profile():
        with tg.autobatch(enabled=False):  # (a block that does nothing is fine)
            tg.ones(2) + 1
    with pytest.raises(RuntimeError, match="already recording"):
        with profile():
            with profile():
                pass
    assert grad_state.batching is None


def test_results_before_any_trace_raise():
    prof = profile()
    for call in (prof.key_averages, prof.events, lambda: prof.export_chrome_trace("x.json")):
        with pytest.raises(AssertionError, match="Profiler must be initialized"):
            call()


def test_unknown_sort_key_raises_attribute_error():
    with profile() as prof:
        tg.ones(2) + 1
    with pytest.raises(AttributeError, match="sort_by='nonsense'.*cpu_time_total"):
        prof.key_averages().table(sort_by="nonsense")


def test_device_activities_warn_and_cpu_is_profiled():
    assert supported_activities() == {ProfilerActivity.CPU}
    with pytest.warns(UserWarning, match="CUDA is not available, disabling CUDA profiling"):
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            tg.ones(2) + 1
    assert counts(prof) == {"aten::add": 1}
    with pytest.warns(UserWarning, match="CUDA"), pytest.raises(AssertionError, match="No activities"):
        with profile(activities=[ProfilerActivity.CUDA]):
            pass
    assert grad_state.batching is None
    with pytest.raises(AssertionError, match="No valid profiler activities"):
        profile(activities=[])
    with pytest.warns(FutureWarning, match="use_cuda"):
        profile(use_cuda=False)


# ---- schedule and steps -----------------------------------------------------------------------------

SCHEDULES = [dict(wait=1, warmup=1, active=2), dict(wait=1, warmup=1, active=2, repeat=2),
             dict(wait=0, warmup=0, active=1), dict(wait=2, warmup=1, active=3, repeat=1, skip_first=3),
             dict(wait=5, warmup=1, active=2, skip_first=2, skip_first_wait=1), dict(wait=0, warmup=2, active=1)]


def test_schedule_by_hand():
    plan = schedule(wait=1, warmup=1, active=2, repeat=1, skip_first=1)
    assert [plan(s).name for s in range(7)] == ["NONE", "NONE", "WARMUP", "RECORD", "RECORD_AND_SAVE", "NONE", "NONE"]
    with pytest.warns(UserWarning, match="won't be using warmup"):
        schedule(wait=0, warmup=0, active=1)
    with pytest.raises(AssertionError, match="active=0"):
        schedule(wait=0, warmup=1, active=0)
    with pytest.raises(AssertionError, match="Step must be non-negative"):
        plan(-1)


@pytest.mark.parametrize("kwargs", SCHEDULES)
def test_schedule_matches_torch(torch, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = schedule(**kwargs), torch.profiler.schedule(**kwargs)
    assert [ours(s).name for s in range(21)] == [theirs(s).name for s in range(21)]
    assert [a.name for a in ProfilerAction] == list(torch.profiler.ProfilerAction.__members__)


def run_steps(library, profiler_module, kwargs, steps=9, **extra):
    """What on_trace_ready sees in a loop of `steps` steps: (step_num, {key: count}) per call."""
    seen = []

    def ready(prof):
        seen.append((prof.step_num, {a.key: a.count for a in prof.key_averages()
                                     if a.key.endswith("add") or a.key.startswith("ProfilerStep")}))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with profiler_module.profile(schedule=profiler_module.schedule(**kwargs), on_trace_ready=ready,
                                     **extra) as prof:
            for i in range(steps):
                library.ones(2) + i
                prof.step()
    return seen


def test_steps_by_hand():
    assert run_steps(tg, tg.profiler, dict(wait=1, warmup=1, active=2, repeat=1)) == [
        (4, {"ProfilerStep*": 2, "aten::add": 2})]
    assert run_steps(tg, tg.profiler, dict(wait=0, warmup=1, active=2)) == [
        (3, {"ProfilerStep*": 2, "aten::add": 2}), (6, {"ProfilerStep*": 2, "aten::add": 2}),
        (9, {"ProfilerStep*": 2, "aten::add": 2})]
    # leaving the block in the middle of a cycle saves what was recorded (step 8 ran no op)
    assert run_steps(tg, tg.profiler, dict(wait=0, warmup=1, active=2), steps=8)[-1] == (
        8, {"ProfilerStep*": 2, "aten::add": 1})
    accumulated = run_steps(tg, tg.profiler, dict(wait=0, warmup=1, active=1), steps=4, acc_events=True)
    assert [c["aten::add"] for _, c in accumulated[:2]] == [1, 2]


@pytest.mark.parametrize("kwargs", SCHEDULES)
@pytest.mark.parametrize("steps", [8, 9])
def test_steps_match_torch(torch, kwargs, steps):
    ours = run_steps(tg, tg.profiler, kwargs, steps)
    theirs = run_steps(torch, torch.profiler, kwargs, steps)
    assert ours == theirs


def test_start_stop_and_trace_handler(tmp_path):
    prof = profile()
    prof.start()
    tg.ones(2) + 1
    prof.stop()
    assert grad_state.batching is None and counts(prof) == {"aten::add": 1}
    folder = tmp_path / "traces"
    with profile(schedule=schedule(wait=0, warmup=1, active=1, repeat=2),
                 on_trace_ready=tensorboard_trace_handler(str(folder), worker_name="w")) as prof:
        for _ in range(5):
            tg.ones(2) * 2
            prof.step()
    files = sorted(folder.iterdir())
    assert len(files) == 2 and all(f.name.startswith("w.") and f.name.endswith(".pt.trace.json") for f in files)
    names = [e["name"] for e in json.loads(files[0].read_text())["traceEvents"] if e["ph"] == "X"]
    assert names == ["ProfilerStep#1", "aten::mul"]


# ---- the table --------------------------------------------------------------------------------------

def test_table_by_hand():
    with profile(record_shapes=True) as prof:
        with record_function("model_inference"):
            small_program()
    table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=10)
    lines = table.splitlines()
    assert lines[1].split() == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%", "CPU", "total",
                                "CPU", "time", "avg", "#", "of", "Calls"]
    assert lines[0] == lines[2] == lines[-2] and set(lines[0]) == {"-", " "}
    assert lines[3].split()[0] == "model_inference" and lines[3].split()[3] == "100.00%"  # the largest total
    assert lines[-1].startswith("Self CPU time total: ")
    assert len(prof.key_averages().table(row_limit=1).splitlines()) == 6
    assert "ms" in prof.key_averages().table(time_unit="ms").splitlines()[3]
    assert str(prof.key_averages()) == prof.key_averages().table()
    assert EventList().table() == ""


def test_time_and_memory_formats():
    assert (format_time(0.5), format_time(999.9994), format_time(1000.0), format_time(3.2e6)) == (
        "0.500us", "999.999us", "1.000ms", "3.200s")
    assert format_time_share(1, 4) == "25.00%" and format_time_share(0, 0) == "NaN"
    assert (format_memory(100), format_memory(2048), format_memory(-3 * 1024 ** 2)) == ("100 B", "2.00 KB", "-3.00 MB")


def test_table_is_torchs_table_of_the_same_events(torch):
    """torch's own table builder, given our events, prints exactly our table."""
    from torch.autograd.profiler_util import _build_table
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    for options in (dict(), dict(record_shapes=True), dict(profile_memory=True, with_flops=True, record_shapes=True),
                    dict(with_stack=True, with_modules=True)):
        with profile(**options) as prof:
            with record_function("outer"):
                model(tg.ones(3, 4)).sum()
        for events in (prof.key_averages(), prof.key_averages(group_by_input_shape=True), prof.events()):
            for table_options in (dict(sort_by="cpu_time_total", row_limit=10), dict(sort_by="count", time_unit="ms"),
                                  dict(top_level_events_only=True), dict(max_name_column_width=8, header="h")):
                ours = events.table(**table_options)
                theirs = _build_table(events, with_flops=options.get("with_flops", False),
                                      profile_memory=options.get("profile_memory", False), **table_options)
                assert ours == theirs


@pytest.mark.parametrize("sort_by", ["cpu_time_total", "self_cpu_time_total", "cpu_time", "count"])
def test_table_headings_match_a_torch_run(torch, sort_by):
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True) as theirs:
        with torch.profiler.record_function("model_inference"):
            (torch.ones(2, 3) + 1) @ torch.ones(3, 4)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as ours:
        with record_function("model_inference"):
            (tg.ones(2, 3) + 1) @ tg.ones(3, 4)
    for group in (False, True):
        widths = dict(max_name_column_width=12, max_shapes_column_width=14)  # (same widths for other names)
        mine = ours.key_averages(group_by_input_shape=group).table(sort_by=sort_by, **widths).splitlines()
        torchs = theirs.key_averages(group_by_input_shape=group).table(sort_by=sort_by, **widths).splitlines()
        assert mine[:3] == torchs[:3]
        assert mine[-2] == torchs[-2] and mine[-1].split(":")[0] == torchs[-1].split(":")[0]
    with pytest.raises(AttributeError):  # torch raises AttributeError for an unknown key too
        theirs.key_averages().table(sort_by="nonsense")


def test_names_and_signatures_match_torch(torch):
    def parameters(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]

    for ours, theirs in ((profile.__init__, torch.profiler.profile.__init__),
                         (schedule, torch.profiler.schedule),
                         (tensorboard_trace_handler, torch.profiler.tensorboard_trace_handler),
                         (record_function.__init__, torch.profiler.record_function.__init__),
                         (profile.key_averages, torch.profiler.profile.key_averages),
                         (profile.export_chrome_trace, torch.profiler.profile.export_chrome_trace),
                         (EventList.table, torch.autograd.profiler_util.EventList.table)):
        assert parameters(ours) == parameters(theirs), ours
    assert set(torch.profiler.ProfilerActivity.__members__) == {a.name for a in ProfilerActivity}


# ---- the Chrome trace ---------------------------------------------------------------------------------

def test_chrome_trace(tmp_path):
    with profile(record_shapes=True) as prof:
        with record_function("model_inference"):
            small_program()
    prof.add_metadata("run", "first")
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    complete = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert [e["name"] for e in complete] == ["model_inference"] + ["aten::add"] * 3 + ["aten::matmul"]
    assert [e["cat"] for e in complete] == ["user_annotation"] + ["cpu_op"] * 4
    outer = complete[0]
    for event in complete[1:]:
        assert outer["ts"] <= event["ts"] and event["ts"] + event["dur"] <= outer["ts"] + outer["dur"] + 1e-3
        assert event["tid"] == outer["tid"] and event["pid"] == outer["pid"]
    assert complete[4]["args"]["Input Dims"] == [[2, 3], [3, 4]]
    assert trace["run"] == "first" and trace["record_shapes"] == 1
    prof.export_chrome_trace(str(tmp_path / "trace.json.gz"))
    with gzip.open(tmp_path / "trace.json.gz", "rt") as f:
        assert len(json.load(f)["traceEvents"]) == len(trace["traceEvents"])


def test_profiled_values_equal_unprofiled(rng):
    model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3))
    x = tg.tensor(rng.standard_normal((4, 5)))
    target = tg.tensor([0, 2, 1, 0])
    loss = nn.functional.cross_entropy(model(x), target)
    loss.backward()
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    model.zero_grad()
    with profile(record_shapes=True, profile_memory=True, with_flops=True, with_stack=True, with_modules=True):
        profiled = nn.functional.cross_entropy(model(x), target)
        profiled.backward()
    assert profiled.item() == loss.item()
    for p, g in zip(model.parameters(), grads):
        np.testing.assert_array_equal(p.grad.numpy(), g)


def test_a_block_open_when_the_trace_stops_ends_there():
    prof = profile(acc_events=True)
    prof.start()
    block = record_function("around")
    block.__enter__()
    tg.ones(2) + 1
    prof.stop()
    tg.ones(2) * 2  # after the stop: not recorded
    prof.start()  # (acc_events: the same trace goes on)
    tg.ones(2) - 1
    prof.stop()
    block.__exit__(None, None, None)  # (it ended at the first stop already)
    around, add, sub = prof.events()
    assert [e.name for e in (around, add, sub)] == ["around", "aten::add", "aten::sub"]
    assert add.cpu_parent is around and sub.cpu_parent is None
    assert around.time_range.end <= sub.time_range.start


def test_a_schedule_must_not_return_device_stopped():
    with pytest.raises(ValueError, match="DEVICE_STOPPED"):
        profile(schedule=lambda step: ProfilerAction.DEVICE_STOPPED)
    prof = profile(schedule=lambda step: ProfilerAction.RECORD if step == 0 else ProfilerAction.DEVICE_STOPPED)
    prof.start()
    with pytest.raises(ValueError, match="DEVICE_STOPPED"):
        prof.step()
    assert prof.step_num == 0  # (checked before anything changed)
    prof.stop()
    assert grad_state.batching is None
