"""The access line written straight to its handler's stream is the line logging would write,
and any other logging setup of the access logger gets every line as a normal record."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import logging.config
import re
from collections.abc import Iterator
from typing import Any

import pytest

from guardproxy import accesslog
from guardproxy.accesslog import (
    ACCESS_LOGGER,
    AccessLogHandler,
    access_entry,
    configure_access_log,
    write_access,
)
from guardproxy.decisions import DecisionRecord

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")
KEYS = [
    "time",
    "request_id",
    "route",
    "status",
    "stream",
    "action",
    "latency_ms",
    "decision_id",
    "policy",
    "outcome",
    "model",
]


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def fields(n: int = 0) -> dict[str, Any]:
    record = DecisionRecord(
        id=f"dec-{n}",
        route="chat_completions",
        provider="openai",
        policy_ref="passthrough@abc",
        policy_mode="enforce",
        request_id=f"req-{n}",
        model="gpt-x",
        outcome="passthrough",
        latency={"upstream": 0.0012345, "overhead": 0.0002},
    )
    return {
        "route": "chat_completions",
        "request_id": f"req-{n}",
        "status": 200,
        "elapsed_s": 0.0034567,
        "stream": False,
        "record": record,
        "action": "allow",
    }


@pytest.fixture
def access_logger() -> Iterator[logging.Logger]:
    """The access logger as `serve` configures it, its stream in memory; reset afterwards."""
    logger = logging.getLogger(ACCESS_LOGGER)
    configure_access_log("json")
    handler = logger.handlers[0]
    assert isinstance(handler, AccessLogHandler)
    handler.setStream(io.StringIO())
    try:
        yield logger
    finally:
        logger.handlers.clear()
        logger.filters.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


def only_ours(logger: logging.Logger) -> AccessLogHandler:
    """Drop handlers pytest attaches to non-propagating loggers: as `serve` runs it, the
    access handler is alone and lines go straight to its stream."""
    logger.handlers[:] = [h for h in logger.handlers if isinstance(h, AccessLogHandler)]
    handler = accesslog._sole_handler()
    assert handler is not None and logger.handlers == [handler]
    return handler


def stream_text(logger: logging.Logger) -> str:
    handler = logger.handlers[0]
    assert isinstance(handler, AccessLogHandler)
    stream = handler.stream
    assert isinstance(stream, io.StringIO)
    return stream.getvalue()


def test_the_time_is_formatted_as_datetime_isoformat(monkeypatch: pytest.MonkeyPatch) -> None:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    for ns in (
        0,
        999_999_999,
        1_764_133_829_000_000_000,
        1_764_133_829_999_499_999,
        1_764_133_830_000_999_999,
        4_102_444_799_123_456_789,
    ):
        monkeypatch.setattr(accesslog.time, "time_ns", lambda ns=ns: ns)
        expected = (epoch + dt.timedelta(microseconds=ns // 1000)).isoformat(
            timespec="milliseconds"
        )
        assert accesslog._utc_now_iso_ms() == expected


def test_a_line_written_directly_is_the_line_logging_writes(
    access_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accesslog.time, "time_ns", lambda: 1_764_133_829_123_456_789)
    only_ours(access_logger)
    write_access(**fields())
    direct = stream_text(access_logger)
    # A filter that passes everything takes the line through a LogRecord and the formatter.
    access_logger.handlers[0].addFilter(lambda record: True)
    assert accesslog._sole_handler() is None
    write_access(**fields())
    assert stream_text(access_logger) == direct * 2
    assert direct.endswith("\n") and direct.count("\n") == 1
    line = json.loads(direct)
    assert list(line) == KEYS
    assert line["time"] == "2025-11-26T05:10:29.123+00:00"
    assert line["latency_ms"] == {"total": 3.457, "upstream": 1.234, "overhead": 0.2}
    assert direct == json.dumps(line, separators=(",", ":")) + "\n"


def test_the_entry_keeps_its_fields_and_time_format() -> None:
    entry = access_entry(**fields())
    assert list(entry) == KEYS
    assert TIME.fullmatch(entry["time"])
    bare = access_entry(**{**fields(), "record": None})
    assert list(bare) == KEYS[:7] and bare["latency_ms"] == {"total": 3.457}


def test_an_added_handler_gets_every_line(access_logger: logging.Logger) -> None:
    only_ours(access_logger)
    extra = Collect()
    access_logger.addHandler(extra)
    for n in range(5):
        write_access(**fields(n))
    assert [json.loads(r.getMessage())["request_id"] for r in extra.records] == [
        f"req-{n}" for n in range(5)
    ]
    assert all(r.name == ACCESS_LOGGER and r.levelno == logging.INFO for r in extra.records)
    assert stream_text(access_logger).count("\n") == 5


def test_propagation_to_the_root_logger_gets_every_line(access_logger: logging.Logger) -> None:
    only_ours(access_logger)
    root = Collect()
    logging.getLogger().addHandler(root)
    try:
        access_logger.propagate = True
        for n in range(3):
            write_access(**fields(n))
    finally:
        logging.getLogger().removeHandler(root)
    assert len([r for r in root.records if r.name == ACCESS_LOGGER]) == 3
    assert stream_text(access_logger).count("\n") == 3


def test_dict_config_can_reroute_and_silence_the_access_log(
    access_logger: logging.Logger,
) -> None:
    collected = Collect()
    logging.config.dictConfig(
        {
            "version": 1,
            "incremental": False,
            "disable_existing_loggers": False,
            "handlers": {"mine": {"()": lambda: collected}},
            "loggers": {ACCESS_LOGGER: {"handlers": ["mine"], "propagate": False}},
        }
    )
    write_access(**fields(1))
    assert [json.loads(r.getMessage())["request_id"] for r in collected.records] == ["req-1"]
    access_logger.setLevel(logging.WARNING)
    write_access(**fields(2))
    assert len(collected.records) == 1


def test_filters_and_levels_still_apply(access_logger: logging.Logger) -> None:
    only_ours(access_logger)
    access_logger.addFilter(lambda record: "req-1" not in record.getMessage())
    write_access(**fields(1))
    write_access(**fields(2))
    assert [json.loads(line)["request_id"] for line in stream_text(access_logger).splitlines()] == [
        "req-2"
    ]
    access_logger.filters.clear()
    access_logger.handlers[0].setLevel(logging.WARNING)
    write_access(**fields(3))
    assert stream_text(access_logger).count("\n") == 1


def test_a_custom_formatter_on_the_handler_is_used(access_logger: logging.Logger) -> None:
    only_ours(access_logger)
    access_logger.handlers[0].setFormatter(logging.Formatter("access %(levelname)s %(message)s"))
    write_access(**fields(1))
    text = stream_text(access_logger)
    assert text.startswith("access INFO {") and text.endswith("}\n")


def test_a_failing_stream_is_reported_like_any_handler_error(
    access_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("stream gone")

    handler = only_ours(access_logger)
    handler.setStream(Broken())
    reported: list[logging.LogRecord] = []
    monkeypatch.setattr(handler, "handleError", reported.append)
    write_access(**fields(1))
    assert len(reported) == 1
    assert json.loads(reported[0].getMessage())["request_id"] == "req-1"


def test_as_serve_configures_it_no_log_record_is_built(
    access_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_ours(access_logger)
    built: list[str] = []
    real_make = access_logger.makeRecord

    def spy_make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        built.append("record")
        return real_make(*args, **kwargs)

    flushed: list[int] = []
    handler = access_logger.handlers[0]
    real_flush = handler.flush
    monkeypatch.setattr(access_logger, "makeRecord", spy_make)
    monkeypatch.setattr(handler, "flush", lambda: (flushed.append(1), real_flush())[1])
    write_access(**fields(1))
    write_access(**fields(2))
    assert built == []  # the direct path wrote both lines
    assert flushed == [1, 1]  # each line leaves the process at once
    assert [json.loads(x)["request_id"] for x in stream_text(access_logger).splitlines()] == [
        "req-1",
        "req-2",
    ]
