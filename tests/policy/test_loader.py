"""Policy files: valid ones compile to frozen objects, invalid ones name file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from guardproxy.checks.base import Action
from guardproxy.errors import PolicyError
from guardproxy.policy.loader import PolicyLoader, bundled_policies_dir
from tests.helpers import make_registry


@pytest.fixture
def loader() -> PolicyLoader:
    return PolicyLoader(make_registry())


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def test_shipped_policies_load(loader: PolicyLoader) -> None:
    policies = loader.load_dir(bundled_policies_dir())
    assert {"default", "monitor", "strict", "passthrough", "transparent"} <= set(policies)
    default = policies["default"]
    assert default.mode == "enforce"
    assert [c.id for c in default.output_checks][:2] == ["pii", "secrets"]
    assert {"citations", "hallucination", "links"} <= {c.id for c in default.output_checks}
    assert default.output_checks[0].action is Action.REDACT
    assert policies["monitor"].mode == "monitor"
    assert policies["passthrough"].output_checks == ()
    assert len(default.version) == 12


def test_version_changes_with_content(loader: PolicyLoader, tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "output: []\n")
    first = loader.load_file(path)
    path.write_text("output: []\nmode: monitor\n")
    second = loader.load_file(path)
    assert first.name == second.name == "p"
    assert first.version != second.version


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        (
            """
            name: bad
            output:
              - use: pattern
                options:
                  pattern: "x"
                  lookahead: -3
            """,
            6,
            "output[0].options.lookahead: Input should be greater than or equal to 0",
        ),
        (
            """
            name: bad
            output:
              - use: pattern
                options: {pattern: "x"}
              - use: nosuchcheck
            """,
            5,
            "output[1].use: unknown check 'nosuchcheck'; known: abuse, citations, classifier, disinformation, failing, fairness, hallucination, links, marker, notice, pattern, pii, secrets",
        ),
        (
            """
            name: bad
            mode: enforce
            stream:
              mode: sideways
            """,
            4,
            "stream.mode: Input should be 'incremental', 'buffered' or 'passthrough'",
        ),
        (
            """
            name: bad
            output:
              - use: pattern
                options: {pattern: "x"}
                colour: blue
            """,
            5,
            "output[0].colour: unknown field",
        ),
        (
            """
            name: bad
            output:
              - use: pattern
                options: {pattern: "x"}
              - use: pattern
                options: {pattern: "y"}
            """,
            5,
            "output[1].id: duplicate check id 'pattern'",
        ),
        (
            """
            name: bad
            output: [
            """,
            3,
            "YAML syntax",
        ),
    ],
)
def test_errors_name_file_line_and_location(
    loader: PolicyLoader, tmp_path: Path, body: str, line: int, fragment: str
) -> None:
    path = write(tmp_path, "bad.yaml", body)
    with pytest.raises(PolicyError) as info:
        loader.load_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert fragment in message
    assert info.value.line == line


def test_unknown_pii_entity_is_reported_at_its_line(loader: PolicyLoader, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.yaml",
        """
        output:
          - use: pii
            options:
              entities: [EMAIL_ADDRESS, SHOE_SIZE]
        """,
    )
    with pytest.raises(PolicyError) as info:
        loader.load_file(path)
    assert f"{path}:4: output[0].options.entities" in str(info.value)
    assert "SHOE_SIZE" in str(info.value)


def test_directory_rejects_duplicate_names(loader: PolicyLoader, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "name: same\n")
    write(tmp_path, "b.yaml", "name: same\n")
    with pytest.raises(PolicyError, match="also used by"):
        loader.load_dir(tmp_path)


def test_compiled_policy_is_frozen(loader: PolicyLoader, tmp_path: Path) -> None:
    policy = loader.load_file(write(tmp_path, "p.yaml", "output: []\n"))
    with pytest.raises(AttributeError):
        policy.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("mode", "action", "loads"),
    [
        ("incremental", "annotate", True),
        ("incremental", "block", True),
        ("incremental", "redact", False),
        ("buffered", "redact", True),
    ],
)
def test_checks_that_edit_earlier_text_need_a_buffered_stream_only_to_redact(
    loader: PolicyLoader, mode: str, action: str, loads: bool
) -> None:
    body = f"""
        stream: {{mode: {mode}}}
        output:
          - use: marker
            action: {action}
            options: {{after: "x"}}
    """
    if loads:
        policy = loader.load_bytes(textwrap.dedent(body).encode(), name="p")
        assert policy.output_checks[0].action is Action.parse(action)
    else:
        with pytest.raises(PolicyError, match=r"output\[0\].*set stream.mode: buffered"):
            loader.load_bytes(textwrap.dedent(body).encode(), name="p")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "output:\n  - use: pattern\n    restore: true\n    options: {pattern: x}\n",
            r"output\[0\]\.restore: restore applies to input entries",
        ),
        (
            "input:\n  - use: pattern\n    action: block\n    restore: true\n"
            "    options: {pattern: x}\n",
            r"input\[0\]\.restore: restore needs action: redact \(this entry's action is block\)",
        ),
    ],
)
def test_restore_is_for_redacting_input_entries(
    loader: PolicyLoader, body: str, message: str
) -> None:
    with pytest.raises(PolicyError, match=message):
        loader.load_bytes(body.encode(), name="p")


def test_restore_compiles_onto_the_input_entry(loader: PolicyLoader) -> None:
    body = "input:\n  - use: pattern\n    restore: true\n    options: {pattern: x}\n"
    policy = loader.load_bytes(body.encode(), name="p")
    assert policy.input_checks[0].restore is True
    assert policy.input_checks[0].action is Action.REDACT


def test_editing_a_referenced_lexicon_changes_the_version(
    loader: PolicyLoader, tmp_path: Path
) -> None:
    lexicon = tmp_path / "ours.txt"
    lexicon.write_text("@category harassment\nhigh you absolute walnut\n", encoding="utf-8")
    body = f"output:\n  - use: abuse\n    options: {{lexicons: [{str(lexicon)!r}]}}\n".encode()
    first = loader.load_bytes(body, name="p").version
    assert loader.load_bytes(body, name="p").version == first
    lexicon.write_text("@category harassment\nhigh you absolute turnip\n", encoding="utf-8")
    assert loader.load_bytes(body, name="p").version != first


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "scan_tool_calls: true\noutput:\n  - use: marker\n    options: {after: x}\n",
            r"scan_tool_calls: tool-call arguments are checked by the stream-capable",
        ),
        (
            "mode: monitor\ninput:\n  - use: pattern\n    restore: true\n"
            "    options: {pattern: x}\n",
            r"input\[0\]\.restore: restore has no effect in monitor mode",
        ),
    ],
)
def test_settings_that_would_do_nothing_are_errors(
    loader: PolicyLoader, body: str, message: str
) -> None:
    with pytest.raises(PolicyError, match=message):
        loader.load_bytes(body.encode(), name="p")
