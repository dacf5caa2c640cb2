"""`Function`: an operation with its forward and backward side by side, and the node it leaves
on the tape.

Calling `SomeOp.apply(*args)`:
  1. if grad mode is on and some input requires grad, makes a `Node` -- it is both the `ctx`
     that forward/backward see and the result's `grad_fn` -- wires it to its inputs (the
     *edges*) and gives it the next number in creation order;
  2. runs `forward(ctx, *args)` (nothing inside records; forward may return an ndarray or a
     Tensor, or a tuple of them) -- or, for a Function written in PyTorch 2's style with a
     `setup_context` of its own, `forward(*args)` and then `setup_context(ctx, args, result)`;
  3. wraps the result in a Tensor whose `grad_fn` is the node.
Otherwise forward runs with a throwaway ctx and nothing is remembered.

Because a node is always numbered after the nodes of its inputs, sorting reachable nodes by
that number, largest first, is a valid order for the backward pass (see engine.py).
"""
from __future__ import annotations

import functools
import itertools
import weakref

import numpy as np

from ..tensor import Number, Tensor, WholeView
from . import anomaly
from .grad_mode import _state as _grad_state
from .hooks import RemovableHandle
from .scope import _state as _scope_state
from .xp import numpy_xp, tensor_xp

_creation_counter = itertools.count()
_new_node = _new_tensor = object.__new__
# The tuple of input shapes is the same for most nodes of a model: nodes share one tuple object
# per distinct value, and with it the tuple of which inputs need a gradient, instead of each
# keeping its own copies (a node is then ~130 bytes smaller, and the garbage collector has fewer
# objects to scan); one dictionary lookup per recorded op finds both.
_SHARED: dict[tuple, tuple] = {}  # input shapes -> (that tuple, which inputs need a gradient)


def _share(shapes: tuple) -> tuple:
    """The first node with these input shapes: keep them, with its needs_input_grad, for all."""
    if len(_SHARED) > 50_000:  # (a model whose shapes never repeat: start again)
        _SHARED.clear()
    needs = tuple([shape.__class__ is tuple for shape in shapes])  # (CONSTANT, None: no gradient)
    pair = _SHARED[shapes] = (shapes, needs)
    return pair

# Open `tg.autograd.graph.saved_tensors_hooks` blocks, in any thread (graph.py counts them), and
# open `inference_mode` blocks (api.py). While both are 0, saving and computing cost one check of
# a number each; only then do graph.py and api.py look at the calling thread's own state.
_hooks_open = 0
_inference_open = 0
_inference_made = False  # inference_mode was entered once: inference tensors may exist (api.py), so
# save_for_backward looks for them and results of ops that do not record check for views of them


def _saved_attribute(name: str) -> property:
    def read(node: "Node"):
        from .graph import saved_attribute  # (graph.py imports this module)
        return saved_attribute(node, name)
    return property(read, doc=f"PyTorch's `grad_fn.{name}`: a value this op saved (graph.py).")


_FREED_MESSAGE = (
    "{name}: trying to backward through the graph a second time (or to read saved tensors after "
    "they were freed). Saved values are freed by backward() and tg.grad() to save memory; "
    "pass retain_graph=True to the first call if you need to backward through the graph again."
)


