"""PyTorch's own docstring examples, run with tinygrad_edu in torch's place.

Programs written from PyTorch's documentation start from the examples in it: `>>> torch.isin(...)`,
`>>> m = nn.Conv1d(16, 33, 3)`. This test reads every example in the docstrings of torch's public
functions, Tensor methods, nn modules, optimizers, schedulers, distributions and utilities (from
the installed torch), and runs each example block twice: with torch, and with tinygrad_edu bound
to the same names (`torch`, `nn`, `F`, and `import torch.x` statements). For every name that
tinygrad_edu has:

- an example that runs in torch must run here too (with float32 as the default dtype, PyTorch's,
  which its examples assume; tinygrad_edu's own default is float64);
- where the example draws no random numbers, each statement must print the same text, after the
  differences the contract (API.md) makes on purpose are normalized away: a shape is a tuple
  (`(2, 3)`, not `torch.Size([2, 3])`), a dtype is numpy's (`float32`, not `torch.float32`), and
  a named result tuple prints on one line.

Runs only where torch is installed (it is the source of the examples).
"""
from __future__ import annotations

import builtins
import contextlib
import doctest
import importlib
import inspect
import io
import itertools
import math
import re
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu  # noqa: E402

# torch namespaces whose docstrings are read: (torch's module path, its members to read)
_FUNCTION_MODULES = ("torch", "torch.nn.functional", "torch.linalg", "torch.special", "torch.nn.init",
                     "torch.nn.utils", "torch.nn.utils.rnn", "torch.nn.utils.parametrize",
                     "torch.nn.utils.prune", "torch.func", "torch.autograd", "torch.autograd.functional",
                     "torch.autograd.graph", "torch.testing")
_CLASS_MODULES = ("torch.nn", "torch.optim", "torch.optim.lr_scheduler", "torch.distributions",
                  "torch.utils.data")

# Examples that cannot pass here, by design or for a reason outside the name itself
_OUT_OF_SCOPE = {
    # complex, sparse and quantized tensors are not part of the package (API.md)
    "complex", "cfloat", "cdouble", "sparse", "quantiz", "to_mkldnn", "qint", "quint",
    # CUDA, and torch-only machinery (TorchScript, FX, dlpack, storage files)
    "cuda", "torch.jit", "torch.fx", "dlpack", "from_file", "torch.compile", "_C.",
}
# Names whose examples print something that legitimately differs (each with the reason)
_PRINTS_DIFFER = {
    "torch.typename": "the type's module is tinygrad_edu, not torch",
    "torch.linalg.norm": "the smallest singular value of a singular matrix: 1.9e-16 vs 3.8e-16, rounding",
    "torch.meshgrid": "prints a matplotlib object's address",
    "torch.autograd.graph.saved_tensors_hooks": "the order of the pack_hook calls: PyTorch's Mul packs "
                                                "`other` first (its docstring shows `self` first, as here)",
}
# tinygrad_edu names whose PyTorch examples still fail here: name -> the gap
KNOWN_GAPS: dict[str, str] = {}

_RANDOM = re.compile(r"rand|normal|bernoulli|multinomial|[Dd]ropout|uniform|manual_seed|poisson|empty|"
                     r"shuffle|sample|random|init\.|Generator|seed|exponential_|geometric_|cauchy_|"
                     r"log_normal_|nn\.(Linear|Conv|Bilinear|Embedding|LSTM|GRU|RNN|Transformer|Multihead|"
                     r"Lazy|BatchNorm|LayerNorm|GroupNorm|InstanceNorm|PReLU)")


def _resolve(root, path: list[str]):
    obj = root
    for part in path:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _tg_twin(qualname: str):
    """tinygrad_edu's object of the same name (torch.nn.X -> tinygrad_edu.nn.X), or None."""
    parts = qualname.split(".")[1:]
    try:
        return _resolve(tinygrad_edu, parts)
    except Exception:
        return None


def _collect() -> dict[str, list[tuple[str, str]]]:
    parser = doctest.DocTestParser()
    found: dict[str, list] = {}
    seen: set[int] = set()

    def add(qualname: str, obj) -> None:
        doc = getattr(obj, "__doc__", None)
        if not isinstance(doc, str) or id(obj) in seen or ">>>" not in doc:
            return
        seen.add(id(obj))
        try:
            examples = parser.get_examples(doc)
        except ValueError:
            return
        if examples and _tg_twin(qualname) is not None:
            found[qualname] = [(e.source, e.want) for e in examples]

    for path in _FUNCTION_MODULES:
        module = importlib.import_module(path)
        for name in dir(module):
            if not name.startswith("_"):
                add(f"{path}.{name}", getattr(module, name, None))
    for name in dir(torch.Tensor):
        if not name.startswith("_"):
            add(f"torch.Tensor.{name}", getattr(torch.Tensor, name, None))
    for path in _CLASS_MODULES:
        module = importlib.import_module(path)
        for name in dir(module):
            cls = getattr(module, name, None)
            if inspect.isclass(cls) and not name.startswith("_"):
                add(f"{path}.{name}", cls)
    return found


