"""What the training commands share: one BLAS thread by default, a progress bar, loss curves.

Importing this module changes nothing; each function acts only when an example calls it.

- `limit_blas_threads(n)`: numpy's OpenBLAS starts one thread per core. The examples multiply
  small matrices, where the extra threads only wait for each other, and on a machine whose
  cores are busy that made a ListOps run 11 times slower. So the command line sets one thread,
  unless the user chose: `--threads N`, or `OPENBLAS_NUM_THREADS` / `OMP_NUM_THREADS` in the
  environment. It uses threadpoolctl, which changes the limit after numpy is loaded.
- `run_example(main, argv)`: takes `--threads N` out of the arguments, sets the limit, runs `main`.
- `examples_package()`: the examples as `tinygrad_edu.examples`, installed or from a source checkout.
- `progress(iterable, ...)`: a tqdm bar with ETA when tqdm is installed and the run is long.
- `plot_curves(path, curves)`: loss and accuracy curves as a PNG (matplotlib, Agg backend).
"""
from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")

_limiter = None  # the threadpoolctl object must stay alive for the limit to hold


def limit_blas_threads(threads: int | None = None) -> str:
    """Limit numpy's BLAS to `threads` threads (None: 1, unless the environment sets a number).

    Returns a short description of what was done (for a header line). Without threadpoolctl
    and without a thread variable set, numpy's default stays, and a hint says so on stderr.
    """
    global _limiter
    if threads is None:
        chosen = [name for name in THREAD_VARIABLES if os.environ.get(name)]
        if chosen:
            return f"BLAS threads as set by {chosen[0]}={os.environ[chosen[0]]}"
        threads = 1
    if threads < 1:
        raise ValueError(f"--threads must be at least 1, got {threads}")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        hint = ("BLAS threads: numpy's default (install threadpoolctl, or set OPENBLAS_NUM_THREADS=1, "
                "to use one thread)")
        print(hint, file=sys.stderr)
        return hint
    _limiter = threadpool_limits(limits=threads, user_api="blas")
    return f"BLAS threads: {threads}"


def pop_threads_option(argv: Sequence[str]) -> tuple[list[str], int | None]:
    """Split `--threads N` (or `--threads=N`) off an argument list: (the rest, N or None)."""
    rest: list[str] = []
    threads = None
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        if item == "--threads" or item.startswith("--threads="):
            value = item.partition("=")[2] if "=" in item else (items[i + 1] if i + 1 < len(items) else "")
            i += 1 if "=" in item else 2
            try:
                threads = int(value)
            except ValueError:
                raise SystemExit(f"--threads needs a whole number of threads, got {value!r}") from None
            continue
        rest.append(item)
        i += 1
    return rest, threads


def examples_package() -> ModuleType:
    """The package `tinygrad_edu.examples`.

    An install maps the folder `examples/` to `tinygrad_edu.examples`. In a plain source checkout
    (`PYTHONPATH=. python -m tinygrad_edu mazur`) there is no such mapping, so the folder next
    to the package is registered under that name, and `from tinygrad_edu.examples import x`
    works the same way in both.
    """
    try:
        return importlib.import_module("tinygrad_edu.examples")
    except ModuleNotFoundError as error:
        if error.name != "tinygrad_edu.examples":
            raise
    folder = Path(__file__).resolve().parent.parent / "examples"
    init = folder / "__init__.py"
    if not init.is_file():
        raise ModuleNotFoundError(
            f"the examples are neither installed (tinygrad_edu.examples) nor in {folder}; "
            f"install the package (pip install -e .) or run from a source checkout",
            name="tinygrad_edu.examples",
        )
    spec = importlib.util.spec_from_file_location("tinygrad_edu.examples", init,
                                                  submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["tinygrad_edu.examples"] = module
    spec.loader.exec_module(module)
    return module


def load_example(name: str) -> ModuleType:
    """The example module `name` (a file of examples/), installed or from a source checkout."""
    examples_package()
    return importlib.import_module(f"tinygrad_edu.examples.{name}")


@contextlib.contextmanager
def rare_garbage_collection():
    """Inside: Python's cycle collector runs rarely. A training step's tape is many small objects
    without reference cycles, freed by reference counting, so the collector's frequent scans of
    it find nothing and only cost time (a fifth of SPINN's batched encoder, once measured)."""
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def exit_code(result) -> int:
    """An example's `main` may return an exit code, or nothing (0); any other value (an
    accuracy, say) is not an exit code and counts as success."""
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


def run_example(main: Callable[[list[str]], int | None], argv: Sequence[str] | None = None,
                prog: str | None = None) -> int:
    """Run an example's `main` as the command line does: `--threads N` handled, BLAS limited.
    A bad `--threads` is reported on stderr (after `prog`, the command's name) with exit code 2."""
    rest, threads = pop_threads_option(sys.argv[1:] if argv is None else argv)
    examples_package()  # so that an example run as a script can import the others
    try:
        limit_blas_threads(threads)
    except ValueError as error:
        print(f"{prog or os.path.basename(sys.argv[0])}: {error}", file=sys.stderr)
        return 2
    return exit_code(main(rest))


def progress(iterable: Iterable, total: int | None = None, description: str = "", enabled: bool = True,
             unit: str = "it"):
    """`iterable` with a tqdm bar (rate and ETA) on stderr when tqdm is installed and `enabled`."""
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=description, unit=unit, leave=False, mininterval=1.0,
                dynamic_ncols=True)


def plot_curves(path: str | os.PathLike, curves: dict[str, Sequence[tuple[float, float]]],
                xlabel: str = "epoch", title: str = "") -> None:
    """Write a PNG with one panel for losses and one for accuracies.

    `curves` maps a name to (x, y) points; names containing "loss" go to the left panel, the
    others (accuracies) to the right.
    """
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    for name, points in curves.items():
        if not points:
            continue
        axes = loss_axes if "loss" in name else accuracy_axes
        xs, ys = zip(*points)
        axes.plot(xs, ys, marker="o" if len(points) < 30 else None, label=name)
    for axes, label in ((loss_axes, "loss"), (accuracy_axes, "accuracy")):
        axes.set_xlabel(xlabel)
        axes.set_ylabel(label)
        axes.grid(alpha=0.3)
        if axes.lines:
            axes.legend()
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
