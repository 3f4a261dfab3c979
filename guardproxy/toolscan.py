"""Output checks on tool-call arguments (the policy's ``scan_tool_calls``).

A model can put a card number or a key into a function call as easily as into its text,
and the client executes that call. Arguments are JSON: each string value is checked as its
own text and only string values are edited, so what the client parses stays valid JSON
with the same shape. Keys are not checked (they are the tool's schema, not content).
Arguments that are not JSON are checked as one text.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from guardproxy.pipeline import Verdict

Judge = Callable[[str], Awaitable[Verdict]]
"""Runs the checks meant for tool arguments on one text."""


@dataclass(slots=True)
class ScannedArguments:
    """One tool call's arguments after the checks."""

    text: str
    """The arguments to deliver (edited where a check redacted)."""
    values: list[tuple[str, str, Verdict]] = field(default_factory=list)
    """(JSON path, original string, verdict) per checked string."""

    @property
    def blocked(self) -> bool:
        return any(v.blocked for _, _, v in self.values)


Path = tuple[str | int, ...]
"""Keys and indices from the top of the JSON value to one string in it."""

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def path_text(path: Path) -> str:
    """A path as the record shows it: $.to, $.cc[1], $["odd.key"]."""
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _PLAIN_KEY.fullmatch(step):
            parts.append(f".{step}")
        else:
            parts.append(f"[{json.dumps(step, ensure_ascii=False)}]")
    return "".join(parts)


def _strings(value: Any, path: Path, out: list[tuple[Path, str]]) -> None:
    if isinstance(value, str):
        if value.strip():
            out.append((path, value))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _strings(item, (*path, i), out)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(item, (*path, key), out)


def _rebuild(value: Any, path: Path, edited: dict[Path, str]) -> Any:
    if isinstance(value, str):
        return edited.get(path, value)
    if isinstance(value, list):
        return [_rebuild(item, (*path, i), edited) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _rebuild(item, (*path, key), edited) for key, item in value.items()}
    return value


async def scan_arguments(arguments: str, judge: Judge) -> ScannedArguments:
    """Check every string value of a JSON arguments text; edit them in place."""
    try:
        parsed = json.loads(arguments)
    except ValueError:
        if not arguments.strip():
            return ScannedArguments(arguments)
        verdict = await judge(arguments)
        return ScannedArguments(verdict.text, [("$", arguments, verdict)])
    found: list[tuple[Path, str]] = []
    _strings(parsed, (), found)
    if not found:
        return ScannedArguments(arguments)
    verdicts = await asyncio.gather(*(judge(text) for _, text in found))
    edited = {
        path: v.text for (path, text), v in zip(found, verdicts, strict=True) if v.text != text
    }
    values = [(path_text(path), text, v) for (path, text), v in zip(found, verdicts, strict=True)]
    if not edited:
        return ScannedArguments(arguments, values)
    rebuilt = json.dumps(_rebuild(parsed, (), edited), ensure_ascii=False)
    return ScannedArguments(rebuilt, values)
