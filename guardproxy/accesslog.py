"""The access log: one JSON line per proxied request, joinable with its audit record.

It says what happened to a request (route, status, policy, action, timings, the decision
id that names its audit record), never what was in it: no bodies, no headers, no query
strings, nothing a check matched.

The lines go through the ``guardproxy.access`` logger, so that standard logging
configuration can route, filter or silence them. While that logger is set up exactly as
``configure_access_log`` leaves it (its one handler, the bare message format, no filters,
no propagation), no configured handler but that one could see a record, so the line is
written to the handler's stream without building one: a ``LogRecord`` and its formatting
cost more than the rest of the line. Any other configuration gets every line as a normal
record. (Code that patches ``Logger`` methods, rather than configuring logging, does not
see the lines written directly.)
"""

from __future__ import annotations

import logging
import time
from typing import Any, TextIO

from guardproxy import jsonutil
from guardproxy.decisions import DecisionRecord

ACCESS_LOGGER = "guardproxy.access"
log = logging.getLogger(ACCESS_LOGGER)

_second: int | None = None
_second_text = ""


def _utc_now_iso_ms() -> str:
    """Now as ``datetime.now(UTC).isoformat(timespec="milliseconds")`` writes it.

    Both truncate the system clock to the millisecond; the date and time of day are
    formatted once per second.
    """
    global _second, _second_text
    now_ns = time.time_ns()
    second, rest = divmod(now_ns, 1_000_000_000)
    text = _second_text
    if second != _second:
        text = _second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _second = second
    return f"{text}.{rest // 1_000_000:03d}+00:00"


def access_entry(
    *,
    route: str,
    request_id: str,
    status: int,
    elapsed_s: float,
    stream: bool,
    record: DecisionRecord | None,
    action: str,
) -> dict[str, Any]:
    """The fields of one access line."""
    entry: dict[str, Any] = {
        "time": _utc_now_iso_ms(),
        "request_id": request_id,
        "route": route,
        "status": status,
        "stream": stream,
        "action": action,
        "latency_ms": {"total": round(elapsed_s * 1000, 3)},
    }
    if record is not None:
        entry["decision_id"] = record.id
        entry["policy"] = record.policy_ref
        entry["outcome"] = record.outcome
        entry["model"] = record.model
        for name in ("upstream", "overhead", "checks"):
            if name in record.latency:
                entry["latency_ms"][name] = round(record.latency[name] * 1000, 3)
    return entry


class AccessLogHandler(logging.StreamHandler[TextIO]):
    """The handler ``configure_access_log`` installs: each line on the stream, flushed."""

    def __init__(self) -> None:
        super().__init__()
        self.plain = logging.Formatter("%(message)s")
        self.setFormatter(self.plain)


def _sole_handler() -> AccessLogHandler | None:
    """The handler to write to directly, if no other logging setup could see a record."""
    if log.propagate or log.filters or type(log) is not logging.Logger:
        return None
    try:
        (handler,) = log.handlers  # one read: another thread may change the list
    except ValueError:
        return None
    if (
        type(handler) is not AccessLogHandler
        or handler.filters
        or handler.level > logging.INFO
        or handler.formatter is not handler.plain
        or logging.getLogRecordFactory() is not logging.LogRecord
    ):
        return None
    return handler


def _record(line: str) -> logging.LogRecord:
    # A record made here: Logger.info would also walk the stack for the caller's file and
    # line, which an access line never shows.
    return log.makeRecord(log.name, logging.INFO, __file__, 0, line, (), None)


def write_access(**fields: Any) -> None:
    """Log one access line (a no-op unless the access logger is enabled)."""
    if not log.isEnabledFor(logging.INFO):
        return
    line = jsonutil.dumps_str(access_entry(**fields))
    handler = _sole_handler()
    if handler is None:
        log.handle(_record(line))
        return
    # What Handler.handle and StreamHandler.emit do with a record formatted as its message.
    handler.acquire()
    try:
        handler.stream.write(line + handler.terminator)
        handler.flush()
    except RecursionError:
        raise
    except Exception:
        handler.handleError(_record(line))
    finally:
        handler.release()


def configure_access_log(mode: str) -> None:
    """json: raw JSON lines on stderr, apart from the text log; off: nothing."""
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.propagate = False
    logger.handlers.clear()
    if mode == "off":
        logger.setLevel(logging.CRITICAL + 1)
        return
    logger.addHandler(AccessLogHandler())
    logger.setLevel(logging.INFO)
