"""Every differentiable public op passes gradcheck and gradgradcheck in float64, on every case
of its registry entry; and no public op is missing from the registry."""
import inspect
import zlib

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor

from .registry import NOT_DIFFERENTIABLE, load_all

REGISTRY = load_all()
CASES = [(name, i) for name, entry in REGISTRY.items() for i in range(len(entry.cases))]


def _inputs(name: str, i: int):
    rng = np.random.default_rng(zlib.crc32(f"{name}/{i}".encode()))  # (not hash(): it changes per process)
    return [spec.make(rng) for spec in REGISTRY[name].cases[i]]


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_gradcheck(name, i):
    entry = REGISTRY[name]
    assert tg.gradcheck(entry.fn, _inputs(name, i), eps=entry.eps, atol=entry.atol, rtol=entry.rtol)


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_gradgradcheck(name, i):
    entry = REGISTRY[name]
    assert tg.gradgradcheck(entry.fn, _inputs(name, i), eps=entry.eps, atol=entry.atol, rtol=entry.rtol)


def _public_names() -> set[str]:
    names = {f"tg.{n}" for n, obj in vars(tg).items()
             if not n.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))}
    for cls in Tensor.__mro__[:-1]:  # Tensor and its mixins (conversion.py, numpy_interop.py)
        for n, obj in vars(cls).items():
            if callable(obj) or isinstance(obj, property) and n == "T":
                if not n.startswith("_") or n in _DUNDER_OPS:
                    names.add(f"Tensor.{n}")
    try:
        import tinygrad_edu.nn.functional as F
    except ImportError:
        F = None
    if F is not None:
        names |= {f"F.{n}" for n, obj in vars(F).items()
                  if not n.startswith("_") and inspect.isfunction(obj) and obj.__module__.startswith("tinygrad_edu")}
    linalg = getattr(tg, "linalg", None)  # tg.linalg.inv, ...: the names torch.linalg has
    if linalg is not None:
        names |= {f"tg.linalg.{n}" for n in getattr(linalg, "__all__", ())}
    return names


_DUNDER_OPS = {
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
    "__pow__", "__rpow__", "__neg__", "__pos__", "__matmul__", "__rmatmul__", "__getitem__",
    "__setitem__", "__iter__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
    "__invert__", "__and__", "__or__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
    "__len__", "__bool__", "__float__", "__int__", "__index__", "__array__", "__mod__", "__rmod__",
    "__floordiv__", "__rfloordiv__",
}


def test_every_public_op_is_registered_or_marked():
    covered = {name.split("(")[0] for name in REGISTRY} | set(NOT_DIFFERENTIABLE)
    modules_and_helpers = {f"tg.{n}" for n, obj in vars(tg).items() if inspect.ismodule(obj)}
    missing = sorted(_public_names() - covered - modules_and_helpers)
    assert not missing, (
        "these public ops are neither in the gradcheck registry (tests/registry/) nor marked "
        f"not differentiable: {missing}"
    )


def test_registry_names_exist():
    """A registry entry for a name that no longer exists is stale."""
    public = _public_names()
    import tinygrad_edu.nn as nn

    modules = {n for n in REGISTRY if n.startswith("nn.")}  # fused ops, checked through their module
    assert all(hasattr(nn, n.split("(")[0][3:]) for n in modules), modules
    stale = sorted({n.split("(")[0] for n in REGISTRY if n not in modules} - public)
    assert not stale, f"registered but not public: {stale}"


