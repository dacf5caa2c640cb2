"""Differential fuzz of `tinygrad_edu.optim` (optimizers and learning-rate schedulers) against
`torch.optim`.

Each configuration (drawn by `optim_cases.draw_config`) runs in both libraries in lockstep, in
float64 (PyTorch's default dtype is set to float64 for the run, so its scalar state is float64
as ours): build the optimizer (its constructor options, 1-3 parameter groups, maybe a 0-d tensor
lr or an invalid option), maybe a scheduler (maybe resumed with `last_epoch`), then for every
step `zero_grad(set_to_none=...)` or not, the same gradients (some None), `step()` (with a
closure for L-BFGS), the scheduler's step (a metric for ReduceLROnPlateau, fractional epochs for
CosineAnnealingWarmRestarts), maybe `add_param_group`, maybe a state-dict round trip into a new
optimizer and scheduler (our state dict, or PyTorch's loaded into ours). After every event the
two are compared: the parameters (1e-12 relative), every group's lr (and momentum/betas, which
cyclic schedulers change), `get_last_lr()`, the optimizer state, and exceptions (their type).

    python -m tests.fuzz.optim_fuzz --examples 2000 --seed 1
    python -m tests.fuzz.optim_fuzz --seed 1 --show 123      # one configuration, in detail

Muon runs PyTorch's Newton–Schulz iteration in float64 instead of bfloat16 here (see KNOWN);
everything else is PyTorch's own code.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import inspect
import warnings
from collections import defaultdict
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any, Callable, Iterator

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.optim as tg_optim

from .optim_cases import LAMBDAS, draw_config

RTOL = 1e-12
# L-BFGS's directions come from differences of nearly equal gradients near convergence, so the
# last-bit differences of PyTorch's and numpy's sums grow there (to ~1e-8 after a few steps)
RTOL_BY_OPTIMIZER = {"LBFGS": 1e-6}


@dataclass(frozen=True)
class KnownOptim:
    """A deliberate difference, not reported (each mirrors a row of docs/from-pytorch.md)."""
    match: Callable[[dict, dict], bool]   # (configuration, difference) -> is it this one?
    reason: str


def _groups(cfg: dict) -> list[dict]:
    """Every parameter group's options as the optimizer sees them (constructor's + group's)."""
    added = [cfg["added_group"]] if cfg["added_group"] else []
    return [{**cfg["defaults"], **g["options"]} for g in cfg["groups"] + added]


def _params_close(found: dict, rtol: float) -> bool:
    torch_rec, ours_rec = found["torch"] or {}, found["ours"] or {}
    return "params" in torch_rec and "params" in ours_rec and all(
        _close(a, b, rtol=rtol) for a, b in zip(torch_rec["params"], ours_rec["params"]))


def _has_nan(record: dict | None) -> bool:
    return bool(record and "params" in record and any(np.isnan(p).any() for p in record["params"]))


