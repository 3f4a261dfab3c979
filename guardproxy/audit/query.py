"""Read decision records back out of an audit directory and select them by filters.

Every chain of the directory is read (every ``audit-{chain}-{n:06d}.jsonl`` file, in file
order) and the chains are merged by record time, oldest first. Checkpoint files and
``.torn`` sidecars are not records and are skipped; an incomplete last line (a write in
progress, or a crash) is left out, as is any line that is not a JSON object. Reading
does not verify the chain: ``guardproxy audit verify`` does that.

Filters combine with AND; a filter given as a comma-separated list matches any of its
values. Times are ISO 8601 (a time without an offset is UTC) or an age such as ``30m``,
``24h`` or ``7d`` counted back from now. ``since`` is inclusive, ``until`` exclusive.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import heapq
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardproxy.audit.record import parse_audit_file_name
from guardproxy.errors import ConfigError

ACTIONS: tuple[str, ...] = ("allow", "annotate", "redact", "block")
"""Action labels, weakest first (as ``guardproxy.checks.base.Action`` orders them)."""

_AGE_RE = re.compile(r"(?P<amount>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>s|m|h|d|w)")
_AGE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_NAME_RE = re.compile(r"[A-Za-z0-9_.:/@+-]+")
_TIME_HELP = "use ISO 8601 (2025-01-31, 2025-01-31T12:00:00Z) or an age such as 30m, 24h, 7d"
_MIN_TIME = dt.datetime.min.replace(tzinfo=dt.UTC)


def parse_time(value: str, *, now: dt.datetime | None = None, option: str = "time") -> dt.datetime:
    """An aware UTC datetime from ISO 8601 or an age (``90s``, ``30m``, ``24h``, ``7d``, ``2w``).

    An age counts back from ``now``; ``now`` itself is accepted. A time without an
    offset is taken as UTC. Raises ``ConfigError`` naming ``option`` otherwise.
    """
    text = value.strip()
    current = now if now is not None else dt.datetime.now(dt.UTC)
    if text.lower() == "now":
        return current.astimezone(dt.UTC)
    age = _AGE_RE.fullmatch(text)
    if age is not None:
        seconds = float(age["amount"]) * _AGE_UNITS[age["unit"]]
        try:
            return (current - dt.timedelta(seconds=seconds)).astimezone(dt.UTC)
        except OverflowError:
            raise ConfigError(f"{option}: {value!r} reaches back too far") from None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option}: {value!r} is not a time; {_TIME_HELP}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def record_time(record: Mapping[str, Any]) -> dt.datetime | None:
    """The record's ``time`` as an aware UTC datetime, or ``None`` when missing or bad."""
    value = record.get("time")
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def split_policy(ref: object) -> tuple[str, str | None]:
    """``("default", "3")`` for ``"default@3"``; the version is ``None`` without ``@``."""
    if not isinstance(ref, str):
        return "", None
    name, at, version = ref.rpartition("@")
    if not at:
        return ref, None
    return name, version


