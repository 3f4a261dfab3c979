"""Which policy a request gets: client header (if allowed), routing rules, then the default."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from guardproxy.errors import BadRequest, ConfigError
from guardproxy.policy.compiled import Policy


@dataclass(frozen=True, slots=True)
class RouteRule:
    """Use `policy` when the route and the model glob match (None matches anything)."""

    policy: str
    route: str | None = None
    model: str | None = None

    def matches(self, route: str, model: str | None) -> bool:
        if self.route is not None and self.route != route:
            return False
        if self.model is not None:
            return model is not None and fnmatch.fnmatchcase(model, self.model)
        return True


@dataclass(frozen=True)
class PolicySet:
    """An immutable snapshot of every loaded policy; hot reload swaps the whole set."""

    policies: Mapping[str, Policy]
    default: str
    rules: tuple[RouteRule, ...] = ()
    client_selectable: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        known = ", ".join(sorted(self.policies)) or "none"
        if self.default not in self.policies:
            raise ConfigError(f"default policy {self.default!r} is not loaded; loaded: {known}")
        for rule in self.rules:
            if rule.policy not in self.policies:
                raise ConfigError(
                    f"routing rule names unknown policy {rule.policy!r}; loaded: {known}"
                )
        for name in self.client_selectable:
            if name not in self.policies:
                raise ConfigError(
                    f"client-selectable policy {name!r} is not loaded; loaded: {known}"
                )

    def get(self, name: str) -> Policy | None:
        return self.policies.get(name)

    def select(self, *, route: str, model: str | None, requested: str | None) -> Policy:
        if requested is not None:
            if requested not in self.client_selectable:
                allowed = ", ".join(sorted(self.client_selectable)) or "none"
                raise BadRequest(
                    403,
                    f"policy {requested!r} may not be chosen by clients; allowed: {allowed} "
                    "(server setting client_selectable_policies / --client-policies)",
                    code="policy_not_allowed",
                )
            return self.policies[requested]
        for rule in self.rules:
            if rule.matches(route, model):
                return self.policies[rule.policy]
        return self.policies[self.default]

    def with_policies(self, policies: Mapping[str, Policy]) -> PolicySet:
        return PolicySet(policies, self.default, self.rules, self.client_selectable)

    @staticmethod
    def parse_rules(raw: Sequence[Mapping[str, str]]) -> tuple[RouteRule, ...]:
        rules = []
        for i, item in enumerate(raw):
            unknown = set(item) - {"policy", "route", "model"}
            if unknown or "policy" not in item:
                raise ConfigError(
                    f"policy_routes[{i}]: expected keys policy, route?, model?; got {sorted(item)}"
                )
            rules.append(RouteRule(item["policy"], item.get("route"), item.get("model")))
        return tuple(rules)