def _in_scope(qualname: str, examples) -> bool:
    text = qualname + " " + " ".join(source for source, _ in examples)
    return not any(word in text for word in _OUT_OF_SCOPE) and not _COMPLEX_LITERAL.search(text)


_COMPLEX_LITERAL = re.compile(r"\dj\b")  # 1+2j: a complex number (out of scope, see above)


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    EXAMPLES = {name: ex for name, ex in _collect().items() if _in_scope(name, ex)}


def _tg_import(name, globals=None, locals=None, fromlist=(), level=0):
    """`import torch.nn as nn` and `from torch.nn import functional` give tinygrad_edu's modules."""
    if level == 0 and (name == "torch" or name.startswith("torch.")):
        module = importlib.import_module("tinygrad_edu" + name[len("torch"):])
        return module if fromlist else tinygrad_edu
    return builtins.__import__(name, globals, locals, fromlist, level)


def _run(examples, library) -> tuple[list[str], str | None]:
    """Run the example statements in order; (what each printed, the first error or None)."""
    nn = library.nn
    namespace = {"torch": library, "nn": nn, "F": nn.functional, "np": np, "numpy": np, "math": math,
                 "itertools": itertools, "io": io}
    if library is tinygrad_edu:
        namespace["__builtins__"] = dict(vars(builtins), __import__=_tg_import)
    printed = []
    library.manual_seed(0)
    saved = _global_state(library)
    library.set_default_dtype(library.float32)  # PyTorch's default, which its examples assume
    try:
        for source, _ in examples:
            out = io.StringIO()
            try:
                try:
                    code = compile(source, "<example>", "single")
                except SyntaxError:
                    code = compile(source, "<example>", "exec")
            except SyntaxError as error:  # (a docstring whose example is not valid Python)
                return printed, f"SyntaxError: {error}"
            try:
                with contextlib.redirect_stdout(out), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    exec(code, namespace)
            except Exception as error:
                return printed, f"{type(error).__name__}: {error} (in: {source.strip()[:120]})"
            printed.append(out.getvalue())
    finally:
        _restore(library, saved)
    return printed, None


def _global_state(library) -> tuple:
    """What examples may change for the whole process (torch.set_grad_enabled(False) as a call,
    set_default_dtype, set_printoptions, ...), to be put back after them."""
    return (library.is_grad_enabled(), library.get_default_dtype(), library.is_anomaly_enabled(),
            library.are_deterministic_algorithms_enabled(), library.get_float32_matmul_precision())


def _restore(library, saved: tuple) -> None:
    grad, dtype, anomaly, deterministic, precision = saved
    library.set_grad_enabled(grad)
    library.set_default_dtype(dtype)
    library.autograd.set_detect_anomaly(anomaly)
    library.use_deterministic_algorithms(deterministic)
    library.set_float32_matmul_precision(precision)
    library.set_printoptions(profile="default")
    if library is torch:
        torch.set_default_device(None)


def _normalized(text: str) -> str:
    """Printed text with the contract's deliberate differences from PyTorch taken out."""
    text = re.sub(r"torch\.Size\(\[([^\]]*)\]\)", lambda m: _as_tuple(m.group(1)), text)
    text = re.sub(r"dtype\('(\w+)'\)", r"\1", text)
    text = re.sub(r"torch\.(float|int|uint|bool|half|double|long|short)(\d*)\b", r"\1\2", text)
    text = re.sub(r"torch\.return_types\.", "", text)
    text = re.sub(r"\(\n(\w+=)", r"(\1", text)
    text = re.sub(r",\n(\w+=)", r", \1", text)
    return text


def _as_tuple(items: str) -> str:
    parts = [p.strip() for p in items.split(",") if p.strip()]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _params():
    for name in sorted(EXAMPLES):
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name])] if name in KNOWN_GAPS else []
        yield pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("name", list(_params()))
def test_pytorch_docstring_example_runs_here(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # (some examples save files)
    examples = EXAMPLES[name]
    theirs, their_error = _run(examples, torch)
    if their_error is not None:
        pytest.skip(f"the example fails in torch itself: {their_error}")
    ours, our_error = _run(examples, tinygrad_edu)
    assert our_error is None, f"{name}: PyTorch's example fails here: {our_error}"
    if _RANDOM.search(" ".join(source for source, _ in examples)) or name in _PRINTS_DIFFER:
        return  # (random draws differ between the libraries; only running is compared)
    for (source, _), mine, reference in zip(examples, ours, theirs):
        assert _normalized(mine) == _normalized(reference), (
            f"{name}: `{source.strip()}` printed\n{mine}\nwhere PyTorch prints\n{reference}")


def test_the_examples_were_found():
    """The collection works (a torch upgrade that moved the docstrings would make this fail)."""
    assert len(EXAMPLES) > 400
    assert {"torch.cat", "torch.nn.Linear", "torch.Tensor.expand", "torch.nn.functional.one_hot"} <= set(EXAMPLES)