KNOWN: list[KnownOptim] = [
    KnownOptim(lambda cfg, found: cfg["optimizer"] == "Adagrad" and found["kind"][1] in ("state", "param") and any(
        g.get("initial_accumulator_value", 0) != cfg["defaults"].get("initial_accumulator_value", 0)
        for g in _groups(cfg)),
        "Adagrad's initial_accumulator_value given in a parameter group: PyTorch ignores it and starts every "
        "group's sum at the constructor's value; here each group's own value is used (a PyTorch bug)"),
    KnownOptim(lambda cfg, found: cfg["optimizer"] == "SGD" and any(
        g.get("foreach") and g.get("nesterov") for g in _groups(cfg)),
        "SGD(foreach=True, nesterov=True): PyTorch's foreach kernel adds momentum·buf to p.grad in place "
        "(when maximize=False and weight_decay=0), so a gradient used again at the next step is wrong; here "
        ".grad is never changed by step() (a PyTorch bug)"),
    KnownOptim(lambda cfg, found: cfg["optimizer"] == "RMSprop" and found["kind"][1] in ("param", "state") and any(
        g.get("centered") and g.get("alpha", 0.99) == 0 for g in _groups(cfg)),
        "RMSprop(centered=True, alpha=0): the variance v - ḡ² = g² - g² is 0; PyTorch computes it with a "
        "fused multiply-add, which leaves the rounding error of g·g (±1e-24 for g ~ 1e-3), so its sqrt is nan "
        "or ~1e-12 instead of 0 and the step differs; here it is 0"),
    KnownOptim(lambda cfg, found: cfg["optimizer"] == "RAdam" and _has_nan(found["torch"])
               and not _has_nan(found["ours"]) and any(g.get("foreach") and g.get("eps", 1e-8) == 0
                                                       for g in _groups(cfg)),
        "RAdam(foreach=True, eps=0): before the variance is tractable (ρ_t <= 5) PyTorch's foreach kernel "
        "still computes (√v + eps) / 0 for the adaptive term, which is 0/0 = nan where v = 0 (a gradient "
        "that was 0), and the nan reaches the parameter; PyTorch's default (foreach=False) and ours give "
        "the unrectified step"),
    KnownOptim(lambda cfg, found: cfg["optimizer"] == "LBFGS" and cfg["lr_tensor"] and cfg["scheduler"] is not None,
        "L-BFGS with a Tensor lr: PyTorch keeps the lr Tensor itself as state['t'] (t = lr), so a scheduler "
        "that changes the lr in place also changes the last step length used for the next curvature pair; "
        "here state['t'] is a number (a PyTorch bug)"),
    KnownOptim(lambda cfg, found: cfg["optimizer"] == "LBFGS" and found["kind"][1] in ("param", "state")
               and _params_close(found, 1e-4),
        "L-BFGS near convergence (or with tiny steps) its curvature pairs are differences "
        "of nearly equal gradients, so the last-bit differences of PyTorch's and numpy's sums decide the line "
        "search's branches and the number of iterations; the parameters still agree to 1e-4"),
    KnownOptim(lambda cfg, found: cfg["optimizer"] == "SGD" and cfg["defaults"].get("fused")
               and found["kind"][2] == "torch TypeError vs ours no error",
        "SGD(fused=True, momentum>0): PyTorch's fused kernel raises TypeError ('expected Tensor ... but got "
        "NoneType') at a step where some parameters already have a momentum buffer and others (which had no "
        "gradient before) do not; here such a parameter starts its buffer as in the unfused SGD (a PyTorch bug)"),
    KnownOptim(lambda cfg, found: cfg["optimizer"] == "Muon" and cfg["invalid"] in ("ns_steps", "ns_coefficients")
               and found["kind"][1] == "exception",
        "Muon with ns_steps >= 100 or ns_coefficients not of length 3: the same ValueError, raised by the "
        "constructor here, by the first step in PyTorch"),
    KnownOptim(lambda cfg, found: cfg["invalid"] is None and found["kind"][1] == "exception"
               and "torch no error vs ours ValueError" in found["kind"][2]
               and ("add_param_group" in found["event"] or found["event"] == "construct optimizer"),
        "the options of every parameter group are checked (groups given as dicts, add_param_group); PyTorch "
        "checks only the constructor's arguments (e.g. a Tensor lr that a scheduler rounded to -1e-19 and that "
        "a group added later takes as its default)"),
]


# ---- the two sides ---------------------------------------------------------------------------

