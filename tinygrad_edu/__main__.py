"""`python -m tinygrad_edu` -- see cli.py."""
import os
import sys

# The examples multiply small matrices; OpenBLAS's one-thread-per-core pool only adds
# synchronisation there (4-9x slower on a busy 2-core machine). A user's setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .cli import main  # noqa: E402  (numpy is imported from here on)

sys.exit(main())
