"""Which check classes exist: an explicit table of built-ins plus an entry-point group.

A third-party package adds a check by declaring an entry point in the group
``guardproxy.checks``; a name that two different classes claim is an error.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from guardproxy.checks.base import Check
from guardproxy.errors import ConfigError

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "guardproxy.checks"

BUILTIN_CHECKS: Mapping[str, str] = {
    "pii": "guardproxy.checks.pii:PiiCheck",
    "notice": "guardproxy.checks.notice:NoticeCheck",
    "secrets": "guardproxy.checks.secrets:SecretsCheck",
    "abuse": "guardproxy.checks.abuse:AbuseCheck",
    "classifier": "guardproxy.checks.classifier:ClassifierCheck",
    "disinformation": "guardproxy.checks.disinformation:DisinformationCheck",
    "fairness": "guardproxy.checks.fairness:FairnessCheck",
    "citations": "guardproxy.checks.citations:CitationsCheck",
    "hallucination": "guardproxy.checks.hallucination:HallucinationCheck",
    "links": "guardproxy.checks.links:LinksCheck",
}


def _import(target: str) -> type[Check[Any]]:
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    cls = getattr(module, attr)
    if not (isinstance(cls, type) and issubclass(cls, Check)):
        raise ConfigError(f"{target} is not a guardproxy Check subclass")
    return cls


class CheckRegistry:
    """Resolves check names to classes, importing each class only when first used."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._targets = dict(table)
        self._classes: dict[str, type[Check[Any]]] = {}

    @classmethod
    def discover(cls) -> CheckRegistry:
        table = dict(BUILTIN_CHECKS)
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            known = table.get(ep.name)
            if known is not None and known != ep.value:
                raise ConfigError(
                    f"check name {ep.name!r} is claimed by both {known} and {ep.value}; "
                    "uninstall one of the packages or rename its entry point"
                )
            table[ep.name] = ep.value
        return cls(table)

    @property
    def names(self) -> list[str]:
        return sorted(self._targets)

    def get(self, name: str) -> type[Check[Any]]:
        cls = self._classes.get(name)
        if cls is not None:
            return cls
        target = self._targets.get(name)
        if target is None:
            raise KeyError(name)
        cls = _import(target)
        self._classes[name] = cls
        return cls

    def register(self, name: str, cls: type[Check[Any]]) -> None:
        """Add a class directly (tests and embedding applications)."""
        if name in self._targets and self._classes.get(name) is not cls:
            raise ConfigError(f"check name {name!r} is already registered")
        self._targets[name] = f"{cls.__module__}:{cls.__qualname__}"
        self._classes[name] = cls
