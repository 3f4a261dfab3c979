"""Load policy files: YAML -> envelope -> each check's options -> a frozen Policy.

Every error names the file, the line and the location inside the document
(``policies/default.yaml:14: output[0].options.min_score: must be <= 1``), because the
operator reading it at 3 a.m. should not have to guess which of forty entries is wrong.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from guardproxy.checks.base import Action, CheckOptions
from guardproxy.checks.registry import CheckRegistry
from guardproxy.errors import ConfigError, PolicyError
from guardproxy.policy.compiled import CompiledCheck, Policy
from guardproxy.policy.schema import CheckEntrySpec, PolicySpec

log = logging.getLogger(__name__)

Loc = Sequence[str | int]


def _format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _node_line(node: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line of the deepest YAML node that loc reaches."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            return line
        node = child
        line = node.start_mark.line + 1
    return line


def _pydantic_messages(exc: ValidationError, prefix: Loc) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = [*prefix, *(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))]
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        out.append((loc, msg))
    return out


class PolicyLoader:
    """Turns policy files into Policy objects using the checks a registry knows."""

    def __init__(self, registry: CheckRegistry) -> None:
        self.registry = registry

    def load_file(self, path: Path) -> Policy:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise PolicyError(f"cannot read file: {exc.strerror}", file=str(path)) from exc
        return self.load_bytes(raw, source=path)

    def load_bytes(
        self, raw: bytes, *, source: Path | None = None, name: str | None = None
    ) -> Policy:
        file = str(source) if source else "<policy>"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyError("file is not UTF-8", file=file) from exc
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            raise PolicyError(f"YAML syntax: {exc.problem}", file=file, line=line) from exc
        if not isinstance(data, dict):
            raise PolicyError(
                "a policy file must be a mapping (name, mode, output, ...)", file=file
            )

        def fail(loc: Loc, msg: str) -> PolicyError:
            return PolicyError(f"{_format_loc(loc)}: {msg}", file=file, line=_node_line(node, loc))

        try:
            spec = PolicySpec.model_validate(data)
        except ValidationError as exc:
            loc, msg = _pydantic_messages(exc, [])[0]
            raise fail(loc, msg) from None

        policy_name = spec.name or name or (source.stem if source else None)
        if policy_name is None:
            raise fail(["name"], "missing: give the policy a name")
        input_checks = self._compile_entries(spec, "input", spec.input, fail, file)
        output_checks = self._compile_entries(spec, "output", spec.output, fail, file)
        self._check_stream_compat(spec, output_checks, fail)
        self._check_effective(spec, input_checks, output_checks, fail)
        version = _version(raw, (*input_checks, *output_checks))
        return Policy(
            name=policy_name,
            version=version,
            mode=spec.mode,
            description=spec.description,
            stream=spec.stream,
            messages=spec.messages,
            input_checks=input_checks,
            output_checks=output_checks,
            source=source,
            scan_tool_calls=spec.scan_tool_calls,
        )

    def _compile_entries(
        self,
        spec: PolicySpec,
        direction: str,
        entries: list[CheckEntrySpec],
        fail: Any,
        file: str,
    ) -> tuple[CompiledCheck, ...]:
        compiled: list[CompiledCheck] = []
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            loc: list[str | int] = [direction, i]
            try:
                cls = self.registry.get(entry.use)
            except KeyError:
                known = ", ".join(self.registry.names)
                raise fail([*loc, "use"], f"unknown check {entry.use!r}; known: {known}") from None
            except ConfigError as exc:
                raise fail([*loc, "use"], str(exc)) from None
            try:
                options: CheckOptions = cls.options_model.model_validate(entry.options)
            except ValidationError as exc:
                sub, msg = _pydantic_messages(exc, [*loc, "options"])[0]
                raise fail(sub, msg) from None
            entry_id = entry.id or entry.use
            if entry_id in seen:
                raise fail([*loc, "id"], f"duplicate check id {entry_id!r}; give each entry an id")
            seen.add(entry_id)
            action_name = entry.action or cls.default_action
            if entry.restore and direction != "input":
                raise fail(
                    [*loc, "restore"],
                    "restore applies to input entries (values taken out of the prompt); "
                    "move the entry under input: or remove restore",
                )
            if entry.restore and action_name != "redact":
                raise fail(
                    [*loc, "restore"],
                    f"restore needs action: redact (this entry's action is {action_name})",
                )
            try:
                check = cls(options)
            except (ValueError, ConfigError) as exc:
                raise fail([*loc, "options"], str(exc)) from None
            compiled.append(
                CompiledCheck(
                    id=entry_id,
                    check=check,
                    action=Action.parse(action_name),
                    mode=entry.mode or spec.mode,
                    on_error=entry.on_error,
                    timeout_s=entry.timeout_ms / 1000.0,
                    location=f"{file}: {_format_loc(loc)}",
                    restore=entry.restore,
                )
            )
        return tuple(compiled)

    @staticmethod
    def _check_stream_compat(
        spec: PolicySpec, output: tuple[CompiledCheck, ...], fail: Any
    ) -> None:
        if spec.stream.mode != "incremental":
            return
        for i, entry in enumerate(output):
            if entry.check.edits_in_place and entry.action is Action.REDACT:
                raise fail(
                    ["output", i],
                    f"check {entry.id!r} edits earlier text, which an incremental stream has "
                    "already sent; set stream.mode: buffered",
                )

    @staticmethod
    def _check_effective(
        spec: PolicySpec,
        input_checks: tuple[CompiledCheck, ...],
        output_checks: tuple[CompiledCheck, ...],
        fail: Any,
    ) -> None:
        """Settings that would silently do nothing are errors, not surprises in production."""
        if spec.scan_tool_calls and not any(c.check.streamable for c in output_checks):
            raise fail(
                ["scan_tool_calls"],
                "tool-call arguments are checked by the stream-capable output checks (pii, "
                "secrets, abuse) and this policy has none; add one or remove scan_tool_calls",
            )
        for i, entry in enumerate(input_checks):
            if entry.restore and (spec.mode == "monitor" or entry.mode == "monitor"):
                raise fail(
                    ["input", i, "restore"],
                    "restore has no effect in monitor mode (nothing is replaced); remove it "
                    "or enforce this entry",
                )

    def load_dir(self, directory: Path) -> dict[str, Policy]:
        """Every *.yaml / *.yml directly in directory (subfolders hold fixtures and lexicons)."""
        if not directory.is_dir():
            raise ConfigError(f"policy directory {directory} does not exist or is not a directory")
        policies: dict[str, Policy] = {}
        files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
        if not files:
            raise ConfigError(f"policy directory {directory} holds no *.yaml files")
        for path in files:
            policy = self.load_file(path)
            if policy.name in policies:
                other = policies[policy.name].source
                raise PolicyError(
                    f"policy name {policy.name!r} is also used by {other}", file=str(path)
                )
            policies[policy.name] = policy
        return policies


def bundled_policies_dir() -> Path:
    """The shipped policies: package data in a wheel, the repo's policies/ in a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_policies"
    if packaged.is_dir():
        return packaged
    return here.parent / "policies"


def _version(raw: bytes, entries: tuple[CompiledCheck, ...]) -> str:
    """Content hash of the policy file and of every data file its checks loaded.

    Editing a lexicon or a claims file changes the version, so the records made before and
    after the edit name different policy versions.
    """
    digest = hashlib.sha256(raw)
    seen: set[Path] = set()
    for entry in entries:
        for path in entry.check.referenced_files():
            if path in seen:
                continue
            seen.add(path)
            digest.update(b"\0" + path.name.encode("utf-8") + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:  # the check read it a moment ago; hash what can be read
                digest.update(b"unreadable")
    return digest.hexdigest()[:12]
