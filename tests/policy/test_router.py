"""Which policy a request gets: allowed client header, then rules in order, then the default."""

from __future__ import annotations

import pytest

from guardproxy.errors import BadRequest, ConfigError
from guardproxy.policy.loader import PolicyLoader
from guardproxy.policy.router import PolicySet
from tests.helpers import make_registry


@pytest.fixture
def policies():  # type: ignore[no-untyped-def]
    loader = PolicyLoader(make_registry())
    return {n: loader.load_bytes(b"output: []\n", name=n) for n in ("default", "strict", "lax")}


def test_rules_then_default(policies) -> None:  # type: ignore[no-untyped-def]
    rules = PolicySet.parse_rules(
        [
            {"policy": "strict", "model": "gpt-4*"},
            {"policy": "lax", "route": "messages"},
        ]
    )
    ps = PolicySet(policies, "default", rules)
    assert ps.select(route="chat_completions", model="gpt-4o", requested=None).name == "strict"
    assert ps.select(route="messages", model="claude", requested=None).name == "lax"
    assert ps.select(route="chat_completions", model="o3", requested=None).name == "default"
    assert ps.select(route="chat_completions", model=None, requested=None).name == "default"


def test_client_choice_only_among_allowed(policies) -> None:  # type: ignore[no-untyped-def]
    ps = PolicySet(policies, "default", (), frozenset({"lax"}))
    assert ps.select(route="r", model=None, requested="lax").name == "lax"
    with pytest.raises(BadRequest) as info:
        ps.select(route="r", model=None, requested="strict")
    assert info.value.status == 403
    assert "allowed: lax" in str(info.value)


@pytest.mark.parametrize(
    ("default", "rules", "selectable", "message"),
    [
        ("nope", [], [], "default policy 'nope' is not loaded; loaded: default, lax, strict"),
        ("default", [{"policy": "ghost"}], [], "unknown policy 'ghost'"),
        ("default", [], ["ghost"], "client-selectable policy 'ghost' is not loaded"),
    ],
)
def test_configuration_errors_name_what_is_missing(
    policies, default, rules, selectable, message
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=message):
        PolicySet(policies, default, PolicySet.parse_rules(rules), frozenset(selectable))


def test_rule_with_unknown_key() -> None:
    with pytest.raises(ConfigError, match=r"policy_routes\[0\]"):
        PolicySet.parse_rules([{"policy": "x", "path": "/v1"}])
