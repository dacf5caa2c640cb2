"""`tg.profiler`: where the time goes, op by op -- PyTorch's `torch.profiler`, on the CPU.

    from tinygrad_edu.profiler import profile, record_function, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            model(inputs)
    print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))
    prof.export_chrome_trace("trace.json")

Each op call becomes an event named as PyTorch names the same operator ("aten::add",
"aten::matmul", ...; a user's Function keeps its class name), timed with `time.perf_counter_ns`.
The modules: collector.py sees the ops, user_annotation.py has record_function, events.py holds
and adds up the events, table.py prints them, chrome_trace.py writes them as a timeline,
scheduling.py and profiler.py run the steps.

A backward pass inside the profile adds one event per node, named as PyTorch's
("autograd::engine::evaluate_function: MulBackward0"): the engine runs formulas on arrays, not
through op calls, so it reports each node's step to the profiler (its time includes the engine's
bookkeeping for that node). Not here: device activities (CPU only), ops of other threads, and
memory frees.
"""
from .events import EventList, FunctionEvent, FunctionEventAvg
from .profiler import ProfilerActivity, profile, supported_activities, tensorboard_trace_handler
from .scheduling import ProfilerAction, schedule
from .user_annotation import record_function

__all__ = ["profile", "schedule", "supported_activities", "tensorboard_trace_handler", "ProfilerAction",
           "ProfilerActivity", "record_function", "EventList", "FunctionEvent", "FunctionEventAvg"]
