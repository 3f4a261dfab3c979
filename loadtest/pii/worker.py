"""Worker-process side of the speed benchmark: one engine per process, loaded at start."""

from __future__ import annotations

import logging
import os
import time

from guardproxy.nlp.engine import limit_blas_threads
from loadtest.pii.engines import Engine, Settings

_engine: Engine | None = None


def init_worker(name: str, settings: Settings, model_name: str) -> None:
    """Pool initializer: load the spaCy pipeline and build the engine's analyzer."""
    global _engine
    # presidio logs a line per recognizer while a registry loads; keep stderr readable
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    if name == "guardproxy":
        limit_blas_threads()  # as guardproxy's own worker pool does (see nlp/pool.py)
    _engine = Engine(name, settings, model_name)


def detect(text: str) -> tuple[int, float, int]:
    """(pid, seconds spent analysing in this worker, number of detections kept)."""
    if _engine is None:
        raise RuntimeError("init_worker did not run in this process")
    started = time.perf_counter()
    found = _engine.detect(text)
    return os.getpid(), time.perf_counter() - started, len(found)