class Side:
    """What differs between running a configuration with torch and with tinygrad_edu."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name == "torch":
            import torch
            self.lib, self.optim = torch, torch.optim
        else:
            self.lib, self.optim = tg, tg_optim

    def tensor(self, value, requires_grad: bool = False):
        return self.lib.tensor(np.array(value, dtype=np.float64), requires_grad=requires_grad)

    def set_grad(self, p, grad: np.ndarray, sparse: bool) -> None:
        g = self.lib.tensor(grad.copy())
        if sparse and self.name == "torch":
            g = g.to_sparse(1)  # the rows that are not zero, as an embedding's sparse gradient
        p.grad = g

    def numpy(self, value) -> Any:
        if isinstance(value, (list, tuple)):
            return [self.numpy(v) for v in value]
        if value is None or isinstance(value, (bool, str)):
            return value
        if self.name == "torch" and isinstance(value, self.lib.Tensor):
            return value.detach().to_dense().numpy().copy() if value.is_sparse else value.detach().numpy().copy()
        if isinstance(value, tg.Tensor):
            return np.array(value.data, copy=True)
        return np.array(value, dtype=np.float64)


def _float(x) -> float:
    return float(x.item()) if hasattr(x, "item") else float(x)


@contextlib.contextmanager
def torch_float64():
    """PyTorch in float64 by default (as ours), with Muon's Newton–Schulz iteration in float64."""
    import torch
    import torch.optim._muon as muon
    previous = torch.get_default_dtype()
    original_ns = muon._zeropower_via_newtonschulz

    def newton_schulz_float64(grad, ns_coefficients, ns_steps, eps):
        if ns_steps >= 100:
            raise ValueError("Number of steps must be less than 100 for computational efficiency")
        if len(ns_coefficients) != 3:
            raise ValueError("Coefficients must be a tuple of exactly 3 values")
        a, b, c = ns_coefficients
        x = grad.clone()
        if grad.size(0) > grad.size(1):
            x = x.T
        x.div_(x.norm().clamp(min=eps))
        for _ in range(ns_steps):
            gram = x @ x.T
            x = torch.addmm(x, torch.addmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
        return x.T if grad.size(0) > grad.size(1) else x

    torch.set_default_dtype(torch.float64)
    muon._zeropower_via_newtonschulz = newton_schulz_float64
    try:
        yield
    finally:
        torch.set_default_dtype(previous)
        muon._zeropower_via_newtonschulz = original_ns


# ---- running one configuration on one side --------------------------------------------------

def _constructor_kwargs(cfg: dict, side: Side) -> dict:
    kwargs = dict(cfg["defaults"])
    if cfg["lr_tensor"]:
        kwargs["lr"] = side.tensor(kwargs["lr"])
    return kwargs


def _default_lr(side: Side, name: str) -> float:
    return inspect.signature(getattr(side.optim, name)).parameters["lr"].default


def _build_groups(cfg: dict, side: Side, params: list, specs: list[dict]) -> list[dict]:
    groups = []
    for spec in specs:
        group = {"params": [params[i] for i in spec["params"]], **copy.deepcopy(spec["options"])}
        if cfg["initial_lr_in_groups"]:
            group["initial_lr"] = group.get("lr", cfg["defaults"].get("lr", _default_lr(side, cfg["optimizer"])))
        groups.append(group)
    return groups


def _make_scheduler(side: Side, spec: dict, opt, last_epoch: int = -1):
    S = side.optim.lr_scheduler
    name, kwargs = spec["name"], dict(spec["kwargs"])
    if "lr_lambda" in kwargs:
        fn = kwargs["lr_lambda"]
        kwargs["lr_lambda"] = [LAMBDAS[f] for f in fn] if isinstance(fn, list) else LAMBDAS[fn]
    if name == "SequentialLR":
        children = [_make_scheduler(side, child, opt) for child in spec["children"]]
        return S.SequentialLR(opt, children, **kwargs)
    if name == "ChainedScheduler":
        children = [_make_scheduler(side, child, opt) for child in spec["children"]]
        return S.ChainedScheduler(children, optimizer=opt if kwargs["pass_optimizer"] else None)
    if name == "ReduceLROnPlateau":
        return S.ReduceLROnPlateau(opt, **kwargs)
    if name == "SWALR":
        return side.optim.swa_utils.SWALR(opt, last_epoch=last_epoch, **kwargs)
    return getattr(S, name)(opt, last_epoch=last_epoch, **kwargs)


def _closure(side: Side, cfg: dict, params: list, holder: dict):
    """L-BFGS's closure: a smooth loss Σ w·(p - 0.3)² + 0.1·p⁴ of all parameters."""
    weights = [side.tensor(w) for w in cfg["lbfgs_weights"]]

    def closure():
        holder["opt"].zero_grad()
        loss = 0.0
        for p, w in zip(params, weights):
            loss = loss + (w * (p - 0.3) ** 2).sum() + 0.1 * (p ** 4).sum()
        loss.backward()
        return loss
    return closure


def _record(side: Side, opt, sched, params: list) -> dict:
    rec: dict[str, Any] = {"params": [side.numpy(p) for p in params],
                           "lr": [_float(g["lr"]) for g in opt.param_groups]}
    for key in ("momentum", "betas"):
        if key in opt.param_groups[0]:
            rec[key] = [side.numpy(g.get(key)) for g in opt.param_groups]
    state = {}
    for i, p in enumerate(params):
        if p in opt.state and opt.state[p]:
            state[i] = {k: side.numpy(v) for k, v in opt.state[p].items()}
    rec["state"] = state
    if sched is not None:
        rec["last_lr"] = [_float(x) for x in sched.get_last_lr()]
        rec["last_epoch"] = getattr(sched, "last_epoch", None)
    return rec


def run_side(cfg: dict, side: Side, mailbox: dict) -> Iterator[tuple[str, dict]]:
    """Run `cfg`, yielding (event, record) after every event, or (event, {"exception": ...})
    and stopping at the first exception. `mailbox` passes PyTorch's state dict to our side
    (PyTorch's side runs first at every event)."""
    name = cfg["optimizer"]
    event = "construct optimizer"
    try:
        params = [side.tensor(a, requires_grad=True) for a in cfg["initial"]]
        specs = list(cfg["groups"])
        cls = getattr(side.optim, name)
        opt = cls(_build_groups(cfg, side, params, specs), **_constructor_kwargs(cfg, side))
        holder = {"opt": opt}
        sched = None
        if cfg["scheduler"] is not None:
            event = f"construct {cfg['scheduler']['name']}"
            sched = _make_scheduler(side, cfg["scheduler"], opt, cfg["last_epoch"])
        yield event, _record(side, opt, sched, params)
        closure = _closure(side, cfg, params, holder) if name == "LBFGS" else None
        for i, step in enumerate(cfg["steps"]):
            event = f"step {i}: optimizer"
            if step["zero_grad"] is not None:
                opt.zero_grad(set_to_none=step["zero_grad"])
            for p, grad in zip(params, step["grads"]):
                if grad is not None and name != "LBFGS":
                    side.set_grad(p, grad, sparse=name == "SparseAdam")
            opt.step(closure) if closure is not None else opt.step()
            if sched is not None:
                event = f"step {i}: {cfg['scheduler']['name']}.step"
                if cfg["scheduler"]["name"] == "ReduceLROnPlateau":
                    sched.step(step["metric"])
                elif step["epoch"] is not None:
                    sched.step(step["epoch"])
                else:
                    sched.step()
            if cfg["add_at"] == i:
                event = f"step {i}: add_param_group"
                opt.add_param_group(_build_groups(cfg, side, params, [cfg["added_group"]])[0])
                specs.append(cfg["added_group"])
            if cfg["roundtrip_at"] == i:
                event = f"step {i}: state_dict round trip"
                saved_opt = opt.state_dict()
                saved_sched = sched.state_dict() if sched is not None else None
                if side.name == "torch":
                    mailbox["torch_state_dict"] = copy.deepcopy(saved_opt)
                elif cfg["roundtrip_kind"] == "torch" and not cfg["lr_tensor"]:
                    saved_opt = mailbox["torch_state_dict"]
                opt = cls(_build_groups(cfg, side, params, specs), **_constructor_kwargs(cfg, side))
                holder["opt"] = opt
                if sched is not None:
                    sched = _make_scheduler(side, cfg["scheduler"], opt)
                opt.load_state_dict(saved_opt)
                if sched is not None:
                    sched.load_state_dict(saved_sched)
            event = f"step {i}"
            yield event, _record(side, opt, sched, params)
    except Exception as error:  # noqa: BLE001 -- every exception is an outcome to compare
        yield event, {"exception": type(error).__name__, "message": str(error)[:200]}


# ---- comparing ------------------------------------------------------------------------------

def _scale(value) -> float:
    """The largest finite magnitude in a (nested) value: differences are measured against it."""
    if isinstance(value, list):
        return max([_scale(v) for v in value] + [0.0])
    if value is None or isinstance(value, str):
        return 0.0
    array = np.abs(np.asarray(value, dtype=np.float64))
    array = array[np.isfinite(array)]
    return float(array.max()) if array.size else 0.0


def _close(a, b, scale: float | None = None, rtol: float = RTOL) -> bool:
    """a equals b up to RTOL, relative to each value and to the scale of the whole (a list of
    arrays, as L-BFGS's history, shares one scale)."""
    if scale is None:
        scale = _scale(b)
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(_close(x, y, scale, rtol) for x, y in zip(a, b)))
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a == b
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size != b.size:
        return False
    a, b = a.reshape(-1), b.reshape(-1)
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if not np.array_equal(np.isinf(a), np.isinf(b)) or not np.array_equal(a[np.isinf(a)], b[np.isinf(b)]):
        return False
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    return bool(np.all(np.abs(a - b) <= rtol * (np.abs(b) + max(scale, 1e-300))))


