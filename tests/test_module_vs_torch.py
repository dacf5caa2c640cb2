# ruff: noqa: E501  (the case tables keep one case per entry; wrapping them would hide their structure)
"""nn.Module, its containers and nn.Parameter against PyTorch 2.13, case by case.

Each case is a function of the library (`tg` or `torch`, whose names agree) and a hand-written
expectation for tinygrad_edu: a value in the `simple` form below, or `Raises(type, *words)`.
`test_case` checks the expectation (no torch needed); `test_case_matches_torch` runs the same
function with torch and compares the values (reprs character by character, key orders), the
warning categories, and for an error its type and the words, which both messages must contain.
Dtypes print as numpy names here (`float64`, not `torch.float64`): the prefix is dropped before
comparing. Random initial values differ by design, so parameters are compared by kind, dtype,
shape and requires_grad unless a case asks for values.
"""
from __future__ import annotations

import collections
import copy
import pickle
import warnings

import pytest

import tinygrad_edu as tg
from tests.torch_sides import run_both

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


class Raises:
    """An expected exception: its type and words that its message contains (in both libraries)."""

    def __init__(self, kind: type, *words: str) -> None:
        self.kind, self.words = kind, words

    def __repr__(self) -> str:
        return f"Raises({self.kind.__name__}, {self.words})"


# ---- normal forms --------------------------------------------------------------------------------

def _lib_of(x):
    return torch if torch is not None and isinstance(x, (torch.Tensor, torch.nn.Module)) else tg


def _plain(text: str) -> str:
    return text.replace("torch.", "").replace("tinygrad_edu.", "")


def simple(x):
    """Tensors as ('P' or 'T', dtype, shape, requires_grad); modules as '<Name>'; containers
    kept with their type where it is not the plain one; strings without the library prefix."""
    if torch is not None and isinstance(x, torch.Tensor) or isinstance(x, tg.Tensor):
        L = _lib_of(x)
        return ("P" if isinstance(x, L.nn.Parameter) else "T", _plain(str(x.dtype)), list(x.shape), x.requires_grad)
    if torch is not None and isinstance(x, torch.nn.Module) or isinstance(x, tg.nn.Module):
        return f"<{type(x).__name__}>"
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__.lstrip("_"), tuple(simple(v) for v in x))
    if isinstance(x, dict):
        return (type(x).__name__, [(k, simple(v)) for k, v in x.items()])
    if isinstance(x, (list, tuple)):
        inner = [simple(v) for v in x]
        return inner if isinstance(x, list) else tuple(inner)
    if isinstance(x, type):
        return _plain(x.__name__)
    if isinstance(x, str):
        return _plain(x)
    if isinstance(x, (set, frozenset)):
        return sorted(x)
    if hasattr(x, "__next__") or type(x).__name__ in ("dict_keys", "dict_values", "dict_items", "generator"):
        return [simple(v) for v in x]
    return x


