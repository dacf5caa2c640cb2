"""Nested structures ("pytrees") of torch.func: tuples, lists and dicts of Tensors (or anything
else, a leaf), flattened to a list of leaves and a spec that rebuilds the same structure."""
from __future__ import annotations

from typing import Any, Callable


def flatten(tree: Any) -> tuple[list, Any]:
    """(leaves in order, spec); a leaf's spec is None."""
    if isinstance(tree, (tuple, list)):
        leaves, specs = [], []
        for item in tree:
            sub, spec = flatten(item)
            leaves += sub
            specs.append((spec, len(sub)))
        return leaves, (type(tree), None, specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for item in tree.values():
            sub, spec = flatten(item)
            leaves += sub
            specs.append((spec, len(sub)))
        return leaves, (type(tree), list(tree), specs)
    return [tree], None


def unflatten(leaves: list, spec: Any) -> Any:
    """The structure `spec` (from `flatten`) with `leaves` in place of the old ones."""
    if spec is None:
        return leaves[0]
    kind, keys, specs = spec
    items, start = [], 0
    for sub_spec, n in specs:
        items.append(unflatten(leaves[start:start + n], sub_spec))
        start += n
    if keys is not None:
        return kind(zip(keys, items))
    if hasattr(kind, "_fields"):  # a namedtuple
        return kind(*items)
    return kind(items)


def same_structure(a: Any, b: Any) -> bool:
    """Do two specs describe the same nesting (kinds of containers, keys, lengths)?"""
    if a is None or b is None:
        return a is None and b is None
    return (a[0] is b[0] and a[1] == b[1] and len(a[2]) == len(b[2])
            and all(same_structure(x[0], y[0]) for x, y in zip(a[2], b[2])))


def broadcast(prefix: Any, tree: Any, what: str, error: Callable[[str], Exception]) -> list:
    """One entry of `prefix` per leaf of `tree`: an int or None in `prefix` covers a whole
    subtree (as vmap's in_dims / out_dims); otherwise `prefix` must nest like `tree`."""
    if prefix is None or isinstance(prefix, int):
        return [prefix] * len(flatten(tree)[0])
    if isinstance(prefix, (tuple, list)) and isinstance(tree, (tuple, list)) and len(prefix) == len(tree):
        return [d for p, t in zip(prefix, tree) for d in broadcast(p, t, what, error)]
    if isinstance(prefix, dict) and isinstance(tree, dict) and set(prefix) == set(tree):
        return [d for k in tree for d in broadcast(prefix[k], tree[k], what, error)]
    raise error(f"{what} is not compatible with the structure: {what}={prefix!r} but the values are "
                f"{type(tree).__name__}{'' if not hasattr(tree, '__len__') else f' of length {len(tree)}'}")
