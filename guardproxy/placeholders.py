"""Placeholders for values taken out of a prompt, and their restoration in the answer.

An input entry with ``restore: true`` replaces each value it redacts with a numbered token
(``<PERSON_1>``, ``<EMAIL_ADDRESS_2>``): the same value always gets the same token within a
request, so the model can still tell people and addresses apart without seeing them. The
answer's tokens are then put back, in its text, in tool-call arguments (JSON-aware) and in
streams, where a token may arrive split across chunks.

The mapping lives in one request's memory only: it is never logged, audited or sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

_CATEGORY_CHARS = re.compile(r"[^A-Z0-9]+")


def _json_escaped(value: str) -> str:
    """A value as it must appear inside a JSON string literal (without the quotes)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


class Placeholders:
    """One request's tokens and the values they stand for."""

    def __init__(self) -> None:
        self._token_of: dict[tuple[str, str], str] = {}
        self._value_of: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._pattern: re.Pattern[str] | None = None
        self._longest = 0

    def __len__(self) -> int:
        return len(self._value_of)

    def __repr__(self) -> str:  # never the values
        return f"Placeholders({len(self)} tokens)"

    def token_for(self, category: str, value: str) -> str:
        """The token standing for value; a value seen before keeps its token."""
        label = _CATEGORY_CHARS.sub("_", category.upper()).strip("_") or "VALUE"
        key = (label, value)
        token = self._token_of.get(key)
        if token is None:
            n = self._counts.get(label, 0) + 1
            self._counts[label] = n
            token = f"<{label}_{n}>"
            self._token_of[key] = token
            self._value_of[token] = value
            self._pattern = None
            self._longest = max(self._longest, len(token))
        return token

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._value_of:
            # longest first, so <PERSON_12> is never read as <PERSON_1> followed by "2>"
            tokens = sorted(self._value_of, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(t) for t in tokens))
        return self._pattern

    def restore(self, text: str, *, json_string: bool = False) -> str:
        """text with every token replaced by its value (escaped for JSON when asked)."""
        pattern = self._compiled()
        if pattern is None or "<" not in text:
            return text
        values = self._value_of
        if json_string:
            return pattern.sub(lambda m: _json_escaped(values[m.group()]), text)
        return pattern.sub(lambda m: values[m.group()], text)

    def restore_json(self, value: Any) -> Any:
        """A parsed JSON value with tokens restored in every string, keys included."""
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self.restore_json(v) for v in value]
        if isinstance(value, dict):
            return {self.restore(str(k)): self.restore_json(v) for k, v in value.items()}
        return value

    def restore_arguments(self, arguments: str) -> str:
        """A JSON-encoded arguments string with tokens restored; the JSON stays valid."""
        pattern = self._compiled()
        if pattern is None or pattern.search(arguments) is None:
            return arguments
        try:
            parsed = json.loads(arguments)
        except ValueError:
            # not JSON (yet): tokens sit inside string literals, so escape the values
            return self.restore(arguments, json_string=True)
        return json.dumps(self.restore_json(parsed), ensure_ascii=False)

    def partial_at_end(self, text: str) -> int:
        """Where a token that the next chunk may complete starts in text; len(text) if none."""
        if not self._value_of:
            return len(text)
        start = text.rfind("<", max(0, len(text) - self._longest))
        if start < 0:
            return len(text)
        tail = text[start:]
        if ">" in tail:
            return len(text)
        if any(token.startswith(tail) for token in self._value_of):
            return start
        return len(text)

    def streamer(self, *, json_string: bool = False) -> StreamRestorer:
        return StreamRestorer(self, json_string=json_string)


class StreamRestorer:
    """Restores tokens in a stream of text pieces, holding back a token's unfinished start."""

    def __init__(self, placeholders: Placeholders, *, json_string: bool = False) -> None:
        self._placeholders = placeholders
        self._json_string = json_string
        self._held = ""

    @property
    def held(self) -> str:
        return self._held

    def feed(self, piece: str) -> str:
        """What can be sent of everything seen so far."""
        text = self._held + piece
        cut = self._placeholders.partial_at_end(text)
        self._held = text[cut:]
        return self._placeholders.restore(text[:cut], json_string=self._json_string)

    def flush(self) -> str:
        """The held rest at the end of the stream (an unfinished token stays as it is)."""
        rest, self._held = self._held, ""
        return self._placeholders.restore(rest, json_string=self._json_string)