def _run(fn, lib):
    """(simple result, or (exception type, message); the warning categories)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = simple(fn(lib))
        except Exception as e:  # noqa: BLE001  (the exception is the result)
            # (a KeyError's str() is the repr of its message)
            result = (type(e), str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e))
    return result, sorted({w.category.__name__ for w in caught})


def _raised(result) -> bool:
    return isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], type) and issubclass(result[0], BaseException)


# ---- building blocks -----------------------------------------------------------------------------

def _net(L):
    """Linear -> ReLU -> Linear with a persistent and a non-persistent buffer."""
    class Net(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = L.nn.Linear(2, 3)
            self.register_buffer("steps", L.zeros(1))
            self.register_buffer("cache", L.ones(2), persistent=False)
            self.act = L.nn.ReLU()
            self.out = L.nn.Linear(3, 1)

        def forward(self, x):
            return self.out(self.act(self.fc(x)))
    return Net()


def _tied(L):
    """Two Linear layers sharing one weight, and one module registered twice."""
    class Tied(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = L.nn.Linear(2, 2)
            self.b = L.nn.Linear(2, 2)
            self.b.weight = self.a.weight
            self.c = self.a
    return Tied()


def _mod(L):
    return L.nn.Module()


def _with(L, **attrs):
    m = L.nn.Module()
    for k, v in attrs.items():
        setattr(m, k, v(L) if callable(v) else v)
    return m


def _then(m, fn):
    fn(m)
    return m


def _names(it):
    return [name for name, _ in it]


def _seq(L, n=3):
    return L.nn.Sequential(*[L.nn.Linear(i + 1, i + 2) for i in range(n)])


def _mlist(L, n=3):
    return L.nn.ModuleList([L.nn.Linear(i + 1, i + 2) for i in range(n)])


def _ins(container):
    """The in_features of each Linear in a container (tells the layers apart)."""
    return [m.in_features for m in container]


def _keys(m):
    return list(m.state_dict())


def _sd(L, **kw):
    return _net(L).state_dict(**kw)


def _load(L, change, **kw):
    """load_state_dict into a fresh _net of its own state dict changed by `change`."""
    net = _net(L)
    sd = dict(net.state_dict())
    change(L, sd)
    return net.load_state_dict(sd, **kw)


def _grads(L, set_to_none):
    lin = L.nn.Linear(2, 1)
    lin(L.ones(1, 2)).sum().backward()
    held = lin.weight.grad
    lin.zero_grad(set_to_none=set_to_none)
    return [lin.weight.grad is None, lin.weight.grad is held, held.tolist()]


def _casted(L, method):
    class M(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = L.nn.Parameter(L.ones(2, dtype=L.float32))
            self.register_buffer("count", L.zeros(2, dtype=L.int64))
            self.register_buffer("mean", L.zeros(2, dtype=L.float32))
    m = M()
    out = method(m)
    return [out is m, m.w, m.count, m.mean]


def _hooked_state_dict(L):
    calls = []
    m = L.nn.Linear(2, 1)
    m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: calls.append(("pre", prefix, keep_vars)))
    m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: calls.append(("post", prefix, sorted(sd))))
    s = L.nn.Sequential(m)
    s.state_dict(prefix="p.")
    return calls


def _old_state_dict_hook(L):
    m = L.nn.Linear(2, 1)
    m._register_state_dict_hook(lambda mod, sd, prefix, meta: {k + "_x": v for k, v in sd.items()})
    return list(m.state_dict())


def _load_hooks(L):
    calls = []
    m = L.nn.Sequential(L.nn.Linear(2, 1))

    def pre(mod, sd, prefix, meta, strict, missing, unexpected, errors):
        calls.append(("pre", type(mod).__name__, prefix, strict))
        if prefix == "0." and "0.w" in sd:  # rename an old key
            sd["0.weight"] = sd.pop("0.w")

    def post(mod, keys):
        calls.append(("post", type(mod).__name__, list(keys.missing_keys), list(keys.unexpected_keys)))
    m.register_load_state_dict_pre_hook(pre)
    m[0].register_load_state_dict_pre_hook(pre)
    m.register_load_state_dict_post_hook(post)
    m[0].register_load_state_dict_post_hook(post)
    result = m.load_state_dict({"0.w": L.zeros(1, 2), "0.bias": L.zeros(1)})
    return calls, result, m[0].weight.tolist()


def _load_in_place(L):
    m = _net(L)
    old = m.fc.weight
    m.load_state_dict({k: v * 0 for k, v in m.state_dict().items()})
    return [m.fc.weight is old, m.fc.weight.tolist()[0]]


def _assign(L):
    m = L.nn.Linear(2, 1)
    old = m.weight
    new = L.ones(1, 2, dtype=L.float32)
    m.load_state_dict({"weight": new, "bias": L.zeros(1, dtype=L.float32)}, assign=True)
    return [m.weight is old, m.weight, m.weight.tolist(), m.weight.data_ptr() == new.data_ptr()]


def _apply_order(L):
    seen = []
    m = L.nn.Sequential(L.nn.Linear(1, 1), L.nn.Sequential(L.nn.ReLU(), L.nn.Tanh()))
    out = m.apply(lambda mod: seen.append(type(mod).__name__))
    return seen, out is m


def _training(L):
    m = L.nn.Sequential(L.nn.Dropout(), L.nn.Sequential(L.nn.Dropout()))
    states = [[mod.training for mod in m.modules()]]
    out = m.eval()
    states.append([mod.training for mod in m.modules()])
    m[1].train()
    states.append([mod.training for mod in m.modules()])
    return states, out is m


def _frozen(L):
    m = _net(L)
    out = m.requires_grad_(False)
    return out is m, [p.requires_grad for p in m.parameters()], [b.requires_grad for b in m.buffers()]


def _deepcopied(L):
    m = _tied(L)
    c = copy.deepcopy(m)
    return [c.a.weight is c.b.weight, c.a is c.c, c.a.weight is m.a.weight, isinstance(c.a.weight, L.nn.Parameter),
            _names(c.named_parameters()), c.a.weight.tolist() == m.a.weight.tolist()]


def _pickled(L):
    m = L.nn.Sequential(L.nn.Linear(2, 2), L.nn.BatchNorm1d(2)).eval()
    c = pickle.loads(pickle.dumps(m))
    return [_keys(c), isinstance(c[0].weight, L.nn.Parameter), c.training, c[0].weight.tolist() == m[0].weight.tolist()]


def _compiled(L):
    m = L.nn.Linear(2, 1)
    with torch.no_grad() if L is torch else tg.no_grad():
        m.weight.fill_(1.0)
        m.bias.fill_(0.5)
    result = m.compile(backend="eager") if L is torch else m.compile()
    return result, m(L.ones(1, 2)).tolist()


def _dir(m):
    names = dir(m)
    return [n for n in ("weight", "bias", "fc", "steps", "cache", "0", "1", "forward", "training") if n in names]


def _shared_module_twice(L):
    lin = L.nn.Linear(1, 1)
    seq = L.nn.Sequential(lin, lin)
    return [len(list(seq.modules())), len(list(seq.modules(remove_duplicate=False))),
            _names(seq.named_modules()), _names(seq.named_modules(remove_duplicate=False)),
            _names(seq.named_children()), len(list(seq.parameters())), _keys(seq)]


def _buffer_cls(L, persistent):
    m = L.nn.Module()
    m.x = L.nn.Buffer(L.ones(2), persistent=persistent)
    return [type(m.x).__name__, _names(m.named_buffers()), _keys(m), m.x]


def _param_holder(L, value):
    m = L.nn.Module()
    m.p = L.nn.Parameter(L.ones(2))
    m.p = value(L)
    return [m.p, _names(m.named_parameters()), _keys(m)]


def _seq_ops(L, op):
    s = _seq(L)
    out = op(L, s)
    return [out if not isinstance(out, (L.nn.Module, list)) or isinstance(out, list) else type(out).__name__,
            _ins(s), _keys(s)]


def _setattr_param_over_buffer(L):
    m = L.nn.Module()
    m.register_buffer("x", L.ones(1), persistent=False)
    m.x = L.nn.Parameter(L.ones(1))
    del m.x
    m.register_buffer("x", L.ones(1))
    return _keys(m)


def _plist(L):
    return L.nn.ParameterList([L.ones(2, 3), L.nn.Parameter(L.zeros(1), requires_grad=False)])


def _pdict(L, values):
    return L.nn.ParameterDict(values(L))


def _warn_scalar(L, convert):
    x = L.tensor([1.5], requires_grad=True)
    return convert(x)


def _warning_text(L, fn):
    """The messages of the warnings `fn` gives (torch's without its "(Triggered internally at
    ...)"), with warn-once warnings given every time."""
    before = L.is_warn_always_enabled()
    L.set_warn_always(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn()
    finally:
        L.set_warn_always(before)
    return [str(w.message).split(" (Triggered internally")[0] for w in caught]


def _set_grad(L, grad):
    x = L.zeros(2, requires_grad=True)
    x.grad = grad(L)
    return x.grad


def _set_data(L):
    x = L.zeros(2, requires_grad=True)
    x.data = L.tensor([1, 2])
    return [x, x.tolist()]


def _catch(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (the exception is the result)
        return e


def _sub(L):
    """Net(fc: Linear, seq: Sequential(Linear, ReLU)) with buffer 'steps'."""
    m = _net(L)
    m.seq = L.nn.Sequential(L.nn.Linear(1, 1), L.nn.ReLU())
    return m


R = Raises
P2 = ("P", "float32", [2], True)


def F64(*shape, grad=True, kind="P"):
    return (kind, "float64", list(shape), grad)


def F32(*shape, grad=True, kind="P"):
    return (kind, "float32", list(shape), grad)


NET_KEYS = ["steps", "fc.weight", "fc.bias", "out.weight", "out.bias"]  # (own buffers before the children)
LINEAR_REPR = "Linear(in_features=2, out_features=3, bias=True)"

ATTRIBUTES = {
    "assign_none_to_parameter": (lambda L: (lambda m: [m.bias, _names(m.named_parameters()), _keys(m)])(_then(L.nn.Linear(2, 2), lambda m: setattr(m, "bias", None))),
                                 [None, ["weight"], ["weight"]]),
    "assign_tensor_to_parameter": (lambda L: setattr(L.nn.Linear(2, 2), "weight", L.zeros(2, 2)), R(TypeError, "'weight'", "Parameter or None")),
    "assign_int_to_parameter": (lambda L: setattr(L.nn.Linear(2, 2), "weight", 3), R(TypeError, "'weight'")),
    "assign_int_to_module": (lambda L: setattr(_net(L), "fc", 3), R(TypeError, "'fc'", "Module or None")),
    "assign_none_to_module": (lambda L: (lambda m: [m.fc, _names(m.named_children()), _keys(m)])(_then(_net(L), lambda m: setattr(m, "fc", None))),
                              [None, ["act", "out"], ["steps", "out.weight", "out.bias"]]),
    "assign_int_to_buffer": (lambda L: setattr(_net(L), "steps", 3), R(TypeError, "'steps'", "Tensor or None")),
    "assign_tensor_to_buffer": (lambda L: (lambda m: [m.steps, _keys(m)])(_then(_net(L), lambda m: setattr(m, "steps", L.ones(4)))),
                                [F64(4, grad=False, kind="T"), NET_KEYS]),
    "assign_tensor_to_nonpersistent_buffer": (lambda L: (lambda m: [m.cache, _keys(m), _names(m.named_buffers())])(_then(_net(L), lambda m: setattr(m, "cache", L.ones(4)))),
                                              [F64(4, grad=False, kind="T"), NET_KEYS, ["steps", "cache"]]),
    "assign_none_to_buffer": (lambda L: (lambda m: [m.steps, _keys(m), _names(m.named_buffers())])(_then(_net(L), lambda m: setattr(m, "steps", None))),
                              [None, ["fc.weight", "fc.bias", "out.weight", "out.bias"], ["cache"]]),
    "module_replaces_parameter": (lambda L: _param_holder(L, lambda L: L.nn.ReLU()), R(TypeError, "as parameter 'p'")),
    "parameter_replaces_parameter": (lambda L: _param_holder(L, lambda L: L.nn.Parameter(L.zeros(3))), [F64(3), ["p"], ["p"]]),
    "none_replaces_parameter": (lambda L: _param_holder(L, lambda L: None), [None, [], []]),
    "parameter_replaces_plain_attribute": (lambda L: (lambda m: [_keys(m), m.x])(_then(_with(L, x=3), lambda m: setattr(m, "x", L.nn.Parameter(L.ones(1))))),
                                           [["x"], F64(1)]),
    "parameter_replaces_nonpersistent_buffer": (_setattr_param_over_buffer, ["x"]),
    "plain_tensor_attribute": (lambda L: (lambda m: [_keys(m), _names(m.named_buffers()), m.t])(_with(L, t=lambda L: L.ones(1))), [[], [], F64(1, grad=False, kind="T")]),
    "missing_attribute": (lambda L: L.nn.Linear(1, 1).foo, R(AttributeError, "'Linear' object has no attribute 'foo'")),
    "delete_parameter": (lambda L: (lambda m: [_names(m.named_parameters()), hasattr(m, "bias")])(_then(L.nn.Linear(1, 1), lambda m: delattr(m, "bias"))), [["weight"], False]),
    "delete_buffer": (lambda L: (lambda m: [_keys(m), hasattr(m, "steps")])(_then(_net(L), lambda m: delattr(m, "steps"))), [["fc.weight", "fc.bias", "out.weight", "out.bias"], False]),
    "delete_module": (lambda L: (lambda m: [_names(m.named_children()), hasattr(m, "act")])(_then(_net(L), lambda m: delattr(m, "act"))), [["fc", "out"], False]),
    "delete_missing": (lambda L: delattr(L.nn.Module(), "nothing"), R(AttributeError, "nothing")),
    "plain_before_init": (lambda L: type("M", (L.nn.Module,), {"__init__": lambda self: (setattr(self, "n", 3), L.nn.Module.__init__(self))[1]})().n, 3),
    "parameter_before_init": (lambda L: type("M", (L.nn.Module,), {"__init__": lambda self: setattr(self, "w", L.nn.Parameter(L.ones(1)))})(), R(AttributeError, "before Module.__init__()")),
    "module_before_init": (lambda L: type("M", (L.nn.Module,), {"__init__": lambda self: setattr(self, "fc", L.nn.ReLU())})(), R(AttributeError, "before Module.__init__()")),
    "dir_linear": (lambda L: _dir(L.nn.Linear(1, 1)), ["weight", "bias", "forward", "training"]),
    "dir_net": (lambda L: _dir(_net(L)), ["fc", "steps", "cache", "forward", "training"]),
    "dir_sequential_hides_numbers": (lambda L: _dir(_seq(L)), ["forward", "training"]),
    "dir_sorted": (lambda L: (lambda d: d == sorted(d))(dir(_net(L))), True),
}

REGISTRATION = {
    "register_parameter_dot": (lambda L: _mod(L).register_parameter("a.b", None), R(KeyError, 'parameter name can\'t contain "."')),
    "register_parameter_empty": (lambda L: _mod(L).register_parameter("", None), R(KeyError, 'parameter name can\'t be empty string ""')),
    "register_parameter_not_str": (lambda L: _mod(L).register_parameter(1, None), R(TypeError, "parameter name should be a string")),
    "register_parameter_exists": (lambda L: _with(L, x=3).register_parameter("x", None), R(KeyError, "attribute 'x' already exists")),
    "register_parameter_method_name": (lambda L: _mod(L).register_parameter("forward", None), R(KeyError, "attribute 'forward' already exists")),
    "register_parameter_over_buffer": (lambda L: _net(L).register_parameter("steps", None), R(KeyError, "attribute 'steps' already exists")),
    "register_parameter_tensor": (lambda L: _mod(L).register_parameter("x", L.ones(1)), R(TypeError, "'x'", "Parameter or None")),
    "register_parameter_again": (lambda L: (lambda m: [_keys(m), m.weight])(_then(L.nn.Linear(1, 1), lambda m: m.register_parameter("weight", L.nn.Parameter(L.ones(2))))), [["weight", "bias"], F64(2)]),
    "register_parameter_none": (lambda L: (lambda m: [m.x, _keys(m), list(m._parameters)])(_then(_mod(L), lambda m: m.register_parameter("x", None))), [None, [], ["x"]]),
    "register_buffer_dot": (lambda L: _mod(L).register_buffer("a.b", None), R(KeyError, 'buffer name can\'t contain "."')),
    "register_buffer_empty": (lambda L: _mod(L).register_buffer("", None), R(KeyError, 'buffer name can\'t be empty string ""')),
    "register_buffer_not_str": (lambda L: _mod(L).register_buffer(1, None), R(TypeError, "buffer name should be a string")),
    "register_buffer_exists": (lambda L: _with(L, x=3).register_buffer("x", None), R(KeyError, "attribute 'x' already exists")),
    "register_buffer_over_parameter": (lambda L: L.nn.Linear(1, 1).register_buffer("bias", None), R(KeyError, "attribute 'bias' already exists")),
    "register_buffer_not_tensor": (lambda L: _mod(L).register_buffer("x", [1.0]), R(TypeError, "'x'")),
    "register_buffer_again": (lambda L: (lambda m: [_keys(m), m.steps])(_then(_net(L), lambda m: m.register_buffer("steps", L.ones(3)))), [NET_KEYS, F64(3, grad=False, kind="T")]),
    "register_buffer_nonpersistent_again": (lambda L: _keys(_then(_net(L), lambda m: m.register_buffer("steps", L.ones(3), persistent=False))), ["fc.weight", "fc.bias", "out.weight", "out.bias"]),
    "register_buffer_none": (lambda L: (lambda m: [m.x, _keys(m), _names(m.named_buffers())])(_then(_mod(L), lambda m: m.register_buffer("x", None))), [None, [], []]),
    "add_module_dot": (lambda L: _mod(L).add_module("a.b", None), R(KeyError, 'module name can\'t contain ".", got: a.b')),
    "add_module_empty": (lambda L: _mod(L).add_module("", None), R(KeyError, 'module name can\'t be empty string ""')),
    "add_module_not_str": (lambda L: _mod(L).add_module(1, None), R(TypeError, "module name should be a string")),
    "add_module_exists": (lambda L: _with(L, x=3).add_module("x", None), R(KeyError, "attribute 'x' already exists")),
    "add_module_not_module": (lambda L: _mod(L).add_module("x", 3), R(TypeError, "int is not a Module subclass")),
    "add_module_again": (lambda L: _names(_then(_net(L), lambda m: m.add_module("fc", L.nn.Tanh())).named_children()), ["fc", "act", "out"]),
    "register_module_alias": (lambda L: _names(_then(_mod(L), lambda m: m.register_module("r", L.nn.ReLU())).named_children()), ["r"]),
    "buffer_class_persistent": (lambda L: _buffer_cls(L, True), ["Tensor", ["x"], ["x"], F64(2, grad=False, kind="T")]),
    "buffer_class_nonpersistent": (lambda L: _buffer_cls(L, False), ["Tensor", ["x"], [], F64(2, grad=False, kind="T")]),
    "buffer_class_isinstance": (lambda L: [isinstance(L.nn.Buffer(L.ones(1)), L.nn.Buffer), isinstance(L.ones(1), L.nn.Buffer)], [True, False]),
}

PATHS = {
    "get_submodule": (lambda L: _sub(L).get_submodule("seq.0"), "<Linear>"),
    "get_submodule_self": (lambda L: _sub(L).get_submodule(""), "<Net>"),
    "get_submodule_missing": (lambda L: _sub(L).get_submodule("seq.5"), R(AttributeError, "Sequential has no attribute `5`")),
    "get_submodule_not_module": (lambda L: _sub(L).get_submodule("fc.weight"), R(AttributeError, "`weight` is not an nn.Module")),
    "get_parameter": (lambda L: _sub(L).get_parameter("seq.0.bias"), F64(1)),
    "get_parameter_missing": (lambda L: _sub(L).get_parameter("fc.nothing"), R(AttributeError, "Linear has no attribute `nothing`")),
    "get_parameter_not_parameter": (lambda L: _sub(L).get_parameter("steps"), R(AttributeError, "`steps` is not an nn.Parameter")),
    "get_parameter_bad_module": (lambda L: _sub(L).get_parameter("nothing.weight"), R(AttributeError, "has no attribute `nothing`")),
    "get_buffer": (lambda L: _sub(L).get_buffer("cache"), F64(2, grad=False, kind="T")),
    "get_buffer_not_buffer": (lambda L: _sub(L).get_buffer("fc.weight"), R(AttributeError, "`weight` is not a buffer")),
    "get_buffer_missing": (lambda L: _sub(L).get_buffer("fc.nothing"), R(AttributeError, "Linear has no attribute `nothing`")),
    "set_submodule": (lambda L: _names(_then(_sub(L), lambda m: m.set_submodule("seq.1", L.nn.Tanh())).named_modules()), ["", "fc", "act", "out", "seq", "seq.0", "seq.1"]),
    "set_submodule_new": (lambda L: _names(_then(_sub(L), lambda m: m.set_submodule("seq.new", L.nn.Tanh())).named_modules())[-1], "seq.new"),
    "set_submodule_new_strict": (lambda L: _sub(L).set_submodule("seq.new", L.nn.Tanh(), strict=True), R(AttributeError, "has no attribute `new`")),
    "set_submodule_empty": (lambda L: _sub(L).set_submodule("", L.nn.Tanh()), R(ValueError, "Cannot set the submodule without a target name")),
    "set_submodule_not_module": (lambda L: _sub(L).set_submodule("fc", 3), R(ValueError, "is not an nn.Module")),
    "set_submodule_over_parameter": (lambda L: _sub(L).set_submodule("fc.weight", L.nn.Tanh()), R(AttributeError, "`weight` is not an nn.Module")),
}

WALKING = {
    "named_parameters": (lambda L: _names(_net(L).named_parameters()), ["fc.weight", "fc.bias", "out.weight", "out.bias"]),
    "named_parameters_prefix": (lambda L: _names(_net(L).named_parameters(prefix="m")), ["m.fc.weight", "m.fc.bias", "m.out.weight", "m.out.bias"]),
    "named_parameters_not_recursive": (lambda L: _names(L.nn.Sequential(L.nn.Linear(1, 1)).named_parameters(recurse=False)), []),
    "named_parameters_tied": (lambda L: _names(_tied(L).named_parameters()), ["a.weight", "a.bias", "b.bias"]),
    "named_parameters_tied_all": (lambda L: _names(_tied(L).named_parameters(remove_duplicate=False)), ["a.weight", "a.bias", "b.weight", "b.bias", "c.weight", "c.bias"]),
    "parameters_tied_count": (lambda L: len(list(_tied(L).parameters())), 3),
    "parameters_order": (lambda L: [list(p.shape) for p in _net(L).parameters()], [[3, 2], [3], [1, 3], [1]]),
    "parameters_not_recursive": (lambda L: [list(p.shape) for p in L.nn.Linear(2, 3).parameters(recurse=False)], [[3, 2], [3]]),
    "named_buffers": (lambda L: _names(_sub(L).named_buffers()), ["steps", "cache"]),
    "named_buffers_prefix": (lambda L: _names(L.nn.Sequential(_net(L)).named_buffers(prefix="x")), ["x.0.steps", "x.0.cache"]),
    "named_buffers_not_recursive": (lambda L: _names(L.nn.Sequential(_net(L)).named_buffers(recurse=False)), []),
    "named_modules": (lambda L: _names(_sub(L).named_modules()), ["", "fc", "act", "out", "seq", "seq.0", "seq.1"]),
    "named_modules_prefix": (lambda L: _names(_sub(L).named_modules(prefix="root"))[:2], ["root", "root.fc"]),
    "named_modules_tied": (lambda L: _names(_tied(L).named_modules()), ["", "a", "b"]),
    "named_modules_tied_all": (lambda L: _names(_tied(L).named_modules(remove_duplicate=False)), ["", "a", "b", "c"]),
    "named_children": (lambda L: _names(_sub(L).named_children()), ["fc", "act", "out", "seq"]),
    "named_children_tied": (lambda L: _names(_tied(L).named_children()), ["a", "b"]),
    "children": (lambda L: list(_sub(L).children()), ["<Linear>", "<ReLU>", "<Linear>", "<Sequential>"]),
    "modules_twice": (_shared_module_twice, [2, 3, ["", "0"], ["", "0", "1"], ["0"], 2, ["0.weight", "0.bias", "1.weight", "1.bias"]]),
    "modules_with_none_child": (lambda L: _names(_then(_net(L), lambda m: setattr(m, "act", None)).named_modules()), ["", "fc", "out"]),
    "apply_order": (_apply_order, (["Linear", "ReLU", "Tanh", "Sequential", "Sequential"], True)),
}

STATE = {
    "state_dict": (lambda L: _sd(L), ("OrderedDict", [("steps", F64(1, grad=False, kind="T")), ("fc.weight", F64(3, 2, grad=False, kind="T")), ("fc.bias", F64(3, grad=False, kind="T")), ("out.weight", F64(1, 3, grad=False, kind="T")), ("out.bias", F64(1, grad=False, kind="T"))])),
    "state_dict_keep_vars": (lambda L: list(_sd(L, keep_vars=True).values())[:3], [F64(1, grad=False, kind="T"), F64(3, 2), F64(3)]),
    "state_dict_prefix": (lambda L: list(_sd(L, prefix="net."))[:2], ["net.steps", "net.fc.weight"]),
    "state_dict_destination": (lambda L: (lambda d: [d is _sd, list(d)])(_sd(L, destination={"x": 1}, prefix="p.")), [False, ["x", "p.steps", "p.fc.weight", "p.fc.bias", "p.out.weight", "p.out.bias"]]),
    "state_dict_destination_is_returned": (lambda L: (lambda d: _net(L).state_dict(destination=d) is d)(collections.OrderedDict()), True),
    "state_dict_positional": (lambda L: list(_net(L).state_dict(None, "p."))[:1], ["p.steps"]),
    "state_dict_shares_memory": (lambda L: (lambda m: m.state_dict()["fc.weight"].data_ptr() == m.fc.weight.data_ptr())(_net(L)), True),
    "state_dict_metadata": (lambda L: (lambda sd: [hasattr(sd, "_metadata"), sorted(sd._metadata) if hasattr(sd, "_metadata") else None])(_sd(L)), [True, ["", "act", "fc", "out"]]),
    "state_dict_metadata_version": (lambda L: _sd(L)._metadata["fc"], {"version": 1}),
    "state_dict_tied": (lambda L: _keys(_tied(L)), ["a.weight", "a.bias", "b.weight", "b.bias", "c.weight", "c.bias"]),
    "state_dict_hooks": (_hooked_state_dict, [("pre", "p.0.", False), ("post", "p.0.", ["p.0.bias", "p.0.weight"])]),
    "state_dict_old_hook": (_old_state_dict_hook, ["weight_x", "bias_x"]),
    "load_all_keys": (lambda L: _load(L, lambda L, sd: None), ("IncompatibleKeys", ([], []))),
    "load_repr": (lambda L: repr(_load(L, lambda L, sd: None)), "<All keys matched successfully>"),
    "load_missing_strict": (lambda L: _load(L, lambda L, sd: sd.pop("steps")), R(RuntimeError, "Error(s) in loading state_dict for Net", 'Missing key(s) in state_dict: "steps"')),
    "load_unexpected_strict": (lambda L: _load(L, lambda L, sd: sd.update(extra=L.ones(1))), R(RuntimeError, "Error(s) in loading state_dict for Net", 'Unexpected key(s) in state_dict: "extra"')),
    "load_size_mismatch": (lambda L: _load(L, lambda L, sd: sd.update(steps=L.ones(2))), R(RuntimeError, "size mismatch for steps", "copying a param with shape", "the shape in current model is")),
    "load_size_mismatch_not_strict": (lambda L: _load(L, lambda L, sd: sd.update(steps=L.ones(2)), strict=False), R(RuntimeError, "size mismatch for steps")),
    "load_not_strict": (lambda L: _load(L, lambda L, sd: (sd.pop("steps"), sd.pop("fc.bias"), sd.update(extra=L.ones(1), more=L.ones(1))), strict=False),
                        ("IncompatibleKeys", (["steps", "fc.bias"], ["extra", "more"]))),
    "load_not_strict_fields": (lambda L: (lambda r: [r.missing_keys, r.unexpected_keys, list(r._fields)])(_load(L, lambda L, sd: sd.pop("out.bias"), strict=False)), [["out.bias"], [], ["missing_keys", "unexpected_keys"]]),
    "load_not_strict_repr": (lambda L: repr(_load(L, lambda L, sd: sd.pop("out.bias"), strict=False)), "_IncompatibleKeys(missing_keys=['out.bias'], unexpected_keys=[])"),
    "load_nonpersistent_is_unexpected": (lambda L: _load(L, lambda L, sd: sd.update(cache=L.ones(2)), strict=False), ("IncompatibleKeys", ([], ["cache"]))),
    "load_not_mapping": (lambda L: _net(L).load_state_dict([1, 2]), R(TypeError, "Expected state_dict to be dict-like, got")),
    "load_copies_in_place": (_load_in_place, [True, [0.0, 0.0]]),
    "load_assign": (_assign, [False, F32(1, 2), [[1.0, 1.0]], True]),
    "load_hooks": (_load_hooks, ([("pre", "Sequential", "", True), ("pre", "Linear", "0.", True), ("post", "Linear", [], []), ("post", "Sequential", [], [])],
                                 ("IncompatibleKeys", ([], [])), [[0.0, 0.0]])),
}

CONVERSION = {
    "zero_grad_none": (lambda L: _grads(L, True), [True, False, [[1.0, 1.0]]]),
    "zero_grad_in_place": (lambda L: _grads(L, False), [False, True, [[0.0, 0.0]]]),
    "train_eval": (_training, ([[True, True, True, True], [False, False, False, False], [False, False, True, True]], True)),
    "train_not_bool": (lambda L: L.nn.Linear(1, 1).train("yes"), R(ValueError, "training mode is expected to be boolean")),
    "requires_grad_": (_frozen, (True, [False] * 4, [False, False])),
    "double": (lambda L: _casted(L, lambda m: m.double()), [True, F64(2), ("T", "int64", [2], False), F64(2, grad=False, kind="T")]),
    "half": (lambda L: _casted(L, lambda m: m.half()), [True, ("P", "float16", [2], True), ("T", "int64", [2], False), ("T", "float16", [2], False)]),
    "float": (lambda L: _casted(L, lambda m: m.double().float()), [True, F32(2), ("T", "int64", [2], False), F32(2, grad=False, kind="T")]),
    "to_dtype": (lambda L: _casted(L, lambda m: m.to(L.float64)), [True, F64(2), ("T", "int64", [2], False), F64(2, grad=False, kind="T")]),
    "to_dtype_keyword": (lambda L: _casted(L, lambda m: m.to(dtype=L.float64)), [True, F64(2), ("T", "int64", [2], False), F64(2, grad=False, kind="T")]),
    "to_int_dtype": (lambda L: _casted(L, lambda m: m.to(L.int32)), R(TypeError, "nn.Module.to only accepts floating point or complex dtypes")),
    "to_tensor": (lambda L: _casted(L, lambda m: m.to(L.zeros(1, dtype=L.float64))), [True, F64(2), ("T", "int64", [2], False), F64(2, grad=False, kind="T")]),
    "type_double": (lambda L: _casted(L, lambda m: m.type(L.float64)), [True, F64(2), ("T", "float64", [2], False), F64(2, grad=False, kind="T")]),
    "grad_follows_double": (lambda L: (lambda m: (m(L.ones(1, 1, dtype=L.float32)).sum().backward(), m.double(), m.weight.grad)[2])(L.nn.Linear(1, 1).float()), ("T", "float64", [1, 1], False)),
    "same_objects_after_to": (lambda L: (lambda m, w: m.double().weight is w)(*(lambda m: (m, m.weight))(L.nn.Linear(1, 1))), True),
    "share_memory": (lambda L: (lambda m: m.share_memory() is m)(L.nn.Linear(1, 1)), True),
    "compile": (_compiled, (None, [[2.5]])),
    "deepcopy_tied": (_deepcopied, [True, True, False, True, ["a.weight", "a.bias", "b.bias"], True]),
    "pickle": (_pickled, [["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"], True, False, True]),
}

REPRS = {
    "linear": (lambda L: repr(L.nn.Linear(2, 3)), LINEAR_REPR),
    "empty_module": (lambda L: repr(L.nn.Module()), "Module()"),
    "nested": (lambda L: repr(_sub(L)), "Net(\n  (fc): Linear(in_features=2, out_features=3, bias=True)\n  (act): ReLU()\n  (out): Linear(in_features=3, out_features=1, bias=True)\n  (seq): Sequential(\n    (0): Linear(in_features=1, out_features=1, bias=True)\n    (1): ReLU()\n  )\n)"),
    "none_child": (lambda L: repr(_then(_net(L), lambda m: setattr(m, "act", None))), "Net(\n  (fc): Linear(in_features=2, out_features=3, bias=True)\n  (act): None\n  (out): Linear(in_features=3, out_features=1, bias=True)\n)"),
    "extra_and_children": (lambda L: repr(type("E", (L.nn.Module,), {"extra_repr": lambda self: "a=1\nb=2", "__init__": lambda self: (L.nn.Module.__init__(self), setattr(self, "r", L.nn.ReLU()))[0]})()), "E(\n  a=1\n  b=2\n  (r): ReLU()\n)"),
    "extra_multiline_alone": (lambda L: repr(type("E", (L.nn.Module,), {"extra_repr": lambda self: "a=1\nb=2"})()), "E(\n  a=1\n  b=2\n)"),
    "sequential_not_collapsed": (lambda L: repr(L.nn.Sequential(L.nn.ReLU(), L.nn.ReLU())), "Sequential(\n  (0): ReLU()\n  (1): ReLU()\n)"),
    "sequential_empty": (lambda L: repr(L.nn.Sequential()), "Sequential()"),
    "sequential_named": (lambda L: repr(L.nn.Sequential(collections.OrderedDict(a=L.nn.ReLU()))), "Sequential(\n  (a): ReLU()\n)"),
    "modulelist_collapsed": (lambda L: repr(L.nn.ModuleList([L.nn.Linear(2, 3) for _ in range(4)] + [L.nn.ReLU()])), f"ModuleList(\n  (0-3): 4 x {LINEAR_REPR}\n  (4): ReLU()\n)"),
    "modulelist_nested_collapsed": (lambda L: repr(L.nn.ModuleList([L.nn.Sequential(L.nn.ReLU(), L.nn.Tanh()) for _ in range(2)])), "ModuleList(\n  (0-1): 2 x Sequential(\n    (0): ReLU()\n    (1): Tanh()\n  )\n)"),
    "modulelist_empty": (lambda L: repr(L.nn.ModuleList()), "ModuleList()"),
    "modulelist_in_module": (lambda L: repr(_with(L, layers=lambda L: L.nn.ModuleList([L.nn.ReLU(), L.nn.ReLU()]))), "Module(\n  (layers): ModuleList(\n    (0-1): 2 x ReLU()\n  )\n)"),
    "moduledict": (lambda L: repr(L.nn.ModuleDict({"b": L.nn.ReLU(), "a": L.nn.Tanh()})), "ModuleDict(\n  (b): ReLU()\n  (a): Tanh()\n)"),
    "parameterlist": (lambda L: repr(_plist(L)), "ParameterList(\n    (0): Parameter containing: [float64 of size 2x3]\n    (1): Parameter containing: [float64 of size 1]\n)"),
    "parameterlist_one": (lambda L: repr(L.nn.ParameterList([L.ones(2)])), "ParameterList(  (0): Parameter containing: [float64 of size 2])"),
    "parameterlist_scalar": (lambda L: repr(L.nn.ParameterList([L.ones(()), L.ones(1)])), "ParameterList(\n    (0): Parameter containing: [float64 of size ]\n    (1): Parameter containing: [float64 of size 1]\n)"),
    "parameterlist_empty": (lambda L: repr(L.nn.ParameterList()), "ParameterList()"),
    "parameterdict_one": (lambda L: repr(L.nn.ParameterDict({"a": L.ones(2, 3)})), "ParameterDict(  (a): Parameter containing: [DoubleTensor of size 2x3])"),
    "parameterdict_two": (lambda L: repr(L.nn.ParameterDict({"a": L.ones(2, 3), "b": L.ones(1, dtype=L.float32)})), "ParameterDict(\n    (a): Parameter containing: [DoubleTensor of size 2x3]\n    (b): Parameter containing: [FloatTensor of size 1]\n)"),
    "parameterdict_in_module": (lambda L: repr(_with(L, p=lambda L: L.nn.ParameterDict({"a": L.ones(2), "b": L.ones(2)}))), "Module(\n  (p): ParameterDict(\n      (a): Parameter containing: [DoubleTensor of size 2]\n      (b): Parameter containing: [DoubleTensor of size 2]\n  )\n)"),
    "parameter": (lambda L: repr(L.nn.Parameter(L.tensor([1.0, 2.0]))), "Parameter containing:\ntensor([1., 2.], requires_grad=True)"),
    "parameter_no_grad": (lambda L: repr(L.nn.Parameter(L.tensor([1.0, 2.0]), requires_grad=False)), "Parameter containing:\ntensor([1., 2.])"),
    "parameter_float32": (lambda L: repr(L.nn.Parameter(L.tensor([1.0], dtype=L.float32))), "Parameter containing:\ntensor([1.], dtype=float32, requires_grad=True)"),
}

CONTAINERS = {
    "sequential_slice": (lambda L: (lambda s: [type(s).__name__, _ins(s), _names(s.named_children())])(_seq(L)[1:]), ["Sequential", [2, 3], ["1", "2"]]),
    "sequential_negative": (lambda L: _seq(L)[-1].in_features, 3),
    "sequential_out_of_range": (lambda L: _seq(L)[3], R(IndexError, "index 3 is out of range")),
    "sequential_bad_index": (lambda L: _seq(L)["0"], R(TypeError)),
    "sequential_setitem": (lambda L: _seq_ops(L, lambda L, s: s.__setitem__(-1, L.nn.Linear(9, 9))), [None, [1, 2, 9], ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]]),
    "sequential_setitem_not_module": (lambda L: _seq(L).__setitem__(0, 3), R(TypeError, "'0'")),
    "sequential_delitem": (lambda L: _seq_ops(L, lambda L, s: s.__delitem__(0)), [None, [2, 3], ["0.weight", "0.bias", "1.weight", "1.bias"]]),
    "sequential_delitem_slice": (lambda L: _seq_ops(L, lambda L, s: s.__delitem__(slice(0, 2))), [None, [3], ["0.weight", "0.bias"]]),
    "sequential_append": (lambda L: _seq_ops(L, lambda L, s: s.append(L.nn.Linear(7, 1)) is s), [True, [1, 2, 3, 7], [f"{i}.{n}" for i in range(4) for n in ("weight", "bias")]]),
    "sequential_extend": (lambda L: _seq_ops(L, lambda L, s: s.extend([L.nn.Linear(7, 1)]) is s), [True, [1, 2, 3, 7], [f"{i}.{n}" for i in range(4) for n in ("weight", "bias")]]),
    "sequential_insert": (lambda L: _seq_ops(L, lambda L, s: s.insert(1, L.nn.Linear(7, 1)) is s), [True, [1, 7, 2, 3], [f"{i}.{n}" for i in range(4) for n in ("weight", "bias")]]),
    "sequential_insert_negative": (lambda L: _ins(_seq(L).insert(-1, L.nn.Linear(7, 1))), [1, 2, 7, 3]),
    "sequential_insert_end": (lambda L: _ins(_seq(L).insert(3, L.nn.Linear(7, 1))), [1, 2, 3, 7]),
    "sequential_insert_out_of_range": (lambda L: _seq(L).insert(5, L.nn.Linear(7, 1)), R(IndexError, "out of range")),
    "sequential_pop": (lambda L: _seq_ops(L, lambda L, s: s.pop(1).in_features), [2, [1, 3], ["0.weight", "0.bias", "1.weight", "1.bias"]]),
    "sequential_pop_slice": (lambda L: (lambda s: [type(s.pop(slice(1, None))).__name__, _ins(s)])(_seq(L)), ["Sequential", [1]]),
    "sequential_add": (lambda L: (lambda s: [type(s).__name__, _ins(s)])(_seq(L, 2) + _seq(L, 1)), ["Sequential", [1, 2, 1]]),
    "sequential_add_list": (lambda L: _seq(L) + [L.nn.ReLU()], R(ValueError, "add operator supports only objects of Sequential class")),
    "sequential_iadd": (lambda L: (lambda s: (s.__iadd__(_seq(L, 1)), _ins(s))[1])(_seq(L, 2)), [1, 2, 1]),
    "sequential_mul": (lambda L: (lambda s: [_ins(s * 2), _ins(2 * s), (s * 2)[0] is s[0], len(list((s * 2).parameters()))])(_seq(L, 2)), [[1, 2, 1, 2], [1, 2, 1, 2], True, 4]),
    "sequential_mul_zero": (lambda L: _seq(L) * 0, R(ValueError, "Non-positive multiplication factor 0")),
    "sequential_mul_float": (lambda L: _seq(L) * 1.5, R(TypeError, "unsupported operand type(s) for *")),
    "sequential_imul": (lambda L: (lambda s: (s.__imul__(2), _ins(s))[1])(_seq(L, 2)), [1, 2, 1, 2]),
    "sequential_len_iter": (lambda L: (lambda s: [len(s), [type(m).__name__ for m in s]])(_seq(L)), [3, ["Linear"] * 3]),
    "sequential_from_ordered_dict": (lambda L: _names(L.nn.Sequential(collections.OrderedDict(a=L.nn.ReLU(), b=L.nn.Tanh())).named_children()), ["a", "b"]),
    "sequential_forward": (lambda L: L.nn.Sequential(L.nn.ReLU(), L.nn.Tanh())(L.tensor([-1.0, 0.0])).tolist(), [0.0, 0.0]),
    "sequential_not_module": (lambda L: L.nn.Sequential(3), R(TypeError, "is not a Module subclass")),
    "modulelist_slice": (lambda L: (lambda s: [type(s).__name__, _ins(s), _names(s.named_children())])(_mlist(L)[1:]), ["ModuleList", [2, 3], ["0", "1"]]),
    "modulelist_negative": (lambda L: _mlist(L)[-3].in_features, 1),
    "modulelist_out_of_range": (lambda L: _mlist(L)[-4], R(IndexError, "index -4 is out of range")),
    "modulelist_setitem": (lambda L: (lambda s: (s.__setitem__(-1, L.nn.Linear(9, 9)), _ins(s))[1])(_mlist(L)), [1, 2, 9]),
    "modulelist_setitem_out_of_range": (lambda L: _mlist(L).__setitem__(3, L.nn.ReLU()), R(IndexError, "index 3 is out of range")),
    "modulelist_delitem": (lambda L: (lambda s: (s.__delitem__(1), _ins(s), _keys(s))[1:])(_mlist(L)), ([1, 3], ["0.weight", "0.bias", "1.weight", "1.bias"])),
    "modulelist_delitem_slice": (lambda L: (lambda s: (s.__delitem__(slice(None, None, 2)), _ins(s), _keys(s))[1:])(_mlist(L)), ([2], ["0.weight", "0.bias"])),
    "modulelist_append": (lambda L: (lambda s: [s.append(L.nn.ReLU()) is s, len(s)])(_mlist(L)), [True, 4]),
    "modulelist_extend": (lambda L: (lambda s: [s.extend(_mlist(L, 2)) is s, _ins(s)])(_mlist(L)), [True, [1, 2, 3, 1, 2]]),
    "modulelist_extend_not_iterable": (lambda L: _mlist(L).extend(3), R(TypeError, "ModuleList.extend should be called with an iterable, but got int")),
    "modulelist_iadd": (lambda L: (lambda s: (s.__iadd__(_mlist(L, 1)), _ins(s))[1])(_mlist(L, 2)), [1, 2, 1]),
    "modulelist_add": (lambda L: (lambda s: [type(s).__name__, _ins(s)])(_mlist(L, 2) + _mlist(L, 1)), ["ModuleList", [1, 2, 1]]),
    "modulelist_add_list": (lambda L: _ins(_mlist(L, 1) + [L.nn.Linear(5, 1)]), [1, 5]),
    "modulelist_insert": (lambda L: (lambda s: (s.insert(0, L.nn.Linear(7, 1)), _ins(s), _keys(s)[:2])[1:])(_mlist(L)), ([7, 1, 2, 3], ["0.weight", "0.bias"])),
    "modulelist_insert_returns_none": (lambda L: _mlist(L).insert(1, L.nn.ReLU()), None),
    "modulelist_pop": (lambda L: (lambda s: [s.pop(0).in_features, _ins(s), _keys(s)[:2]])(_mlist(L)), [1, [2, 3], ["0.weight", "0.bias"]]),
    "modulelist_pop_negative": (lambda L: (lambda s: [s.pop(-1).in_features, _ins(s)])(_mlist(L)), [3, [1, 2]]),
    "modulelist_forward": (lambda L: _mlist(L)(L.ones(1)), R(NotImplementedError)),
    "modulelist_contains": (lambda L: (lambda s: [s[0] in s, L.nn.ReLU() in s])(_mlist(L)), [True, False]),
    "moduledict_order": (lambda L: list(L.nn.ModuleDict({"b": L.nn.ReLU(), "a": L.nn.Tanh()}).keys()), ["b", "a"]),
    "moduledict_pairs": (lambda L: list(L.nn.ModuleDict([("b", L.nn.ReLU()), ["a", L.nn.Tanh()]]).keys()), ["b", "a"]),
    "moduledict_update": (lambda L: (lambda d: (d.update({"c": L.nn.ReLU(), "a": L.nn.ReLU()}), list(d.items()))[1])(L.nn.ModuleDict({"b": L.nn.Tanh(), "a": L.nn.Tanh()})), [("b", "<Tanh>"), ("a", "<ReLU>"), ("c", "<ReLU>")]),
    "moduledict_update_not_iterable": (lambda L: L.nn.ModuleDict().update(3), R(TypeError, "ModuleDict.update should be called with an iterable of key/value pairs, but got int")),
    "moduledict_update_bad_pair": (lambda L: L.nn.ModuleDict().update([("a", L.nn.ReLU(), 1)]), R(ValueError, "ModuleDict update sequence element #0 has length 3; 2 is required")),
    "moduledict_update_not_pair": (lambda L: L.nn.ModuleDict().update([3]), R(TypeError, "ModuleDict update sequence element #0 should be Iterable")),
    "moduledict_pop": (lambda L: (lambda d: [d.pop("a"), list(d), _keys(d)])(L.nn.ModuleDict({"a": L.nn.Linear(1, 1), "b": L.nn.ReLU()})), ["<Linear>", ["b"], []]),
    "moduledict_pop_missing": (lambda L: L.nn.ModuleDict().pop("a"), R(KeyError, "a")),
    "moduledict_getitem_missing": (lambda L: L.nn.ModuleDict()["a"], R(KeyError, "a")),
    "moduledict_in": (lambda L: (lambda d: ["a" in d, "z" in d, len(d), list(d)])(L.nn.ModuleDict({"a": L.nn.ReLU()})), [True, False, 1, ["a"]]),
    "moduledict_values": (lambda L: list(L.nn.ModuleDict({"a": L.nn.ReLU()}).values()), ["<ReLU>"]),
    "moduledict_clear": (lambda L: (lambda d: (d.clear(), len(d), list(d.named_children()))[1:])(L.nn.ModuleDict({"a": L.nn.ReLU()})), (0, [])),
    "moduledict_dot_key": (lambda L: L.nn.ModuleDict({"a.b": L.nn.ReLU()}), R(KeyError, "can't contain")),
    "moduledict_setitem_not_module": (lambda L: L.nn.ModuleDict().__setitem__("a", 3), R(TypeError, "is not a Module subclass")),
    "moduledict_del": (lambda L: (lambda d: (d.__delitem__("a"), list(d), hasattr(d, "a"))[1:])(L.nn.ModuleDict({"a": L.nn.ReLU()})), ([], False)),
    "parameterlist_values": (lambda L: list(_plist(L)), [F64(2, 3), F64(1, grad=False)]),
    "parameterlist_append_tensor": (lambda L: (lambda p: [p.append(L.zeros(2)) is p, p[-1], _keys(p)])(_plist(L)), [True, F64(2), ["0", "1", "2"]]),
    "parameterlist_append_no_grad_tensor": (lambda L: L.nn.ParameterList([L.zeros(2, requires_grad=False)])[0], F64(2)),
    "parameterlist_int_tensor": (lambda L: L.nn.ParameterList([L.zeros(2, dtype=L.int64)]), R(RuntimeError, "Only Tensors of floating point")),
    "parameterlist_slice": (lambda L: (lambda p: [type(p).__name__, list(p)])(_plist(L)[1:]), ["ParameterList", [F64(1, grad=False)]]),
    "parameterlist_setitem": (lambda L: (lambda p: (p.__setitem__(0, L.ones(4)), list(p))[1])(_plist(L)), [F64(4), F64(1, grad=False)]),
    "parameterlist_iadd": (lambda L: (lambda p: (p.__iadd__([L.ones(1)]), len(p))[1])(_plist(L)), 3),
    "parameterlist_extend_tensor": (lambda L: _plist(L).extend(L.ones(2)), R(TypeError, "ParameterList.extend should be called with an iterable, but got Tensor")),
    "parameterlist_out_of_range": (lambda L: _plist(L)[2], R(IndexError, "index 2 is out of range")),
    "parameterlist_call": (lambda L: _plist(L)(), R(RuntimeError, "ParameterList should not be called.")),
    "parameterlist_objects": (lambda L: (lambda p: [p[0], p[1], _keys(p), repr(p)])(L.nn.ParameterList([1, "a"])), [1, "a", [], "ParameterList(\n    (0): Object of type: int\n    (1): Object of type: str\n)"]),
    "parameterlist_state_dict": (lambda L: _keys(_with(L, ps=_plist)), ["ps.0", "ps.1"]),
    "parameterdict_sorted": (lambda L: list(_pdict(L, lambda L: {"b": L.ones(1), "a": L.ones(1)})), ["a", "b"]),
    "parameterdict_ordered_dict": (lambda L: list(_pdict(L, lambda L: collections.OrderedDict(b=L.ones(1), a=L.ones(1)))), ["b", "a"]),
    "parameterdict_pairs": (lambda L: list(_pdict(L, lambda L: [("b", L.ones(1)), ("a", L.ones(1))])), ["b", "a"]),
    "parameterdict_state_dict_order": (lambda L: _keys(_with(L, pd=lambda L: _pdict(L, lambda L: {"b": L.ones(1), "a": L.ones(1)}))), ["pd.a", "pd.b"]),
    "parameterdict_setitem_tensor": (lambda L: (lambda d: (d.__setitem__("x", L.ones(2)), d["x"])[1])(L.nn.ParameterDict()), F64(2)),
    "parameterdict_non_str_key": (lambda L: L.nn.ParameterDict()[1], R(TypeError, "not a string")),
    "parameterdict_missing": (lambda L: L.nn.ParameterDict()["a"], R(AttributeError)),  # (torch's; a KeyError too here)
    "parameterdict_missing_is_key_error": (lambda L: isinstance(_catch(lambda: L.nn.ParameterDict()["a"]), KeyError if L is tg else AttributeError), True),
    "parameterdict_objects": (lambda L: (lambda d: [d["n"], d["s"], _keys(d)])(_pdict(L, lambda L: {"n": None, "s": "x"})), [None, "x", []]),
    "parameterdict_get_pop": (lambda L: (lambda d: [d.get("z", 5), d.pop("a"), list(d), d.popitem()[0], len(d)])(_pdict(L, lambda L: collections.OrderedDict(a=L.ones(1), b=L.ones(1)))), [5, F64(1), ["b"], "b", 0]),
    "parameterdict_update_bad_pair": (lambda L: L.nn.ParameterDict().update([("a",)]), R(ValueError, "has length 1; 2 is required")),
    "parameterdict_update_not_iterable": (lambda L: L.nn.ParameterDict().update(3), R(TypeError, "should be called with an iterable of key/value pairs, but got int")),
    "parameterdict_call": (lambda L: L.nn.ParameterDict()(L.ones(1)), R(RuntimeError, "ParameterDict should not be called.")),
}

PARAMETER = {
    "parameter_no_grad": (lambda L: L.nn.Parameter(L.ones(2), requires_grad=False), F64(2, grad=False)),
    "parameter_is_tensor": (lambda L: [isinstance(L.nn.Parameter(L.ones(1)), L.Tensor), isinstance(L.ones(1), L.nn.Parameter)], [True, False]),
    "parameter_empty": (lambda L: L.nn.Parameter(), F64(0)),
    "parameter_of_int": (lambda L: L.nn.Parameter(L.ones(2, dtype=L.int64)), R(RuntimeError, "Only Tensors of floating point and complex dtype can require gradients")),
    "parameter_of_int_type_error": (lambda L: isinstance(_catch(lambda: L.nn.Parameter(L.ones(2, dtype=L.int64))), TypeError if L is tg else RuntimeError), True),
    "parameter_of_int_no_grad": (lambda L: L.nn.Parameter(L.ones(2, dtype=L.int64), requires_grad=False), ("P", "int64", [2], False)),
    "parameter_shares_memory": (lambda L: (lambda t: L.nn.Parameter(t).data_ptr() == t.data_ptr())(L.ones(2)), True),
    "parameter_of_non_leaf": (lambda L: (lambda a: [L.nn.Parameter(a * 2).grad_fn, L.nn.Parameter(a * 2).is_leaf])(L.ones(1, requires_grad=True)), [None, True]),
    "parameter_deepcopy": (lambda L: (lambda p: (lambda c: [c, c is p, c.tolist()])(copy.deepcopy(p)))(L.nn.Parameter(L.tensor([1.0, 2.0]))), [F64(2), False, [1.0, 2.0]]),
    "parameter_deepcopy_no_grad": (lambda L: copy.deepcopy(L.nn.Parameter(L.ones(1), requires_grad=False)), F64(1, grad=False)),
    "parameter_result_of_op": (lambda L: L.nn.Parameter(L.ones(1)) * 2, F64(1, kind="T")),
    "parameter_detach": (lambda L: L.nn.Parameter(L.ones(1)).detach(), F64(1, grad=False, kind="T")),
    "parameter_clone": (lambda L: L.nn.Parameter(L.ones(1)).clone(), F64(1, kind="T")),
    "uninitialized": (lambda L: (lambda p: [isinstance(p, L.nn.Parameter), p.requires_grad, repr(p)])(L.nn.UninitializedParameter()), [True, True, "<UninitializedParameter>"]),
    "uninitialized_materialize": (lambda L: (lambda p: (p.materialize((2, 3)), [isinstance(p, L.nn.Parameter), list(p.shape)])[1])(L.nn.UninitializedParameter()), [True, [2, 3]]),
}

SMALL = {
    "float_of_grad_tensor_warns": (lambda L: _warning_text(L, lambda: _warn_scalar(L, float)), ["Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\nConsider using tensor.detach() first."]),
    "int_item_bool_do_not_warn": (lambda L: _warning_text(L, lambda: [_warn_scalar(L, f) for f in (int, bool, lambda x: x.item())]), []),
    "int_of_grad_tensor": (lambda L: _warn_scalar(L, int), 1),
    "item_of_grad_tensor": (lambda L: _warn_scalar(L, lambda x: x.item()), 1.5),
    "bool_of_grad_tensor": (lambda L: _warn_scalar(L, bool), True),
    "float_of_no_grad_tensor": (lambda L: float(L.tensor([1.5])), 1.5),
    "grad_same": (lambda L: _set_grad(L, lambda L: L.ones(2)), F64(2, grad=False, kind="T")),
    # assigning .grad is checked as in PyTorch (a property); .data is a plain attribute, read and written on
    # the engine's hot path, so assigning it is not (a deliberate difference, docs/from-pytorch.md)
    "grad_of_other_dtype": (lambda L: _set_grad(L, lambda L: L.zeros(2, dtype=L.float32)),
                            Raises(RuntimeError, "attempting to assign a gradient with dtype")),
    "grad_of_other_shape": (lambda L: _set_grad(L, lambda L: L.zeros(3)),
                            Raises(RuntimeError, "attempting to assign a gradient of")),
    "grad_not_tensor": (lambda L: _set_grad(L, lambda L: [0.0, 0.0]),
                        Raises(TypeError, "assigned grad expected to be a Tensor or None")),
    "data_of_other_dtype": (_set_data, [("T", "int64", [2], True), [1, 2]]),
}

# case -> (the exception torch raises, words of its message): checked in test_case_matches_torch
DELIBERATE = {
    "small.data_of_other_dtype": (RuntimeError, "must be floating point or complex dtype"),
}

TABLES = {"attr": ATTRIBUTES, "reg": REGISTRATION, "path": PATHS, "walk": WALKING, "state": STATE,
          "conv": CONVERSION, "repr": REPRS, "cont": CONTAINERS, "param": PARAMETER, "small": SMALL}
CASES = {f"{table}.{name}": case for table, cases in TABLES.items() for name, case in cases.items()}


def _expected(expected):
    return expected if isinstance(expected, Raises) else simple(expected)


@pytest.mark.parametrize("name", list(CASES))
def test_case(name):
    fn, expected = CASES[name]
    result, _ = _run(fn, tg)
    if isinstance(expected, Raises):
        assert _raised(result), f"{name}: expected {expected}, got {result}"
        kind, message = result
        assert issubclass(kind, expected.kind), f"{name}: expected {expected}, got {kind.__name__}: {message}"
        for word in expected.words:
            assert word in message, f"{name}: {word!r} not in the message {message!r}"
    else:
        assert result == _expected(expected), f"{name}:\n  got      {result}\n  expected {_expected(expected)}"


@needs_torch
@pytest.mark.parametrize("name", list(CASES))
def test_case_matches_torch(name):
    fn, expected = CASES[name]
    (ours, our_warnings), (theirs, their_warnings) = run_both(_run, fn, torch)
    if name in DELIBERATE:
        kind, words = DELIBERATE[name]
        assert _raised(theirs) and issubclass(theirs[0], kind) and words in theirs[1], f"{name}: torch now gives {theirs}"
        return
    if _raised(theirs):
        assert _raised(ours) and issubclass(ours[0], theirs[0]), f"{name}: torch raises {theirs}, we give {ours}"
        for word in getattr(expected, "words", ()):
            assert word in theirs[1], f"{name}: {word!r} is not in torch's message {theirs[1]!r} either"
    else:
        assert ours == theirs, f"{name}:\n  ours  {ours}\n  torch {theirs}"
    assert our_warnings == their_warnings, f"{name}: warnings {our_warnings} != torch's {their_warnings}"