def compare(torch_rec: dict | None, ours_rec: dict | None, rtol: float = RTOL) -> tuple[str, str] | None:
    """None if the records agree, else (what, detail)."""
    if torch_rec is None or ours_rec is None:
        return ("events", "one side ran more events")
    te, oe = torch_rec.get("exception"), ours_rec.get("exception")
    if te or oe:
        if te == oe:
            return None
        return ("exception", f"torch {te or 'no error'} vs ours {oe or 'no error'}")
    for key in ("lr", "last_lr", "last_epoch", "momentum", "betas"):
        if key in torch_rec or key in ours_rec:
            if not _close(torch_rec.get(key), ours_rec.get(key), rtol=RTOL):
                return (key, "")
    for a, b in zip(torch_rec["params"], ours_rec["params"]):
        if not _close(a, b, rtol=rtol):
            return ("param", f"shape {np.shape(a)}")
    ts, os_ = torch_rec["state"], ours_rec["state"]
    if set(ts) != set(os_):
        return ("state", f"params with state: torch {sorted(ts)} vs ours {sorted(os_)}")
    for i in ts:
        if set(ts[i]) != set(os_[i]):
            return ("state keys", f"torch {sorted(ts[i])} vs ours {sorted(os_[i])}")
        for k in ts[i]:
            if not _close(ts[i][k], os_[i][k], rtol=rtol):
                return ("state", k)
    return None


