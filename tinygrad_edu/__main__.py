"""`python -m tinygrad_edu` -- see cli.py.

Tip: the examples multiply small matrices, where OpenBLAS's one-thread-per-core pool only adds
synchronisation; `OPENBLAS_NUM_THREADS=1 python -m tinygrad_edu ...` is often faster (`make demo`
sets it). It must be set before numpy is imported, so it cannot be set from here.
"""
import sys

from .cli import main

sys.exit(main())