class Node:
    """One recorded operation: the `ctx` of a Function call and the `grad_fn` of its result.

    edges[i] says where the gradient of positional argument i goes: `None` (a constant or a
    non-tensor argument), a leaf `Tensor` (accumulate into its `.grad`), the `Node` that made
    the argument (its output 0, by far the usual case: no pair is stored for it), or
    `(node, output_nr)` for another output of a node with several. `edge_source` reads all three.
    When only argument 0's gradient goes anywhere, and to a node's output 0 or a leaf (`y + 1`,
    `x.relu()`: most nodes), the node keeps that one edge in `_edges`, not a tuple: a tuple
    that holds a node is one more object for Python's cyclic garbage collector to scan, which
    would double its work on a long graph. `edges` gives the tuple either way.
    input_shapes[i] is that argument's shape when its gradient goes somewhere (the engine reduces
    the gradient to it), `CONSTANT` for a tensor that needs no gradient, None for a non-tensor;
    needs_input_grad[i] (PyTorch's name) says whether its gradient goes anywhere at all, so a
    backward can skip computing one that does not.
    `constants` holds weak references to the tensor arguments that need no gradient: the graph
    does not keep them alive, but a picture can show them while they exist.
    """

    # Every node pays for its slots only; what few nodes need (hooks, several outputs, anomaly
    # stacks, an op's own notes such as `ctx.dim`) lives in class defaults or the instance dict.
    # Tuples, not lists: a node is made once and never grows.
    __slots__ = ("fn", "_edges", "input_shapes", "needs_input_grad", "constants", "seq", "scope", "_saved",
                 "_saved_versions", "_saved_output", "_output_version", "__dict__", "__weakref__")
    n_outputs = 1
    output_shapes = None
    output_dtypes = None
    pre_hooks = None
    retained = None
    watched = False  # hooks, retain_grad or several outputs: the engine looks closer (engine.py)
    forward_stack = None
    is_view = False  # the output shares memory (and version counter) with input 0
    label = None  # a PyTorch name for name() to give instead (F.mse_loss's Mean node: "MseLossBackward0")
    materialize_grads = True  # ctx.set_materialize_grads(False): outputs without a gradient get None
    non_differentiable = None  # ctx.mark_non_differentiable(*outputs): those outputs
    dirty = None  # ctx.mark_dirty(*inputs): inputs forward changed in place and returns
    node_prehooks = None  # grad_fn.register_prehook(hook): hook(grad_outputs), before backward
    node_hooks = None  # grad_fn.register_hook(hook): hook(grad_inputs, grad_outputs), after it

    # What some built-in ops saved, under PyTorch's names (y = a * b: y.grad_fn._saved_self is a)
    _saved_self = _saved_attribute("_saved_self")
    _saved_other = _saved_attribute("_saved_other")
    _saved_exponent = _saved_attribute("_saved_exponent")
    _saved_result = _saved_attribute("_saved_result")

    def __init__(self, fn: type) -> None:
        self.fn = fn
        self._saved = self._saved_output = self._saved_versions = None

    @property
    def edges(self) -> tuple:
        """Where each positional argument's gradient goes (see the class docstring)."""
        edges = self._edges
        if edges.__class__ is tuple:
            return edges
        return (edges,) + (None,) * (len(self.input_shapes) - 1)  # (one edge, argument 0's)

    # ---- what forward may call -----------------------------------------------------------
    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for backward. Changing one in place afterwards makes backward raise."""
        if _inference_made:
            _refuse_inference_tensors(self, tensors)
        if _hooks_open:  # maybe inside saved_tensors_hooks: pack_hook keeps them instead (graph.py)
            from .graph import pack_saved
            if pack_saved(self, tensors):
                return
        versions = []
        numbers = False
        for t in tensors:
            versions.append(0 if t is None or t._version_counter is None else t._version_counter[0])
            numbers = numbers or t.__class__ is Number
        versions = tuple(versions)
        self._saved_versions = _UNCHANGED.get(versions, versions)  # one shared (0, 0) for all nodes
        if numbers:  # a lifted Python number (x * 0.5): only its array is kept, so that the tuple
            # holds no Python objects and the garbage collector stops scanning it
            tensors = tuple([t.data if t.__class__ is Number else t for t in tensors])
        self._saved = tensors

    def save_output(self, array: np.ndarray) -> np.ndarray:
        """Keep the result of forward for backward (e.g. σ' = σ(1 - σ)); returns `array`."""
        self._saved_output = array
        return array

    def mark_non_differentiable(self, *tensors) -> None:
        """Say which of forward's results (the very objects it returns) are not differentiable,
        such as the indices of a sort: they come out with requires_grad=False and no grad_fn, and
        backward gets zeros for them (None after set_materialize_grads(False))."""
        for t in tensors:
            if not isinstance(t, (Tensor, np.ndarray)):
                raise RuntimeError(f"mark_non_differentiable: only forward's result tensors can be marked, "
                                   f"but got a {type(t).__name__}")
        self.non_differentiable = tensors

    def mark_dirty(self, *tensors) -> None:
        """Say that forward changed these input tensors in place and returns them: they come out
        as the very same objects, their version goes up (so nodes that saved their old value
        refuse to use it), and their history continues from this op. PyTorch's ctx.mark_dirty."""
        for t in tensors:
            if not isinstance(t, Tensor):
                raise RuntimeError(f"mark_dirty: only input tensors can be marked, got a {type(t).__name__}")
        self.dirty = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for an output whose gradient was not
        computed (one result of several that the loss did not use); backward must check for it."""
        self.materialize_grads = bool(value)

    # ---- what backward may read ----------------------------------------------------------
    @property
    def create_graph(self) -> bool:
        """True while this backward is itself being recorded (backward or tg.grad with
        create_graph=True): `ctx.xp` is then the Tensor namespace."""
        return _grad_state.enabled

    @property
    def xp(self):
        """The array namespace of this backward call: numpy, or Tensor ops while the backward is
        recorded (create_graph=True). See autograd/xp.py."""
        return tensor_xp if _grad_state.enabled else numpy_xp

    @property
    def saved_tensors(self) -> tuple:
        """What forward saved. A Function whose backward is written against `ctx.xp`
        (`xp_backward = True`, every built-in op) gets arrays, or Tensors under create_graph;
        any other Function gets Tensors, as in PyTorch."""
        versions = self._saved_versions
        if versions is _FREED:
            raise RuntimeError(_FREED_MESSAGE.format(name=self.name()))
        saved = self._saved
        if saved is None:
            return ()
        if versions is PACKED:  # kept by a pack hook: unpack_hook gives them back (graph.py)
            from .graph import unpack_saved
            return unpack_saved(self)
        as_arrays = self.fn.xp_backward and not _grad_state.enabled
        values = []
        for t, version in zip(saved, self._saved_versions):
            if t is None or t.__class__ is np.ndarray:  # (nothing, or a saved number's array)
                values.append(t if as_arrays or t is None else Tensor._make(t, None, False))
                continue
            if t._version_counter is not None and t._version_counter[0] != version:
                raise RuntimeError(
                    f"{self.name()}: one of the tensors needed for the gradient, of shape {t.shape}, "
                    f"was modified by an in-place operation after it was saved (it was at version "
                    f"{version}, it is now at version {t._version}). Use an out-of-place op "
                    f"(e.g. `x = x + 1` instead of `x.add_(1)`) or .clone() it first."
                )
            if t.grad_fn is None and t._detached_at > self.seq and self.fn.__module__.startswith("tinygrad_edu."):
                # (a built-in op's, as PyTorch refuses; a user's Function gets the detached tensor there)
                raise RuntimeError(f"{self.name()}: one of the tensors needed for the gradient, of shape "
                                   f"{t.shape}, was detached in place (.detach_()) after it was saved; use the "
                                   f"out-of-place .detach() instead")
            values.append(t.data if as_arrays else t)
        return tuple(values)

    @property
    def saved_output(self):
        """The saved forward result: an array, or under create_graph this node's output as a
        Tensor, so that second derivatives flow through it."""
        if self._saved_versions is _FREED or self._saved_output is None:
            raise RuntimeError(_FREED_MESSAGE.format(name=self.name()))
        if self._saved_output.__class__ is Packed:  # kept by a pack hook (graph.py)
            from .graph import unpack_output
            return unpack_output(self)
        if self._output_version[0] != 0:
            raise RuntimeError(
                f"{self.name()}: its output (shape {self._saved_output.shape}) was modified by an "
                f"in-place operation, but backward needs its original value. Use an out-of-place op "
                f"instead."
            )
        if not _grad_state.enabled:
            if self.fn.xp_backward:
                return self._saved_output
            return Tensor._make(self._saved_output, None, False)
        out = Tensor._make(self._saved_output, self, True)  # differentiable, via this node
        return out

    def release(self) -> None:
        """Drop saved values after a backward without retain_graph."""
        if self._saved is not None or self._saved_output is not None:
            self._saved = None
            self._saved_output = None
            self._saved_versions = _FREED  # (a slot: no per-node dict for a flag)

    @property
    def _freed(self) -> bool:
        return self._saved_versions is _FREED

    # ---- introspection (PyTorch names) ---------------------------------------------------
    def name(self) -> str:
        # PyTorch's names: a built-in op's node is MulBackward0, a user's Function's CubeBackward
        # (or the label a composite function gave its result's node)
        if self.label is not None:
            return self.label
        fn = self.fn
        if not fn.__module__.startswith("tinygrad_edu."):
            return fn.__name__ + "Backward"
        if fn.node_name is None:
            return fn.__name__ + "Backward0"
        return fn.node_name if fn.node_name.__class__ is str else fn.node_name(self)

    @property
    def next_functions(self) -> tuple:
        """One `(node, output_nr)` pair per tensor input: `AccumulateGrad` for leaves that require
        grad, `(None, 0)` for constants -- the shape of PyTorch's `grad_fn.next_functions`.
        Non-tensor arguments (a dim, a shape) have no entry."""
        pairs = []
        for edge, shape in zip(self.edges, self.input_shapes):
            if edge is None:
                if shape is not None:
                    pairs.append((None, 0))
            elif isinstance(edge, Tensor):
                pairs.append((AccumulateGrad(edge), 0))
            else:
                pairs.append(edge_source(edge))
        return tuple(pairs)

    def register_prehook(self, hook) -> RemovableHandle:
        """Call `hook(grad_outputs)` before this node's backward, with the tuple of gradients
        that reached its outputs (after the tensors' own hooks); a returned tuple replaces them."""
        if self.node_prehooks is None:
            self.node_prehooks = []
        self.watched = True
        self.node_prehooks.append(hook)
        return RemovableHandle(self.node_prehooks, hook)

    def register_hook(self, hook) -> RemovableHandle:
        """Call `hook(grad_inputs, grad_outputs)` after this node's backward: `grad_inputs` holds
        the gradient it sends to each tensor input (one per entry of next_functions, None where
        none is sent), `grad_outputs` what reached its outputs; a returned tuple replaces
        grad_inputs."""
        if self.node_hooks is None:
            self.node_hooks = []
        self.watched = True
        self.node_hooks.append(hook)
        return RemovableHandle(self.node_hooks, hook)

    def __repr__(self) -> str:
        # PyTorch's form: <MulBackward0 object at 0x7f...>; a user's Function's node is a class of
        # torch.autograd.function there, and its node is this module's Node here
        user = self.label is None and not self.fn.__module__.startswith("tinygrad_edu.")
        return f"<{__name__ + '.' if user else ''}{self.name()} object at {hex(id(self))}>"


def named_as_pytorch(out: Tensor, name: str) -> Tensor:
    """Give `out`'s node PyTorch's name for it, so that `print(loss)` shows
    `grad_fn=<MseLossBackward0>` as in PyTorch, though here the loss is composed of smaller ops
    (its last one a mean). Only the name changes: the node and its gradient stay what they are."""
    node = out.grad_fn
    if node.__class__ is Node:  # (not under tg.autobatch, where it is a pending record)
        node.label = name
    return out


def edge_source(edge) -> tuple | None:
    """The (node, output_nr) an edge comes from; None for a leaf, a constant or a non-tensor."""
    if edge.__class__ is tuple:
        return edge
    if isinstance(edge, Node):
        return (edge, 0)
    return None


CONSTANT = "constant"  # input_shapes entry of a tensor argument that needs no gradient
_FREED = ("freed",)  # _saved_versions of a node whose saved values backward released
PACKED = ("packed",)  # _saved_versions of a node whose saved values pack hooks keep (graph.py)
_UNCHANGED = {(0,) * n: (0,) * n for n in range(1, 9)}


class _Unrecorded(Node):
    """The ctx of a call that records nothing (grad mode off, or no input requires grad):
    forward runs as usual, but what it saves is dropped at once."""

    __slots__ = ()
    edges = needs_input_grad = ()  # connected to nothing

    def __init__(self, fn: type) -> None:
        self.fn = fn

    def save_for_backward(self, *tensors) -> None:
        pass

    def save_output(self, array: np.ndarray) -> np.ndarray:
        return array


class Packed:
    """A saved tensor as a pack hook keeps it (graph.py): what pack_hook returned, the
    unpack_hook that gives the tensor back, and where the tensor was in the graph."""

    __slots__ = ("value", "unpack_hook", "grad_fn", "output_nr", "leaf")

    def __init__(self, value, unpack_hook, grad_fn, output_nr: int, leaf) -> None:
        self.value, self.unpack_hook = value, unpack_hook
        self.grad_fn, self.output_nr, self.leaf = grad_fn, output_nr, leaf


class AccumulateGrad:
    """Stands for a leaf in `next_functions`: where a gradient stops and is summed into `.grad`."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    @property
    def next_functions(self) -> tuple:
        return ()

    def __eq__(self, other) -> bool:
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self) -> int:
        return id(self.variable)

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


class Function:
    """Base class of every differentiable operation, built-in or yours.

    Subclass it with two static methods and call `YourOp.apply(*args)`:

    >>> import numpy as np, tinygrad_edu as tg
    >>> class Cube(tg.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):              # x is a Tensor; return an ndarray or a Tensor
    ...         ctx.save_for_backward(x)
    ...         return x.data ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):          # one gradient per forward argument
    ...         x, = ctx.saved_tensors
    ...         return grad * 3 * x ** 2      # Tensor ops, so create_graph works too
    >>> x = tg.tensor([2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward(); x.grad
    tensor([12.])

    `backward` returns one gradient (or None) per positional argument of `forward`; trailing
    Nones for non-tensor arguments may be left out. Gradients are reduced to each input's shape
    by the engine, so a broadcasting forward needs no special backward.

    Opting in to arrays: set `xp_backward = True` and write backward against `ctx.xp`. It then
    receives the gradients and saved values as numpy arrays (fast: no Tensor is made), and as
    Tensors only when the backward pass is itself recorded (create_graph=True) -- the same formula
    serves both. Every built-in op is written this way:

    >>> class Square(tg.Function):
    ...     xp_backward = True
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x.data ** 2
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors        # an ndarray, or a Tensor under create_graph
    ...         return grad * 2 * x

    PyTorch 2's style works too: `forward` without ctx, and a `setup_context(ctx, inputs, output)`
    that saves what backward needs (`inputs` is the tuple of arguments, `output` what forward
    returned):

    >>> class Exp(tg.Function):
    ...     @staticmethod
    ...     def forward(x):
    ...         return x.exp()
    ...     @staticmethod
    ...     def setup_context(ctx, inputs, output):
    ...         ctx.save_for_backward(output)
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         result, = ctx.saved_tensors
    ...         return grad * result
    >>> x = tg.tensor([0.0, 1.0], requires_grad=True)
    >>> Exp.apply(x).sum().backward(); x.grad
    tensor([1.0000, 2.7183])
    """

    # A forward that only uses numpy (every built-in op) may say so: apply then skips turning
    # grad mode off around it. A forward that calls Tensor ops must leave this True.
    forward_records = True
    # The backward is written against ctx.xp (arrays normally, Tensors under create_graph).
    xp_backward = False
    # Every array backward returns is new or a gradient it was given (never a saved value), so
    # a leaf may keep a new one as its .grad without a copy (engine.py). True for built-ins.
    fresh_gradients = False
    # An op whose result is a view of its first argument's memory (reshape, permute, expand):
    # the result then shares that argument's version counter. `view_kind` ("reshape" or
    # "permute", with the dims as argument 1) says how to write a change of the view back.
    returns_view = False
    view_kind = None
    # PyTorch's name for this op's node when it is not <class name>Backward0: a string, or a
    # function of the node (GetItem's is SelectBackward0 for x[0], SliceBackward0 for x[1:], ...)
    node_name = None
    # It defines setup_context (PyTorch 2's style): set by __init_subclass__
    _separate_setup = False

    @staticmethod
    def forward(ctx: Node, *args):
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Node, *grad_outputs):
        raise NotImplementedError

    @staticmethod
    def setup_context(ctx: Node, inputs: tuple, output) -> None:
        """PyTorch 2's style: a subclass that defines this gets `forward(*args)` without ctx,
        then `setup_context(ctx, args, forward's result)` (grad mode off in both)."""
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._separate_setup = cls.setup_context is not Function.setup_context
        if cls._separate_setup:
            cls.forward_records = True  # (its forward is the user's: run it through _run_forward)

    @classmethod
    def apply(cls, *args):
        if _grad_state.batching is not None:  # inside tg.autobatch(): recorded, run later in batches
            return _grad_state.batching.record(cls, args)
        # One pass over the arguments: re-read stale views, and wire the would-be node to its
        # inputs -- edge i says where argument i's gradient will go.
        recording = 0  # how many arguments send a gradient somewhere (0: no node to record)
        if _grad_state.enabled:
            edges = []
            shapes = []
            constants = ()  # weak references to tensor arguments that need no gradient (for pictures)
            for a in args:  # (a user's Tensor subclass is a tensor too; a lifted Number is a constant)
                if a.__class__ is Tensor or (a.__class__ is not Number and isinstance(a, Tensor)):
                    view_of = a._view_of  # a view whose base changed in place since: read it again
                    if view_of is not None and view_of[2] != a._version_counter[0]:
                        a._reread_view()
                    if a.requires_grad:
                        recording += 1
                        node = a.grad_fn
                        if node is None:
                            edges.append(a)  # a leaf
                        else:
                            nr = a._output_nr
                            edges.append((node, nr) if nr else node)  # (see Node: output 0 is the node itself)
                        shapes.append(a.data.shape)
                        continue
                    constants += (weakref.ref(a),)
                    shapes.append(CONSTANT)
                else:  # not a tensor (a dim, a shape, an index...)
                    shapes.append(None)
                edges.append(None)
        if not recording:  # nothing to remember: forward only, with a throwaway ctx
            ctx = _Unrecorded(cls)
            if cls.forward_records:
                raw = _run_forward(cls, ctx, args)
                if ctx.dirty is not None:  # (ctx.mark_dirty: the changed inputs come back themselves)
                    return _changed_in_place(ctx, args, raw, recorded=False)
            else:
                raw = cls.forward(ctx, *args)
            if raw.__class__ is np.ndarray:
                out = Tensor._make(raw, None, False)
                if cls.returns_view:
                    _as_view(cls, args, out)
            elif raw.__class__ is tuple:
                out = tuple(_as_output(r, args) for r in raw)
            else:
                out = _as_output(raw, args)
            if _inference_made:  # maybe in inference_mode, or a view of an inference tensor (api.py)
                from .api import mark_inference
                mark_inference(cls, args, out)
            return out

        ctx = _new_node(Node)  # (Node.__init__'s three fields, without the call)
        ctx.fn = cls
        ctx._saved = ctx._saved_output = ctx._saved_versions = None
        first = edges[0]
        if recording == 1 and first is not None and first.__class__ is not tuple:
            ctx._edges = first  # only argument 0's gradient goes anywhere: no tuple (see Node)
        else:
            ctx._edges = tuple(edges)
        shapes = tuple(shapes)
        ctx.input_shapes, ctx.needs_input_grad = _SHARED.get(shapes) or _share(shapes)
        ctx.constants = constants
        ctx.seq = next(_creation_counter)  # after every input's node: see the module docstring
        ctx.scope = _scope_state.current
        if anomaly._state.enabled:
            ctx.forward_stack = anomaly.forward_stack()

        if cls.forward_records:
            raw = _run_forward(cls, ctx, args)
            if ctx.dirty is not None:
                return _changed_in_place(ctx, args, raw, recorded=True)
            marked = ctx.non_differentiable
            if marked is not None and raw.__class__ is not tuple and _is_one_of(raw, marked):
                return _as_output(raw, args)  # its one result is not differentiable: no grad_fn
        else:
            raw = cls.forward(ctx, *args)

        if raw.__class__ is np.ndarray:
            out = _new_tensor(Tensor)  # (Tensor._make, without the call)
            out.data = raw
            out.grad_fn = ctx
            out.requires_grad = True
            out._version_counter = None
        elif raw.__class__ is tuple:
            return _wrap_outputs(ctx, args, raw)
        else:
            out = _as_output(raw, args)
            out.grad_fn = ctx
            out.requires_grad = True
        if ctx._saved_output is not None:  # the output's version counter tells if it changes in place
            ctx._output_version = out._version_counter = [0]
            if _hooks_open:  # maybe inside saved_tensors_hooks: pack the output too (graph.py)
                from .graph import pack_output
                pack_output(ctx, out)
        if cls.returns_view:
            _as_view(cls, args, out)
        return out


def _run_forward(cls: type, ctx: Node, args: tuple):
    """A user's forward, with grad mode off: it may use Tensor ops, but nothing inside records.
    In PyTorch 2's style forward gets no ctx; setup_context then gets the arguments and its result."""
    previous = _grad_state.enabled
    _grad_state.enabled = False
    try:
        if not cls._separate_setup:
            raw = cls.forward(ctx, *args)
        else:
            if ctx.__class__ is _Unrecorded:  # (PyTorch: all False when nothing is recorded)
                ctx.needs_input_grad = (False,) * len(args)
            raw = cls.forward(*args)
            cls.setup_context(ctx, args, raw)
    finally:
        _grad_state.enabled = previous
    if raw.__class__ is not tuple and isinstance(raw, tuple):  # a named tuple (x.sort()): several results
        raw = tuple(raw)
    return raw


def _as_view(cls: type, args: tuple, out: Tensor) -> Tensor:
    """`out` shares args[0]'s memory: it shares its version counter too, and remembers how it
    relates to it (reshape or permute), so that an in-place op on it can update args[0].

    A reshape that numpy could only do by copying (flattening a transposed matrix) is not a
    view: it is a new tensor, as PyTorch's reshape then returns a copy."""
    if cls.view_kind == "reshape":
        base, source = out.data.base, args[0].data
        if base is None or (base is not source and base is not source.base):
            return out
    args[0]._share_version_counter(out)
    if cls.view_kind is not None:
        dims = args[1] if cls.view_kind == "permute" else None
        out._view_of = (args[0], WholeView(cls.view_kind, out.data.shape, dims), out._version_counter[0])
    return out


def _as_output(raw, args) -> Tensor:
    """Forward's result as a fresh Tensor (never one of the inputs, whose grad_fn must not change)."""
    if raw.__class__ is Tensor:
        if raw.grad_fn is None and not _is_one_of(raw, args):
            return raw
        raw = raw.data
    elif raw.__class__ is not np.ndarray:
        raw = np.asarray(raw)
    return Tensor._make(raw, None, False)


def _is_one_of(t: Tensor, args) -> bool:
    for a in args:
        if a is t:
            return True
    return False


def _changed_in_place(ctx: Node, args: tuple, raw, recorded: bool):
    """forward changed some inputs in place (ctx.mark_dirty) and returned them: each comes back
    as the same Tensor object, one version newer, and (when recorded) the output of ctx."""
    raws = raw if raw.__class__ is tuple else (raw,)
    for t in ctx.dirty:
        if not _is_one_of(t, args) or not _is_one_of(t, raws):
            raise RuntimeError(f"{ctx.name()}: a tensor marked dirty must be an input that forward also returns")
        if recorded and t.requires_grad and t.grad_fn is None:
            raise RuntimeError(f"{ctx.name()}: a leaf tensor that requires grad cannot be changed in place "
                               f"(mark_dirty) while gradients are recorded; change a .clone() of it")
        if recorded and t._view_of is not None:
            base = t._view_of[0]
            if base.requires_grad and base.grad_fn is None:
                raise RuntimeError(f"{ctx.name()}: a view of a leaf tensor that requires grad cannot be changed in "
                                   f"place (mark_dirty) while gradients are recorded; change a .clone() of it")
        elif recorded and t.grad_fn is not None and t.grad_fn.is_view:
            raise NotImplementedError(f"{ctx.name()}: mark_dirty on this view (of shape {t.shape}, made by "
                                      f"{t.grad_fn.name()}) is not supported here; change a .clone() in place instead")
    # the outputs as usual (the changed inputs by their arrays, so that fresh Tensors hold them) ...
    fresh = tuple([r.data if _is_one_of(r, ctx.dirty) else r for r in raws])
    if not recorded:
        outs = tuple([_as_output(r, args) for r in fresh])
    elif raw.__class__ is tuple:
        outs = _wrap_outputs(ctx, args, fresh)
    else:
        outs = (_as_output(fresh[0], args),)
        outs[0].grad_fn, outs[0].requires_grad = ctx, True
    # ... then each changed input takes its output's place on the tape and is returned instead
    results = []
    for r, out in zip(raws, outs):
        if _is_one_of(r, ctx.dirty):
            if recorded and r._view_of is not None:  # the view's base changed too: it takes the new value
                r._write_through_view(ctx.name(), out, r._view_of[0], r._view_of[1])  # (as any in-place op)
            elif r._rebase(out.grad_fn, out.requires_grad or r.requires_grad, out._output_nr):
                r.grad = None  # (a retain_grad() moves to the new history and starts again, as PyTorch's)
            r._version += 1
            if recorded:
                _resave(ctx, r)
            out = r
        results.append(out)
    return tuple(results) if raw.__class__ is tuple else results[0]


def _resave(ctx: Node, t: Tensor) -> None:
    """forward may save a tensor it then marks dirty: what it saved is the changed value."""
    if ctx._saved is not None and ctx._saved_versions not in (PACKED, _FREED):
        ctx._saved_versions = tuple([t._version if s is t else v for s, v in zip(ctx._saved, ctx._saved_versions)])


def _refuse_inference_tensors(ctx: Node, tensors: tuple) -> None:
    """An inference tensor has no version counter to watch, so backward could not tell whether
    it changed: PyTorch refuses to save one, and so do we."""
    for t in tensors:
        if t is not None and getattr(t, "_inference", False):
            raise RuntimeError(f"{ctx.name()}: inference tensors cannot be saved for backward (this one was made "
                               f"inside tg.inference_mode()). Make a .clone() of it outside inference_mode "
                               f"to get a normal tensor and use that in autograd.")


def _wrap_outputs(ctx: Node, args, raws: tuple) -> tuple:
    """A forward that returns several results: one output each, numbered for the edges."""
    # (written for speed: a batched cut of tg.autobatch has thousands of outputs)
    inputs = {id(a) for a in args}
    outs = [raw if raw.__class__ is Tensor and raw.grad_fn is None and id(raw) not in inputs
            else _as_output(raw, args) for raw in raws]
    datas = [o.data for o in outs]
    shapes = [d.shape for d in datas]
    dtypes = [d.dtype for d in datas]
    marked = ctx.non_differentiable  # (ctx.mark_non_differentiable: matched by identity)
    nr = 0
    for o, raw, dtype in zip(outs, raws, dtypes):
        if dtype.kind == "f" and (marked is None or not _is_one_of(raw, marked)):
            o.grad_fn = ctx
            o.requires_grad = True
            if nr or o._output_nr:  # (an output 0 keeps the class default: no instance dict)
                o._output_nr = nr
        nr += 1
    ctx.n_outputs = len(outs)
    if ctx._saved_output is not None:  # it kept its results (a decomposition's factors): each gets
        # a version counter, so that backward notices one changed in place (linalg/outputs.py)
        counters = []
        for o in outs:
            o._version_counter = counter = [0]
            counters.append(counter)
        ctx._output_version = tuple(counters)
    ctx.watched = True
    ctx.output_shapes = tuple(shapes)
    ctx.output_dtypes = tuple(dtypes)
    return tuple(outs)


# ---- @once_differentiable ------------------------------------------------------------------

def once_differentiable(backward):
    """Decorator for a Function's backward that cannot itself be differentiated (it uses numpy,
    say): it runs with grad mode off, and if a higher derivative is asked for through it
    (create_graph=True), differentiating its results raises RuntimeError. PyTorch's
    `torch.autograd.function.once_differentiable`; put it under `@staticmethod`.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.autograd.function import once_differentiable
    >>> class Clip(tg.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x.clamp(-1.0, 1.0)
    ...     @staticmethod
    ...     @once_differentiable
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return grad * (x.abs() <= 1.0)
    >>> x = tg.tensor([-2.0, 0.5], requires_grad=True)
    >>> Clip.apply(x).sum().backward(); x.grad
    tensor([0., 1.])
    """
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        # a derivative of the results is asked for if the backward pass is recorded and the
        # gradients it receives depend on something that requires grad
        recorded = _grad_state.enabled and any(g.__class__ is Tensor and g.requires_grad for g in grads)
        if ctx.fn.xp_backward:  # its formula then sees arrays, as in any backward not recorded
            grads = tuple([g.data if g.__class__ is Tensor else g for g in grads])
        previous = _grad_state.enabled
        _grad_state.enabled = False
        try:
            results = backward(ctx, *grads)
        finally:
            _grad_state.enabled = previous
        return _delayed_error(results) if recorded else results
    return wrapper


class _DelayedError(Function):
    """The node of results of a @once_differentiable backward under create_graph: its own
    backward raises (PyTorch's DelayedError node, named "Error")."""

    @staticmethod
    def forward(ctx, *values):
        ctx.label = "Error"
        return values[0].data if len(values) == 1 else tuple([v.data for v in values])

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


def _delayed_error(results):
    """`results` (one value or a tuple; Nones stay None) as tensors whose grad_fn raises."""
    items = results if results.__class__ is tuple else (results,)
    present = [i for i, r in enumerate(items) if r is not None]
    if not present:
        return results
    # stand-ins that require grad, so that the results get a grad_fn (PyTorch does the same)
    leaves = [Tensor._make(np.asarray(items[i].data if items[i].__class__ is Tensor else items[i]), None, True)
              for i in present]
    outs = _DelayedError.apply(*leaves)
    outs = outs if outs.__class__ is tuple else (outs,)
    wrapped = list(items)
    for i, o in zip(present, outs):
        wrapped[i] = o
    return tuple(wrapped) if results.__class__ is tuple else wrapped[0]