def units(record: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The checked texts of a record: its output ``choices`` and its ``input`` units."""
    for key in ("choices", "input"):
        items = record.get(key)
        if isinstance(items, list):
            for unit in items:
                if isinstance(unit, Mapping):
                    yield unit


def findings(record: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(direction, finding)`` for every finding of the record (``output`` or ``input``)."""
    for key, direction in (("choices", "output"), ("input", "input")):
        items = record.get(key)
        if not isinstance(items, list):
            continue
        for unit in items:
            if not isinstance(unit, Mapping):
                continue
            found = unit.get("findings")
            if isinstance(found, list):
                for finding in found:
                    if isinstance(finding, Mapping):
                        yield direction, finding


def categories(record: Mapping[str, Any]) -> list[str]:
    """The distinct finding categories of a record, sorted."""
    return sorted(
        {str(f.get("category")) for _, f in findings(record) if f.get("category") is not None}
    )


# ---------------------------------------------------------------------------- filters


def _values(
    option: str, value: str | None, *, pattern: re.Pattern[str] = _NAME_RE
) -> tuple[str, ...]:
    if value is None:
        return ()
    parts = tuple(part.strip() for part in value.split(","))
    if not parts or any(not part for part in parts):
        raise ConfigError(
            f"{option}: empty value in {value!r}; give one or more values, comma-separated"
        )
    for part in parts:
        if pattern.fullmatch(part) is None:
            raise ConfigError(f"{option}: {part!r} has characters a {option[2:]} cannot have")
    return parts


_GLOB_RE = re.compile(r"[^\s,]+")


@dataclass(frozen=True)
class Filters:
    """What ``audit query`` selects; empty tuples and ``None`` select everything."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    policies: tuple[str, ...] = ()
    """``name`` (any version) or ``name@version``."""
    actions: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    """The record has at least one finding from one of these checks."""
    categories: tuple[str, ...] = ()
    """The record has at least one finding of one of these categories (any case)."""
    models: tuple[str, ...] = ()
    """Glob patterns (``gpt-4o*``) for the record's model."""
    routes: tuple[str, ...] = ()
    """Glob patterns for the record's route."""

    @classmethod
    def parse(
        cls,
        *,
        since: str | None = None,
        until: str | None = None,
        policy: str | None = None,
        action: str | None = None,
        outcome: str | None = None,
        check: str | None = None,
        category: str | None = None,
        model: str | None = None,
        route: str | None = None,
        now: dt.datetime | None = None,
    ) -> Filters:
        """Build filters from command-line strings; ``ConfigError`` says what is wrong."""
        current = now if now is not None else dt.datetime.now(dt.UTC)
        start = parse_time(since, now=current, option="--since") if since is not None else None
        end = parse_time(until, now=current, option="--until") if until is not None else None
        if start is not None and end is not None and end <= start:
            raise ConfigError(
                f"--until ({end.isoformat()}) must be later than --since ({start.isoformat()})"
            )
        actions = tuple(a.lower() for a in _values("--action", action))
        for item in actions:
            if item not in ACTIONS:
                raise ConfigError(
                    f"--action: {item!r} is not an action; use one of {', '.join(ACTIONS)}"
                )
        policies = _values("--policy", policy)
        for item in policies:
            name, version = split_policy(item)
            if not name or version == "":
                raise ConfigError(f"--policy: {item!r} is not a policy; use name or name@version")
        return cls(
            since=start,
            until=end,
            policies=policies,
            actions=actions,
            outcomes=_values("--outcome", outcome),
            checks=_values("--check", check),
            categories=tuple(c.upper() for c in _values("--category", category)),
            models=_values("--model", model, pattern=_GLOB_RE),
            routes=_values("--route", route, pattern=_GLOB_RE),
        )

    def matches(self, record: Mapping[str, Any]) -> bool:
        if self.since is not None or self.until is not None:
            when = record_time(record)
            if when is None:
                return False
            if self.since is not None and when < self.since:
                return False
            if self.until is not None and when >= self.until:
                return False
        if self.policies and not _policy_matches(record.get("policy"), self.policies):
            return False
        if self.actions and record.get("action") not in self.actions:
            return False
        if self.outcomes and record.get("outcome") not in self.outcomes:
            return False
        if self.models and not _glob_matches(record.get("model"), self.models):
            return False
        if self.routes and not _glob_matches(record.get("route"), self.routes):
            return False
        if self.checks and not any(f.get("check") in self.checks for _, f in findings(record)):
            return False
        if self.categories:
            wanted = self.categories
            if not any(
                isinstance(f.get("category"), str) and f["category"].upper() in wanted
                for _, f in findings(record)
            ):
                return False
        return True


def _policy_matches(ref: object, wanted: tuple[str, ...]) -> bool:
    if not isinstance(ref, str):
        return False
    name, _ = split_policy(ref)
    return any(ref == item if "@" in item else name == item for item in wanted)


def _glob_matches(value: object, patterns: tuple[str, ...]) -> bool:
    if not isinstance(value, str):
        return False
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


# ---------------------------------------------------------------------------- reading


@dataclass
class AuditReader:
    """Iterates the records of every chain in ``directory``, merged by time, oldest first.

    ``skipped`` counts the lines that were not records (an incomplete last line, or a
    line that is not a JSON object); ``files`` and ``chains`` what was read.
    """

    directory: Path
    skipped: int = 0
    files: int = 0
    chains: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        if not self.directory.exists():
            raise ConfigError(f"audit directory {self.directory} does not exist")
        if not self.directory.is_dir():
            raise ConfigError(f"{self.directory} is not a directory")

    def chain_files(self) -> dict[str, list[Path]]:
        """Each chain's audit files in file order; checkpoints and ``.torn`` files are not."""
        try:
            names = os.listdir(self.directory)
        except OSError as exc:
            raise ConfigError(
                f"cannot list {self.directory}: {exc.strerror or type(exc).__name__}"
            ) from None
        chains: dict[str, list[tuple[int, str]]] = {}
        for name in names:
            parsed = parse_audit_file_name(name)
            if parsed is not None:
                chains.setdefault(parsed[0], []).append((parsed[1], name))
        return {
            chain: [self.directory / name for _, name in sorted(files)]
            for chain, files in sorted(chains.items())
        }

    def __iter__(self) -> Iterator[dict[str, Any]]:
        streams = [self._chain(chain, paths) for chain, paths in self.chain_files().items()]
        for _, _, _, record in heapq.merge(*streams, key=lambda item: item[:3]):
            yield record

    def _chain(
        self, chain: str, paths: list[Path]
    ) -> Iterator[tuple[dt.datetime, str, int, dict[str, Any]]]:
        self.chains.add(chain)
        order = 0
        for path in paths:
            for record in self._file(path):
                order += 1
                # time, then chain and position: records with equal times keep a fixed order
                yield record_time(record) or _MIN_TIME, chain, order, record

    def _file(self, path: Path) -> Iterator[dict[str, Any]]:
        try:
            f = open(path, "rb")  # noqa: SIM115 - closed below, also when the caller stops early
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
        self.files += 1
        with f:
            for line in f:
                if not line.endswith(b"\n"):
                    self.skipped += 1  # a write in progress or a torn tail
                    break
                try:
                    record = json.loads(line)
                except ValueError:
                    self.skipped += 1
                    continue
                if isinstance(record, dict):
                    yield record
                else:
                    self.skipped += 1


def query(
    directory: Path, filters: Filters, *, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """The records of ``directory`` that match ``filters``, oldest first, at most ``limit``."""
    if limit is not None and limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {limit}")
    return _select(AuditReader(directory), filters.matches, limit)


def _select(
    records: Iterable[dict[str, Any]],
    keep: Callable[[Mapping[str, Any]], bool],
    limit: int | None,
) -> Iterator[dict[str, Any]]:
    count = 0
    for record in records:
        if keep(record):
            yield record
            count += 1
            if limit is not None and count >= limit:
                return


# ---------------------------------------------------------------------------- output

TABLE_COLUMNS: tuple[str, ...] = (
    "time",
    "id",
    "policy",
    "route",
    "model",
    "action",
    "would_action",
    "categories",
)
_WIDTHS = {"time": 20, "id": 32, "policy": 24, "route": 20, "model": 24, "action": 8}


def printable(value: object, limit: int = 60) -> str:
    """A value from a record, safe on a terminal: control characters escaped, cut at ``limit``."""
    text = "-" if value is None else str(value)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def table_row(record: Mapping[str, Any]) -> list[str]:
    """The table cells of one record, in ``TABLE_COLUMNS`` order."""
    when = record_time(record)
    cats = categories(record)
    return [
        when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else printable(record.get("time"), 20),
        printable(record.get("id")),
        printable(record.get("policy")),
        printable(record.get("route")),
        printable(record.get("model")),
        printable(record.get("action")),
        printable(record.get("would_action")),
        printable(",".join(cats) if cats else "-", limit=80),
    ]


def format_table(rows: Iterable[list[str]]) -> Iterator[str]:
    """A header line, then one fixed-width line per row (the last column is not padded)."""
    widths = [_WIDTHS.get(name, 12) for name in TABLE_COLUMNS]

    def line(cells: list[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells[:-1], widths, strict=False)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    yield line([name.upper() for name in TABLE_COLUMNS])
    for row in rows:
        yield line(row)


def format_jsonl(record: Mapping[str, Any]) -> str:
    """The record as one JSON line (sorted keys, compact, as the log stores it)."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