def subject(cfg: dict, what: str, event: str) -> str:
    """Who a difference is about: the scheduler for lrs and scheduler events, else the optimizer."""
    sched = cfg["scheduler"]
    if sched is not None and (what in ("lr", "last_lr", "last_epoch", "momentum", "betas")
                              or sched["name"] in event):
        inner = "+".join(c["name"] for c in sched["children"])
        return f"{sched['name']}({inner})" if inner else sched["name"]
    return cfg["optimizer"]


def run_config(cfg: dict) -> dict | None:
    """Run one configuration in both libraries; the first difference, or None."""
    mailbox: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = zip_longest(run_side(cfg, Side("torch"), mailbox), run_side(cfg, Side("ours"), mailbox))
        for torch_out, ours_out in runs:
            raised = [out for out in (ours_out, torch_out) if out and "exception" in out[1]]
            event = (raised or [torch_out or ours_out])[0][0]
            found = compare(torch_out and torch_out[1], ours_out and ours_out[1],
                            RTOL_BY_OPTIMIZER.get(cfg["optimizer"], RTOL))
            if found:
                what, detail = found
                return {"kind": (subject(cfg, what, event), what, detail), "event": event,
                        "torch": torch_out and torch_out[1], "ours": ours_out and ours_out[1]}
            if torch_out and "exception" in torch_out[1]:
                return None
    return None


