"""Writing a benchmark's results as JSON, with the facts about the machine that explain them."""
from __future__ import annotations

import json
import os
import platform
from pathlib import Path

import numpy as np


def write_report(report: dict, path: str) -> dict:
    """Add the Python/numpy versions and the machine's load to `report`, write it to `path`."""
    report = {**report, "python": platform.python_version(), "numpy": np.__version__,
              "cpus": os.cpu_count(), "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None}
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return report
