"""Run presidio away from the event loop: a pool of worker processes, or one thread.

Each worker process loads the spaCy pipeline once, in the pool's initializer, and keeps
one AnalyzerEngine per requested entity set. The per-process state below is the one
place this module keeps module-level state: it is how a function sent to a worker finds
the models that worker loaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from guardproxy.errors import CheckError, ConfigError
from guardproxy.nlp.engine import (
    DEFAULT_MODEL,
    SUPPORTED_ENTITIES,
    Detection,
    PipelineState,
    add_custom_recognizers,
    analyze,
    analyze_batch,
    build_analyzer,
    build_nlp_engine,
    ensure_model_installed,
    limit_blas_threads,
    pipeline_state,
)
from guardproxy.nlp.offline import configure_offline

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngine

logger = logging.getLogger(__name__)

DEFAULT_START_TIMEOUT = 180.0
"""Seconds to wait for every worker to load its models (slow disks, busy machines)."""


# --- worker side -------------------------------------------------------------------


@dataclass
class _WorkerState:
    model_name: str
    language: str
    nlp_engine: NlpEngine
    analyzers: dict[tuple[frozenset[str], tuple[tuple[Any, ...], ...]], AnalyzerEngine] = field(
        default_factory=dict
    )


_state: _WorkerState | None = None


def load_worker_models(model_name: str = DEFAULT_MODEL, language: str = "en") -> None:
    """Load the spaCy pipeline into this process (once); later calls are no-ops."""
    global _state
    configure_offline()
    if _state is not None and (_state.model_name, _state.language) == (model_name, language):
        return
    _state = _WorkerState(model_name, language, build_nlp_engine(model_name, language=language))


_PARENT_CHECK_S = 1.0


def _exit_with_parent() -> None:
    """End this worker when the process that started it is gone (killed without a chance
    to shut the pool down): an orphaned worker would hold its model's memory forever."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(_PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="guardproxy-parent-watch", daemon=True).start()


def _init_worker(model_name: str, language: str, ready: Queue[tuple[int, str | None]]) -> None:
    """Pool initializer: load the models, then tell the parent this worker is ready."""
    # The parent handles Ctrl-C and shuts the pool down; workers should not die first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    # one worker per core: a multi-threaded BLAS in each would make them fight for cores
    if not limit_blas_threads():
        logger.info("numpy was loaded before the NLP worker started; its BLAS threads stay")
    try:
        load_worker_models(model_name, language)
    except BaseException as exc:
        ready.put((os.getpid(), type(exc).__name__))
        raise
    ready.put((os.getpid(), None))


def _analyzer_for(
    entities: tuple[str, ...], language: str, custom: tuple[tuple[Any, ...], ...] = ()
) -> AnalyzerEngine:
    if _state is None:
        raise RuntimeError("NLP models are not loaded in this process")
    if language != _state.language:
        raise CheckError(f"language {language!r} is not loaded (loaded: {_state.language!r})")
    key = (frozenset(entities), custom)
    analyzer = _state.analyzers.get(key)
    if analyzer is None:
        builtin = tuple(e for e in entities if e in SUPPORTED_ENTITIES)
        analyzer = build_analyzer(
            _state.model_name, entities=builtin, language=language, nlp_engine=_state.nlp_engine
        )
        add_custom_recognizers(analyzer, custom, language=language)
        _state.analyzers[key] = analyzer
    return analyzer


def analyze_text(
    text: str,
    entities: tuple[str, ...],
    min_score: float,
    language: str,
    custom: tuple[tuple[Any, ...], ...] = (),
) -> tuple[int, list[Detection]]:
    """Worker entry point: (this process's pid, detections in text).

    ``custom`` declares the policy's own pattern recognizers and deny lists (see
    ``engine.add_custom_recognizers``); each distinct set gets its own cached analyzer.
    """
    analyzer = _analyzer_for(entities, language, custom)
    return os.getpid(), analyze(analyzer, text, entities, min_score, language=language)


