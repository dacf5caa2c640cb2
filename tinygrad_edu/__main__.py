"""`python -m tinygrad_edu` -- see cli.py."""
import sys

from .cli import main

sys.exit(main())