def known_reason(cfg: dict, found: dict) -> str | None:
    for known in KNOWN:
        if known.match(cfg, found):
            return known.reason
    return None


def config_rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, index])


def fuzz(examples: int, seed: int, optimizer: str | None = None) -> tuple[dict, int, dict]:
    """Run `examples` configurations; ({kind: [(index, difference, cfg)]}, count, {reason: n})."""
    differences: dict[tuple, list] = defaultdict(list)
    skipped: dict[str, int] = defaultdict(int)
    with torch_float64():
        for index in range(examples):
            cfg = draw_config(config_rng(seed, index), optimizer)
            found = run_config(cfg)
            if found is None:
                continue
            reason = known_reason(cfg, found)
            if reason:
                skipped[reason] += 1
            else:
                differences[found["kind"]].append((index, found, cfg))
    return differences, examples, skipped


def describe(cfg: dict) -> str:
    """A short, readable summary of a configuration (arrays left out)."""
    lines = [f"optimizer {cfg['optimizer']}({cfg['defaults']}) lr_tensor={cfg['lr_tensor']} "
             f"invalid={cfg['invalid']}",
             f"  shapes {cfg['shapes']} groups {[(g['params'], g['options']) for g in cfg['groups']]}",
             f"  {len(cfg['steps'])} steps; zero_grad {[s['zero_grad'] for s in cfg['steps']]}; "
             f"grad None at {[[i for i, g in enumerate(s['grads']) if g is None] for s in cfg['steps']]}",
             f"  add_param_group at {cfg['add_at']}: {cfg['added_group']}; round trip at {cfg['roundtrip_at']} "
             f"({cfg['roundtrip_kind']})",
             f"  scheduler {cfg['scheduler']} last_epoch={cfg['last_epoch']} "
             f"initial_lr_in_groups={cfg['initial_lr_in_groups']}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--optimizer", default=None, help="only this optimizer")
    parser.add_argument("--show", type=int, default=None, help="run and describe one configuration")
    args = parser.parse_args(argv)
    if args.show is not None:
        cfg = draw_config(config_rng(args.seed, args.show), args.optimizer)
        print(describe(cfg))
        with torch_float64():
            found = run_config(cfg)
        if found is None:
            print("no difference")
        else:
            print(f"difference {found['kind']} at {found['event']}")
            print(f"  torch: {found['torch']}\n  ours:  {found['ours']}")
        return 0
    differences, count, skipped = fuzz(args.examples, args.seed, args.optimizer)
    total = sum(len(v) for v in differences.values())
    print(f"{count} configurations (seed {args.seed}): {total} with a difference, {len(differences)} kinds; "
          f"{sum(skipped.values())} known")
    for kind, cases in sorted(differences.items(), key=lambda kv: -len(kv[1])):
        index, found, _ = cases[0]
        print(f"{len(cases):5d}  {' | '.join(kind)}   (e.g. --show {index}, at {found['event']})")
        for side in ("torch", "ours"):
            rec = found[side] or {}
            if "exception" in rec:
                print(f"         {side}: {rec['exception']}: {rec['message']}")
    for reason, n in skipped.items():
        print(f"known ({n}): {reason}")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
