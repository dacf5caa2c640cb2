"""W1's cost per op in machine instructions, counted by valgrind: a measure that does not move
when the machine is busy.

CPU-time ratios on a shared machine wander by several percent from run to run, which hides the
small changes that per-op work is made of. Instruction counts are exact and repeatable, so this
script is the tool for those: it runs the W1 chain of bench/ops.py (100 ops on float32 (4,),
forward + backward) under `valgrind --tool=callgrind` twice, for `--few` and `--many` chains, and
divides the difference by the number of ops in between -- start-up, imports and the first call
cancel out. It does the same for the hand-written numpy chain, and prints both and their ratio.

Fewer instructions is not always less time (a cache miss costs more than an add), so confirm a
change with bench/ops.py; but on this workload the two have moved together.

    python bench/instructions.py                # needs valgrind (apt-get install valgrind)
    python bench/instructions.py --few 5 --many 20 --json bench/results/instructions.json
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

from report import write_report  # bench/report.py (the script's folder is on sys.path)

N_OPS = 100  # ops per chain (bench/ops.py)

_RUN_CHAINS = """
import sys
sys.path.insert(0, {bench!r})
import numpy as np
which, n = sys.argv[1], int(sys.argv[2])
if which == "tinygrad_edu":
    from ops import chain_tinygrad as chain
else:  # (numpy's run does not import tinygrad_edu: half the time under valgrind)
    from w1_chain import chain_numpy as chain
x0 = np.random.default_rng(0).random(4).astype(np.float32)
c = np.full(4, 0.5, np.float32)
for _ in range(n):
    chain(x0, c)
"""


def instructions(script: str, which: str, chains: int) -> int:
    """Instructions valgrind counts for a whole run of `chains` chains."""
    env = dict(os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1")  # the same run every time
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable, script,
             which, str(chains)], capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected\s*:\s*([\d,]+)", out.stderr)
    if found is None:
        raise RuntimeError(f"valgrind gave no instruction count:\n{out.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_op(script: str, which: str, few: int, many: int) -> float:
    # one plain run first, so that both counted runs import from the same compiled .pyc files (a
    # source file changed since its last import would be compiled inside one of them only)
    subprocess.run([sys.executable, script, which, "0"], check=True, capture_output=True)
    return (instructions(script, which, many) - instructions(script, which, few)) / ((many - few) * N_OPS)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=10, help="chains in the shorter run")
    parser.add_argument("--many", type=int, default=40, help="chains in the longer run")
    parser.add_argument("--json", default="bench/results/instructions.json")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/instructions.py needs valgrind: sudo apt-get install valgrind")
    bench = os.path.dirname(os.path.abspath(__file__))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(_RUN_CHAINS.format(bench=bench))
    try:
        counts = {which: per_op(f.name, which, args.few, args.many) for which in ("numpy", "tinygrad_edu")}
    finally:
        os.unlink(f.name)
    print(f"W1 chain, forward + backward, instructions per op (callgrind, {args.many} - {args.few} chains):")
    print(f"  numpy (by hand)  {counts['numpy']:9.0f}")
    print(f"  tinygrad_edu     {counts['tinygrad_edu']:9.0f}   (numpy / tinygrad_edu = "
          f"{counts['numpy'] / counts['tinygrad_edu']:.3f})")
    report = {"workload": "W1 chain of bench/ops.py, forward + backward, instructions per op (callgrind)",
              "chains": [args.few, args.many], "instructions_per_op": counts,
              "ratio": counts["numpy"] / counts["tinygrad_edu"]}
    return write_report(report, args.json)


if __name__ == "__main__":
    main()