def analyze_texts(
    texts: tuple[str, ...],
    entities: tuple[str, ...],
    min_score: float,
    language: str,
    custom: tuple[tuple[Any, ...], ...] = (),
) -> tuple[int, list[list[Detection]]]:
    """Worker entry point for several texts at once: (pid, detections per text).

    The same detections as ``analyze_text`` on each text; the spaCy pipeline takes the
    texts in batches, which is faster than one by one for short texts.
    """
    analyzer = _analyzer_for(entities, language, custom)
    return os.getpid(), analyze_batch(analyzer, texts, entities, min_score, language=language)


def worker_pipeline_state() -> tuple[int, PipelineState]:
    """Worker entry point: (pid, this worker's spaCy components and how often NER ran)."""
    if _state is None:
        raise RuntimeError("NLP models are not loaded in this process")
    return os.getpid(), pipeline_state(_state.nlp_engine)


def _call_with_pid(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[int, Any]:
    return os.getpid(), fn(*args)


def _worker_pid() -> int:
    return os.getpid()


# --- parent side -------------------------------------------------------------------

_AnalysisKey = tuple[tuple[str, ...], float, str, tuple[tuple[Any, ...], ...]]
"""What texts must share to be analysed in one call: entities, minimum score, language
and the policy's own recognizers."""

# A batch of texts that waited for a busy pool. spaCy gains from batching short texts
# (200 characters: a third less time each, 1,000: a seventh) and nothing from long ones,
# where one worker finishing a large batch late only leaves the other idle.
_BATCH_TEXTS = 64
_BATCH_CHARS = 4_000


def _abandon(
    batch: list[tuple[str, asyncio.Future[Any]]], task: asyncio.Future[None], _: object
) -> None:
    """Cancel a batch's call once every caller in it has given up, so that its worker
    slot frees up for texts that still wait (the worker itself may stay busy until the
    hang check replaces it)."""
    if not task.done() and all(waiter.done() for _, waiter in batch):
        task.cancel()


def _settle(
    waiter: asyncio.Future[Any], *, result: Any = None, exception: BaseException | None = None
) -> None:
    """Resolve a waiting caller's future on its own event loop, unless it gave up."""

    def settle() -> None:
        if waiter.done():
            return
        if exception is not None:
            waiter.set_exception(exception)
        else:
            waiter.set_result(result)

    loop = waiter.get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        settle()
    elif not loop.is_closed():
        loop.call_soon_threadsafe(settle)


class ProcessOffloader:
    """An Offloader that runs callables in a pool of spawned worker processes.

    Workers load the spaCy pipeline once at start. If the pool breaks (a worker was
    killed or crashed), it is rebuilt once per call and the call retried.
    """

    def __init__(
        self,
        workers: int,
        *,
        model_name: str = DEFAULT_MODEL,
        language: str = "en",
        max_text_chars: int = 200_000,
        start_timeout: float = DEFAULT_START_TIMEOUT,
        hang_timeout_s: float = 60.0,
    ) -> None:
        if workers < 1:
            raise ConfigError(f"the NLP worker pool needs at least 1 worker, got {workers}")
        self.workers = workers
        self.model_name = model_name
        self.language = language
        self.max_text_chars = max_text_chars
        self.start_timeout = start_timeout
        self.hang_timeout_s = hang_timeout_s
        """A call still running this long is taken as hung and its workers are replaced."""
        self._in_flight: dict[Future[Any], float] = {}
        self.ready = False
        self.restarts = 0
        self.worker_pids: frozenset[int] = frozenset()
        """Pids of the current pool's workers, as each reported when it became ready."""
        self.worker_pids_seen: set[int] = set()
        """Pids of the processes whose results this offloader returned."""
        self._executor: ProcessPoolExecutor | None = None
        self._ready_queue: Queue[tuple[int, str | None]] | None = None
        self._rebuilding: Future[None] | None = None
        self._closed = False
        self._analyses_running = 0
        self._waiting: dict[_AnalysisKey, list[tuple[str, asyncio.Future[Any]]]] = {}
        self._serving: set[asyncio.Future[None]] = set()

    @classmethod
    def inline(cls, model_name: str = DEFAULT_MODEL, *, language: str = "en") -> InlineOffloader:
        """An offloader that runs in this process (unit tests, one-shot CLI commands)."""
        return InlineOffloader(model_name, language=language)

    async def start(self) -> None:
        """Start the workers and return once every one of them has loaded its models."""
        if self._executor is not None:
            return
        ensure_model_installed(self.model_name)
        configure_offline()
        self._closed = False
        await self._spawn()

    async def run(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        """Run fn(*args) in a worker process and return its result."""
        for arg in args:
            if isinstance(arg, str):
                self._check_size(arg)
        await self._replace_if_hung()
        executor = self._executor
        if executor is None or self._closed:
            raise CheckError("the NLP worker pool is not running")
        try:
            pid, result = await self._submit(executor, fn, args)
        except BrokenProcessPool:
            try:
                await self._rebuild(executor, reason="a worker died")
            except ConfigError as exc:
                raise CheckError(f"the NLP worker pool could not be restarted: {exc}") from None
            executor = self._executor
            if executor is None:
                raise CheckError("the NLP worker pool is not running") from None
            try:
                pid, result = await self._submit(executor, fn, args)
            except BrokenProcessPool:
                raise CheckError("the NLP worker pool broke again after a rebuild") from None
        self.worker_pids_seen.add(pid)
        return result

    async def analyze_text(
        self,
        text: str,
        entities: tuple[str, ...],
        min_score: float,
        language: str,
        custom: tuple[tuple[Any, ...], ...] = (),
    ) -> tuple[int, list[Detection]]:
        """(worker pid, detections in text), as the worker function `analyze_text` gives.

        While a worker is free the text goes to it at once. When every worker is busy,
        texts with the same settings wait and leave together, as one `analyze_texts`
        call, as soon as a worker frees up: spaCy gets through a batch faster than
        through the same texts one by one, so a saturated pool answers more texts per
        second, and an idle one adds no wait.
        """
        self._check_size(text)
        # texts that wait for a busy pool never reach run(): look for a hung worker here too
        await self._replace_if_hung()
        key: _AnalysisKey = (entities, min_score, language, custom)
        if self._analyses_running < self.workers and not self._waiting:
            pid, [detections] = await self._analyze_batch(key, [text])
            return pid, detections
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append((text, waiter))
        self._dispatch_waiting()
        result: tuple[int, list[Detection]] = await waiter
        return result

    async def _analyze_batch(
        self, key: _AnalysisKey, texts: list[str]
    ) -> tuple[int, list[list[Detection]]]:
        self._analyses_running += 1
        try:
            pid, detections = await self.run(analyze_texts, tuple(texts), *key)
        finally:
            self._analyses_running -= 1
            self._dispatch_waiting()
        return int(pid), detections

    def _dispatch_waiting(self) -> None:
        """Send waiting texts to free workers, oldest settings first, in batches."""
        while self._waiting and self._analyses_running < self.workers:
            key = next(iter(self._waiting))
            queued = self._waiting.pop(key)
            batch: list[tuple[str, asyncio.Future[Any]]] = []
            chars = 0
            while queued and len(batch) < _BATCH_TEXTS:
                text, waiter = queued[0]
                if waiter.done():  # the caller gave up (timeout, disconnect)
                    queued.pop(0)
                    continue
                if batch and chars + len(text) > _BATCH_CHARS:
                    break
                batch.append(queued.pop(0))
                chars += len(text)
            if queued:
                self._waiting[key] = queued
            if batch:
                self._analyses_running += 1  # held until the task takes it over
                task = asyncio.ensure_future(self._serve(key, batch))
                self._serving.add(task)
                task.add_done_callback(self._serving.discard)
                for _, waiter in batch:
                    waiter.add_done_callback(functools.partial(_abandon, batch, task))

    async def _serve(self, key: _AnalysisKey, batch: list[tuple[str, asyncio.Future[Any]]]) -> None:
        self._analyses_running -= 1
        try:
            pid, results = await self._analyze_batch(key, [text for text, _ in batch])
        except BaseException as exc:
            for _, waiter in batch:
                _settle(waiter, exception=exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, waiter), detections in zip(batch, results, strict=True):
            _settle(waiter, result=(pid, detections))

    def _check_size(self, text: str) -> None:
        if len(text) > self.max_text_chars:
            raise CheckError(
                f"input of {len(text)} characters is over the worker limit of {self.max_text_chars}"
            )

    async def _replace_if_hung(self) -> None:
        """A check's timeout cannot stop work inside a worker; replacing the workers can."""
        if self._hung():
            logger.warning(
                "an NLP worker call has run for over %gs; replacing the workers",
                self.hang_timeout_s,
            )
            await self.restart()

    def _forget(self, future: Future[Any]) -> None:
        self._in_flight.pop(future, None)

    async def restart(self) -> None:
        """Replace every worker, for instance after one hung past a timeout."""
        executor = self._executor
        if executor is not None:
            await self._rebuild(executor, reason="restart requested", kill=True)

    async def close(self) -> None:
        """Stop the workers; pending calls are cancelled."""
        self._closed = True
        self.ready = False
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._shutdown, executor)
        self._close_queue()

    # -- internals --

    def _hung(self) -> bool:
        now = time.monotonic()
        return any(
            f.running() and now - since > self.hang_timeout_s
            for f, since in list(self._in_flight.items())
        )

    async def _submit(
        self, executor: Executor, fn: Callable[..., Any], args: tuple[Any, ...]
    ) -> tuple[int, Any]:
        # the concurrent future outlives a cancelled caller, so hung work stays visible
        future = executor.submit(_call_with_pid, fn, args)
        self._in_flight[future] = time.monotonic()
        future.add_done_callback(self._forget)
        pid, result = await asyncio.wrap_future(future)
        return int(pid), result

    async def _spawn(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._close_queue()
        ready_queue: Queue[tuple[int, str | None]] = ctx.Queue()
        self._ready_queue = ready_queue
        started = time.perf_counter()
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(self.model_name, self.language, ready_queue),
        )
        self._executor = executor
        loop = asyncio.get_running_loop()
        # Spawned pools start a process per submitted task while none is idle, so one
        # task per worker starts them all; the ready queue says when each has loaded.
        probes = [executor.submit(_worker_pid) for _ in range(self.workers)]
        failed = threading.Event()
        for probe in probes:
            probe.add_done_callback(
                lambda f: failed.set() if f.cancelled() or f.exception() else None
            )
        try:
            pids = await loop.run_in_executor(None, self._wait_ready, ready_queue, failed)
            await asyncio.gather(*(asyncio.wrap_future(probe) for probe in probes))
        except BaseException:
            self._executor = None
            await loop.run_in_executor(None, self._shutdown, executor)
            raise
        if self._closed:  # close() ran while the workers were loading
            self._executor = None
            await loop.run_in_executor(None, self._shutdown, executor)
            raise CheckError("the NLP worker pool was closed while starting")
        self.worker_pids = frozenset(pids)
        self.ready = True
        logger.info(
            "NLP worker pool ready: %d workers loaded %s in %.2fs",
            self.workers,
            self.model_name,
            time.perf_counter() - started,
        )

    def _wait_ready(
        self, ready_queue: Queue[tuple[int, str | None]], failed: threading.Event
    ) -> list[int]:
        deadline = time.monotonic() + self.start_timeout
        pids: list[int] = []
        while len(pids) < self.workers:
            if failed.is_set():
                raise ConfigError(
                    f"an NLP worker exited while loading {self.model_name!r}; "
                    "see its output on stderr"
                )
            if time.monotonic() > deadline:
                raise ConfigError(
                    f"NLP workers did not load {self.model_name!r} within "
                    f"{self.start_timeout:g}s ({len(pids)} of {self.workers} ready)"
                )
            try:
                pid, error = ready_queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if error is not None:
                raise ConfigError(f"an NLP worker failed to load {self.model_name!r}: {error}")
            pids.append(pid)
        return pids

    async def _rebuild(
        self, broken: ProcessPoolExecutor, *, reason: str, kill: bool = False
    ) -> None:
        # A concurrent.futures.Future, not an asyncio.Lock: the offloader may be started
        # on one event loop and used from others (test fixtures, CLI commands).
        in_progress = self._rebuilding
        if in_progress is not None:
            await asyncio.wrap_future(in_progress)
            return
        if self._executor is not broken or self._closed:
            return  # another call rebuilt it already, or we are shutting down
        done: Future[None] = Future()
        self._rebuilding = done
        try:
            self.ready = False
            self._executor = None
            if kill:
                self._kill_workers()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self._shutdown, broken)
            self.restarts += 1
            logger.warning("restarting the NLP worker pool: %s (restart %d)", reason, self.restarts)
            await self._spawn()
        except BaseException:
            done.set_exception(CheckError("the NLP worker pool could not be restarted"))
            raise
        else:
            done.set_result(None)
        finally:
            self._rebuilding = None

    def _kill_workers(self) -> None:
        for pid in self.worker_pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    @staticmethod
    def _shutdown(executor: ProcessPoolExecutor) -> None:
        executor.shutdown(wait=True, cancel_futures=True)

    def _close_queue(self) -> None:
        if self._ready_queue is not None:
            self._ready_queue.close()
            self._ready_queue.join_thread()
            self._ready_queue = None


