"""Standalone differential fuzz run: every difference is collected (the run does not stop at the
first), grouped into distinct kinds, one example of each is shrunk, and a summary is printed.

    python -m tests.fuzz.run --examples 5000 --report fuzz.json --markdown fuzz.md
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from .collect import Results, collect, reproducer, shrink

CATEGORY_ORDER = ["nan/inf", "value", "aliasing", "shape", "structure", "dtype", "requires_grad",
                  "raises", "no error", "error type", "grad", "grad2", "missing", "warning", "harness"]


def _order(key: tuple) -> tuple:
    op, category, detail = key
    head = category.split(":")[0]
    return (CATEGORY_ORDER.index(head) if head in CATEGORY_ORDER else 99, category, op, detail)


def summarize(results: Results, shrink_budget: int = 300) -> list[dict]:
    """One record per distinct kind, with a shrunk reproducer, most serious categories first."""
    kinds = []
    for key in sorted(results.kinds, key=_order):
        diff = results.kinds[key][0]
        small = shrink(diff, shrink_budget) if diff.category not in ("missing", "harness") else diff
        kinds.append({"op": key[0], "category": key[1], "detail": key[2], "programs": results.counts[key],
                      "known": diff.reason_known, "code": reproducer(small),
                      "tinygrad_edu": small.ours, "torch": small.theirs})
    return kinds


def markdown(results: Results, kinds: list[dict], command: str) -> str:
    real = [k for k in kinds if not k["known"] and k["category"] not in ("warning", "missing")]
    missing = [k for k in kinds if k["category"] == "missing" and not k["known"]]
    warned = [k for k in kinds if k["category"] == "warning"]
    known = [k for k in kinds if k["known"]]
    lines = [
        "# Differential fuzz: tinygrad_edu against PyTorch", "",
        f"Command: `{command}`", "",
        f"- programs run: **{results.programs}** ({results.seconds:.0f} s)",
        f"- programs with a difference (not counting warnings and documented differences): "
        f"**{results.differing}**",
        f"- programs whose only difference is a warning: {results.warning_only}; only documented "
        f"differences: {results.known_only}",
        f"- distinct kinds: {len(real)} behaviour differences, {len(missing)} missing names, "
        f"{len(warned)} warnings only tinygrad_edu gives, {len(known)} documented (not failures)", "",
        "Each program is run with `tg = tinygrad_edu` and with `tg = torch` "
        "(`torch.set_default_dtype(torch.float64)`, `F = torch.nn.functional`). A kind is "
        "(op, what differed, detail); its example below was shrunk from the smallest program that "
        "showed it. For gradients, `loss` is Σ w·v over the values that require grad.", "",
        "| # | op | what differs | detail | programs |", "|---|---|---|---|---|",
    ]
    for i, k in enumerate(real + missing + warned + known, 1):
        lines.append(f"| {i} | {k['op']} | {k['category']} | {k['detail']} | {k['programs']} |")
    for title, group in (("Behaviour differences", real), ("Missing names", missing),
                         ("Warnings only tinygrad_edu gives", warned), ("Documented differences", known)):
        if not group:
            continue
        lines += ["", f"## {title}"]
        for k in group:
            lines += ["", f"### {k['op']}: {k['category']}" + (f" ({k['detail']})" if k["detail"] else ""),
                      "", f"{k['programs']} programs." + (f" Documented: {k['known']}" if k["known"] else ""),
                      "", "```text", k["code"], "```", "",
                      f"- tinygrad_edu: `{_one_line(k['tinygrad_edu'])}`",
                      f"- torch: `{_one_line(k['torch'])}`"]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("`", "'")[:400]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="programs to run (default 2000)")
    parser.add_argument("--max-steps", type=int, default=5, help="lines per program (default 5)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: derandomized)")
    parser.add_argument("--report", help="write the kinds as JSON here")
    parser.add_argument("--markdown", help="write the summary as Markdown here")
    args = parser.parse_args(argv)

    last = [time.perf_counter()]

    def progress(results: Results) -> None:
        if time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  {results.programs} programs, {results.differing} differing, "
                  f"{len(results.real_kinds())} kinds", file=sys.stderr)

    results = collect(args.examples, args.max_steps, args.seed, progress)
    kinds = summarize(results)
    command = "python -m tests.fuzz.run " + " ".join(argv if argv is not None else sys.argv[1:])
    text = markdown(results, kinds, command)
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"programs": results.programs, "differing": results.differing,
                       "seconds": results.seconds, "kinds": kinds}, f, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    table = text.split("| # |")[0] + "| # |" + text.split("| # |")[1].split("\n## ")[0]
    print(table)
    return 0 if not results.real_kinds() else 1


if __name__ == "__main__":
    sys.exit(main())
