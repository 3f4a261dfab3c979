"""The access log: one JSON line per proxied request, joinable with its audit record.

It says what happened to a request (route, status, policy, action, timings, the decision
id that names its audit record), never what was in it: no bodies, no headers, no query
strings, nothing a check matched.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from guardproxy import jsonutil
from guardproxy.decisions import DecisionRecord

ACCESS_LOGGER = "guardproxy.access"
log = logging.getLogger(ACCESS_LOGGER)


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
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
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


def write_access(**fields: Any) -> None:
    """Log one access line (a no-op unless the access logger is enabled)."""
    if log.isEnabledFor(logging.INFO):
        # handle() a record made here: Logger.info would also walk the stack for the
        # caller's file and line, which an access line never shows
        line = jsonutil.dumps_str(access_entry(**fields))
        log.handle(log.makeRecord(log.name, logging.INFO, __file__, 0, line, (), None))


def configure_access_log(mode: str) -> None:
    """json: raw JSON lines on stderr, apart from the text log; off: nothing."""
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.propagate = False
    logger.handlers.clear()
    if mode == "off":
        logger.setLevel(logging.CRITICAL + 1)
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