# ---- every Function class, not only every public name -----------------------------------------
# A fused op in nn/ (or any other Function subclass) is reached through some public name; the
# registry checks it only if some entry's graph -- or the graph of that entry's recorded
# backward, which gradgradcheck differentiates -- contains it. A Function that no entry reaches
# must be registered (or excused here, with the reason).
EXCUSED_FUNCTIONS: dict[str, str] = {
    "SignOfDet": "the sign of linalg.slogdet: piecewise constant, it passes no gradient back (PyTorch's "
                 "convention); tests/test_fuzz_regressions_extra.py checks that .grad stays None",
    "_DelayedError": "the Error node of @once_differentiable results: its backward raises by design; "
                     "tests/test_autograd_tutorial_gaps.py",
    "SavedLeaf": "an unpacked saved leaf (saved_tensors_hooks under create_graph): its value is the unpacked "
                 "copy, its gradient goes to the leaf; tests/test_autograd_tutorial_gaps.py checks that double "
                 "backward equals the one without hooks",
    "BackwardHookIdentity": "the identity that Module's full backward hooks put around a module's inputs and "
                            "outputs (nn/backward_hooks.py), no public op; tests/test_module_api.py compares the "
                            "gradients with and without hooks with torch's",
    "NoDerivative": "the node of results PyTorch cannot differentiate either (ldl_factor, ldl_solve, geqrf, a "
                    "failed cholesky_ex; linalg/no_derivative.py): its backward raises by design; "
                    "tests/test_docs_gaps_linalg.py checks that it does, with PyTorch's words",
    "ScaleGradByFreq": "embedding's scale_grad_by_freq (nn/functional/frequency_scaling.py): by design it passes "
                       "grad / count back, not the derivative of the identity; tests/test_gap_fills.py checks the "
                       "gradients against hand-computed ones and PyTorch's",
    "StandardGamma": "the Gamma(α, 1) sampler under Gamma/Chi2/Beta/Dirichlet/StudentT.rsample "
                     "(distributions/standard_gamma.py): finite differences in α redraw along another path of "
                     "the rejection sampler, so gradcheck cannot apply; tests/test_distributions_rsample.py checks "
                     "its implicit gradient against mpmath's derivative of the inverse CDF (1e-10), "
                     "torch._standard_gamma_grad, Monte Carlo means and an optimisation",
}


def _all_function_classes() -> set[type]:
    import importlib
    import pkgutil

    import tinygrad_edu
    from tinygrad_edu.autograd.function import Function

    for info in pkgutil.walk_packages(tinygrad_edu.__path__, "tinygrad_edu."):
        if ".examples" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    found, stack = set(), [Function]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("tinygrad_edu.") and "forward" in vars(sub) | {
                    k: 1 for base in sub.__mro__[1:-1] if base is not Function for k in vars(base)}:
                found.add(sub)
    return found


def _classes_in_graph(outputs) -> set[type]:
    from tinygrad_edu.autograd.function import edge_source

    seen, stack = set(), [o.grad_fn for o in outputs if o is not None and o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(s[0] for s in map(edge_source, node.edges) if s is not None)
    return {node.fn for node in seen}


def _reached_by_registry() -> set[type]:
    reached = set()
    for name, entry in REGISTRY.items():
        inputs = _inputs(name, 0)
        out = entry.fn(*inputs)
        outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,)) if isinstance(o, Tensor)]
        reached |= _classes_in_graph(outs)
        differentiable = [o for o in outs if o.requires_grad]
        if differentiable:
            total = sum((o * o).sum() if o.dtype.kind == "f" else 0 for o in differentiable)
            wrt = [t for t in inputs if t.requires_grad]
            grads = tg.grad(total, wrt, create_graph=True, allow_unused=True)
            reached |= _classes_in_graph([g for g in grads if g is not None])
    return reached


def test_every_function_class_is_gradchecked_or_excused():
    classes = _all_function_classes()
    reached = _reached_by_registry()
    missing = sorted(f"{c.__module__}.{c.__qualname__}" for c in classes
                     if c not in reached and c.__qualname__ not in EXCUSED_FUNCTIONS)
    assert not missing, (
        "these Function classes are not reached by any registry entry (tests/registry/), so nothing "
        f"gradchecks them; register a public op that uses each, or excuse it with a reason: {missing}"
    )
