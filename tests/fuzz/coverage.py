"""Which public names of the gradcheck registry the op table draws. Programs are generated as the
fuzz generates them (PyTorch runs each line as it is written; nothing is compared) and each
registry name (`Tensor.x`, `tg.x`, `tg.linalg.x`, `F.x`; the part before a case's parentheses)
is looked for in their lines.

    python -m tests.fuzz.coverage --examples 5000 [--seed 1] [--list]
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter

from hypothesis import HealthCheck, Phase, given, seed, settings

from .program import programs
from .torch_side import float64_default

# Python operators: the dunder is drawn when its symbol appears between two operands
OPERATORS = {
    "__add__": r"[\w)\]] \+ ", "__radd__": r"[\d)] \+ [vx]", "__sub__": r"[\w)\]] - ", "__rsub__": r"\d - [vx]",
    "__mul__": r"[\w)\]] \* ", "__rmul__": r"\d \* [vx]", "__truediv__": r"[\w)\]] / ",
    "__rtruediv__": r"\d / [vx]", "__pow__": r"[\w)\]] \*\* ", "__rpow__": r"\d \*\* [vx]",
    "__neg__": r"(?:^|[=(] )-[vx(]", "__matmul__": r" @ ", "__getitem__": r"[vx]\d+\[",
    "__setitem__": r"^[vx]\d+\[.*\] = ", "__eq__": r" == ", "__ne__": r" != ", "__lt__": r" < ",
    "__le__": r" <= ", "__gt__": r" > ", "__ge__": r" >= ", "__invert__": r"~[vx]", "__and__": r" & ",
    "__or__": r" \| ", "__iadd__": r" \+= ", "__isub__": r" -= ", "__imul__": r" \*= ",
    "__itruediv__": r" /= ", "__mod__": r" % ", "__floordiv__": r" // ",
}
NAMESPACES = {"tg", "F", "linalg", "special", "fft", "nn", "np", "functional", "torch"}


def registry_names() -> list[str]:
    """The public names the gradcheck registry holds (one per name, not per case)."""
    from tests.registry import load_all
    return sorted({re.sub(r"\(.*$", "", key).strip() for key in load_all()})


def drawn_lines(examples: int, random_seed: int | None) -> list[str]:
    lines: list[str] = []

    @settings(max_examples=examples, derandomize=random_seed is None, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(programs(5))
    def one(program) -> None:
        lines.extend(step.line for step in program.steps)

    if random_seed is not None:
        one = seed(random_seed)(one)
    with float64_default():
        one()
    return lines


def used_names(lines: list[str]) -> set[str]:
    """Every `tg.…`, `F.…` and method name the lines call or read, as registry names."""
    used: set[str] = set()
    for line in lines:
        used |= {f"tg.{m}" for m in re.findall(r"\btg\.([A-Za-z_][\w.]*)", line)}
        used |= {f"F.{m}" for m in re.findall(r"\bF\.(\w+)", line)}
        for owner, attr in re.findall(r"(\w+|\)|\])\.(\w+)", line):
            if owner not in NAMESPACES and not owner.isdigit():
                used.add(f"Tensor.{attr}")
        used |= {f"Tensor.{d}" for d, pattern in OPERATORS.items() if re.search(pattern, line)}
    # "tg.linalg.inv" is read as tg.linalg.inv and as the prefixes tg.linalg: both are kept
    return used


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--list", action="store_true", help="print every name that is not drawn")
    args = parser.parse_args(argv)
    names = registry_names()
    used = used_names(drawn_lines(args.examples, args.seed))
    missed = [n for n in names if n not in used]
    print(f"registry names: {len(names)}; drawn in {args.examples} programs: {len(names) - len(missed)}; "
          f"not drawn: {len(missed)}")
    print("not drawn, by prefix:", dict(Counter(n.split(".")[0] for n in missed)))
    if args.list:
        for n in missed:
            print(" ", n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
