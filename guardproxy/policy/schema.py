"""The policy file's shape, validated in two phases: the envelope, then each check's options.

A validation error carries the location path (``output[0].options.min_score``); the loader
turns that path into a file and line.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StreamSpec(_Strict):
    mode: Literal["incremental", "buffered", "passthrough"] = Field(
        "incremental",
        description="incremental releases checked text as it streams; buffered holds the whole "
        "answer; passthrough emits at once and checks afterwards (log only).",
    )
    holdback_chars: int = Field(
        256,
        ge=0,
        le=65536,
        description="Cap on the tail held back while streaming; the actual holdback is what the "
        "stream-capable checks need.",
    )
    min_window_chars: int = Field(
        48,
        ge=1,
        le=65536,
        description="New characters to gather before the stream-capable checks run again; larger "
        "windows cost fewer check calls and delay the first byte a little more.",
    )


class MessagesSpec(_Strict):
    output_blocked: str = Field(
        "This response was withheld because it did not pass the content policy.",
        min_length=1,
        description="Delivered in place of a blocked answer.",
    )
    input_blocked: str = Field(
        "The request was rejected by the content policy.",
        min_length=1,
        description="Error message for a blocked request.",
    )


class CheckEntrySpec(_Strict):
    """The envelope every check entry shares; `options` is validated by the check's own model."""

    use: str = Field(description="Registered check name, e.g. pii.")
    id: str | None = Field(None, description="Distinct name when one check is used twice.")
    action: Literal["annotate", "redact", "block"] | None = Field(
        None, description="What a finding does; defaults to the check's own default."
    )
    mode: Literal["enforce", "monitor"] | None = Field(
        None, description="Overrides the policy's mode for this check."
    )
    on_error: Literal["fail_open", "fail_closed"] = Field(
        "fail_closed",
        description="fail_closed blocks with category check_error when the check errors or "
        "times out; fail_open lets the text through and records the error.",
    )
    timeout_ms: int = Field(2000, ge=1, le=600_000, description="Per-run time limit.")
    restore: bool = Field(
        False,
        description="Input entries with action redact: each value becomes a numbered "
        "placeholder (<PERSON_1>) before the request leaves, and the answer gets the value back.",
    )
    options: dict[str, Any] = Field(default_factory=dict, description="The check's own options.")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str | None) -> str | None:
        if value is not None and not NAME_RE.match(value):
            raise ValueError("must be letters, digits, '_', '.', '-' (at most 64)")
        return value


class PolicySpec(_Strict):
    name: str | None = Field(None, description="Defaults to the file name without .yaml.")
    description: str = ""
    mode: Literal["enforce", "monitor"] = Field(
        "enforce", description="monitor records would_action but never changes a response."
    )
    stream: StreamSpec = Field(default_factory=StreamSpec)  # type: ignore[arg-type]
    messages: MessagesSpec = Field(default_factory=MessagesSpec)  # type: ignore[arg-type]
    input: list[CheckEntrySpec] = Field(default_factory=list)
    output: list[CheckEntrySpec] = Field(default_factory=list)
    scan_tool_calls: bool = Field(
        False,
        description="Run the stream-capable output checks (pii, secrets, abuse) on tool-call "
        "arguments: string values are edited, the JSON stays valid, a block withholds the call.",
    )

    @field_validator("name")
    @classmethod
    def _name_shape(cls, value: str | None) -> str | None:
        if value is not None and not NAME_RE.match(value):
            raise ValueError("must be letters, digits, '_', '.', '-' (at most 64)")
        return value
