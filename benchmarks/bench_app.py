"""The application as benchmarks serve it: production settings, except SQLite and local limits.

Gunicorn loads it with ``--pythonpath benchmarks 'bench_app:create_bench_app()'``. Development
settings would measure the wrong thing (``DEBUG`` makes Jinja check every template's
modification time on each render); production settings refuse SQLite and in-process rate
limits, which a single-machine benchmark needs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config import Config  # noqa: E402


class BenchmarkConfig(Config):
    """Production behaviour (no debug, no console mail) on the database in ``DATABASE_URL``."""

    def __init__(self) -> None:
        super().__init__()
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Benchmarks need DATABASE_URL (a throwaway database).")
        # The pages measured have no limits; per-process storage only keeps startup simple.
        self.RATELIMIT_STORAGE_URI = "memory://"


def create_bench_app():
    from app import create_app

    return create_app(BenchmarkConfig())