class InlineOffloader:
    """An Offloader that runs callables in this process, on one background thread.

    For unit tests of checks and one-shot commands (`policy test`), where starting a
    pool of processes costs more than it saves. The thread keeps the event loop free;
    one thread because a spaCy pipeline is not meant to be called concurrently.
    """

    def __init__(self, model_name: str = DEFAULT_MODEL, *, language: str = "en") -> None:
        self.model_name = model_name
        self.language = language
        self.ready = False
        self.restarts = 0
        self.worker_pids_seen: set[int] = set()
        self._executor: ThreadPoolExecutor | None = None
        self._load_lock = threading.Lock()

    def load(self) -> None:
        """Load the models now, blocking (for synchronous callers and test fixtures)."""
        with self._load_lock:
            load_worker_models(self.model_name, self.language)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp")
            self.ready = True

    async def start(self) -> None:
        """Load the models without blocking the event loop."""
        ensure_model_installed(self.model_name)
        await asyncio.to_thread(self.load)

    async def run(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        """Run fn(*args) on the background thread, loading the models on first use."""
        executor = self._executor
        if executor is None:
            await self.start()
            executor = self._executor
            if executor is None:
                raise CheckError("the inline NLP offloader was closed while starting")
        loop = asyncio.get_running_loop()
        pid, result = await loop.run_in_executor(executor, _call_with_pid, fn, args)
        self.worker_pids_seen.add(int(pid))
        return result

    async def analyze_text(
        self,
        text: str,
        entities: tuple[str, ...],
        min_score: float,
        language: str,
        custom: tuple[tuple[Any, ...], ...] = (),
    ) -> tuple[int, list[Detection]]:
        """(pid, detections in text): one text at a time on the background thread."""
        result: tuple[int, list[Detection]] = await self.run(
            analyze_text, text, entities, min_score, language, custom
        )
        return result

    async def close(self) -> None:
        """Stop the background thread."""
        self.ready = False
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
