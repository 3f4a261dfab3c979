"""The metrics factory: plain mode on an injected registry, multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set (as `serve --workers N` sets it for its workers).

Multiprocess mode is process-global in prometheus_client (its value class is chosen at
import time), so these tests stand in for two worker processes by swapping that class, with
a fixed process id each, for the length of one test; monkeypatch puts the class and the
environment variable back, and no metric here touches the default registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client import values as prometheus_values
from prometheus_client.multiprocess import mark_process_dead
from prometheus_client.parser import text_string_to_metric_families

from guardproxy.errors import ConfigError
from guardproxy.metrics import MULTIPROC_DIR_ENV, Metrics, create_metrics, multiprocess_dir

Scraped = dict[tuple[str, tuple[tuple[str, str], ...]], float]
ROUTE = (("route", "chat_completions"),)


def scrape(metrics: Metrics) -> Scraped:
    out: Scraped = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


@pytest.fixture
def shared_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    monkeypatch.setenv(MULTIPROC_DIR_ENV, str(directory))
    return directory


class FakeWorker:
    """The metrics of one worker process with a fixed pid; label children are created (and
    bound to the pid's files) while the worker is active: ``with worker: ...``."""

    def __init__(self, pid: int, monkeypatch: pytest.MonkeyPatch) -> None:
        self.value_class = prometheus_values.MultiProcessValue(  # type: ignore[no-untyped-call]
            process_identifier=lambda: pid
        )
        self._monkeypatch = monkeypatch
        with self:
            self.metrics = create_metrics(CollectorRegistry())

    def __enter__(self) -> Metrics:
        self._monkeypatch.setattr(prometheus_values, "ValueClass", self.value_class)
        return getattr(self, "metrics", None)  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        self._monkeypatch.setattr(prometheus_values, "ValueClass", prometheus_values.MutexValue)


@pytest.fixture
def worker(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[int], FakeWorker]]:
    """``worker(pid)``: what one worker process with that pid would build."""
    built: list[FakeWorker] = []

    def build(pid: int) -> FakeWorker:
        built.append(FakeWorker(pid, monkeypatch))
        return built[-1]

    yield build
    for fake in built:
        fake.value_class.close_all_files()


def test_without_the_directory_metrics_stay_plain_on_the_injected_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MULTIPROC_DIR_ENV, raising=False)
    registry = CollectorRegistry()
    metrics = create_metrics(registry)
    assert not metrics.multiprocess and metrics.registry is registry
    assert metrics.audit_files_pruned is None
    metrics.track_audit_retention(lambda: (3, 1))
    metrics.requests.labels("chat_completions", "default", "2xx", "allow").inc()
    assert registry.get_sample_value("guardproxy_audit_files_pruned_total") == 3
    assert registry.get_sample_value("guardproxy_audit_prune_errors_total") == 1
    assert b"guardproxy_requests_total{" in metrics.render()


def test_the_directory_comes_from_the_environment_given() -> None:
    assert multiprocess_dir({}) is None
    assert multiprocess_dir({MULTIPROC_DIR_ENV: ""}) is None
    assert multiprocess_dir({MULTIPROC_DIR_ENV: "/x/y"}) == Path("/x/y")


def test_two_workers_scrape_as_one(worker: Callable[[int], FakeWorker], shared_dir: Path) -> None:
    first, second = worker(101), worker(202)
    assert first.metrics.multiprocess and first.metrics.multiprocess_dir == shared_dir
    for fake, count, busy in ((first, 3, 2), (second, 4, 1)):
        with fake as metrics:
            for _ in range(count):
                metrics.requests.labels("chat_completions", "default", "2xx", "allow").inc()
            metrics.request_seconds.labels("chat_completions", "false").observe(0.2)
            metrics.in_flight.labels("chat_completions").inc(busy)

    labels = (("action", "allow"), ("policy", "default"), *ROUTE, ("status", "2xx"))
    requests = ("guardproxy_requests_total", labels)
    durations = ("guardproxy_request_duration_seconds_count", (*ROUTE, ("stream", "false")))
    in_flight = ("guardproxy_in_flight_requests", ROUTE)
    for fake in (first, second):  # whichever worker answers, the sums are the same
        seen = scrape(fake.metrics)
        assert (seen[requests], seen[durations], seen[in_flight]) == (7, 2, 3)

    # a dead worker's requests in flight are gone; its counted requests stay counted
    mark_process_dead(101, str(shared_dir))  # type: ignore[no-untyped-call]
    seen = scrape(second.metrics)
    assert (seen[requests], seen[in_flight]) == (7, 1)


def test_gauges_say_how_workers_combine_only_in_multiprocess_mode(
    worker: Callable[[int], FakeWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = worker(101).metrics
    assert shared.in_flight._multiprocess_mode == "livesum"
    assert shared.policy_info._multiprocess_mode == "livemax"
    monkeypatch.delenv(MULTIPROC_DIR_ENV)
    plain = create_metrics(CollectorRegistry())
    assert not plain.multiprocess
    assert plain.in_flight._multiprocess_mode == "all"  # the library default, unused


def test_a_replaced_policy_version_reads_zero_once_no_worker_runs_it(
    worker: Callable[[int], FakeWorker],
) -> None:
    first, second = worker(101), worker(202)
    for fake in (first, second):
        with fake as metrics:
            metrics.policy_info.labels("default", "v1").set(1)

    def reload(fake: FakeWorker) -> None:
        with fake as metrics:  # what Runtime.install does: clear, then the new versions
            metrics.policy_info.clear()
            metrics.policy_info.labels("default", "v2").set(1)

    def versions() -> dict[str, float]:
        return {
            dict(labels)["version"]: value
            for (name, labels), value in scrape(first.metrics).items()
            if name == "guardproxy_policy_info"
        }

    reload(first)
    assert versions() == {"v1": 1, "v2": 1}  # the second worker still runs v1
    reload(second)
    assert versions() == {"v1": 0, "v2": 1}


def test_audit_retention_counts_add_up_across_workers(
    worker: Callable[[int], FakeWorker],
) -> None:
    first, second = worker(101).metrics, worker(202).metrics
    counts = {"first": (0, 0), "second": (0, 0)}
    first.track_audit_retention(lambda: counts["first"])
    second.track_audit_retention(lambda: counts["second"])
    counts["first"], counts["second"] = (2, 0), (1, 1)
    first.sync()
    first.sync()  # only what was gained since the last sync is added
    second.sync()
    counts["first"] = (5, 0)
    first.sync()
    seen = scrape(second)
    assert seen[("guardproxy_audit_files_pruned_total", ())] == 6
    assert seen[("guardproxy_audit_prune_errors_total", ())] == 1


def test_a_directory_set_after_import_is_refused(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This test process imported prometheus_client without the variable: plain values.
    assert not getattr(prometheus_values.ValueClass, "_multiprocess", False)
    with pytest.raises(ConfigError, match="imported before it was"):
        create_metrics(CollectorRegistry())
    monkeypatch.setenv(MULTIPROC_DIR_ENV, str(shared_dir / "missing"))
    with pytest.raises(ConfigError, match="is not a directory"):
        create_metrics(CollectorRegistry())
