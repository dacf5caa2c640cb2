"""`python -m tinygrad_edu` -- see cli.py.

The command line runs numpy's BLAS with one thread (the examples multiply small matrices, where
OpenBLAS's thread per core only adds synchronisation, badly so on a busy machine); `--threads N`
or OPENBLAS_NUM_THREADS / OMP_NUM_THREADS choose otherwise. It works from an install and from a
plain source checkout (`PYTHONPATH=. python -m tinygrad_edu mazur`).
"""
import sys

from .cli import main

sys.exit(main())
