"""Policy fixtures: operators' regression tests for their policies, in YAML.

A fixture file names a policy and lists cases, each a text (and optional context) with
the expected action and delivered text. ``guardproxy policy test`` runs them through the
same pipeline the proxy uses, without an upstream.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guardproxy.checks.base import Action, CheckContext, Offloader
from guardproxy.checks.registry import CheckRegistry
from guardproxy.errors import ConfigError, PolicyError
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["allow", "annotate", "redact", "block"]
    text: str | None = Field(None, description="The exact delivered text.")
    contains: list[str] = Field(default_factory=list)
    not_contains: list[str] = Field(default_factory=list)
    categories: list[str] | None = Field(
        None,
        description="Exactly these categories among the findings that act (annotate, redact, "
        "block); findings recorded with action allow, like sentence risks below a "
        "threshold, are not compared.",
    )
    would_action: Literal["allow", "annotate", "redact", "block"] | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    text: str
    direction: Literal["output", "input"] = "output"
    context: list[str] = Field(default_factory=list)
    expect: Expect


class FixtureFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: str
    cases: list[Case] = Field(min_length=1)


def load_fixture(path: Path) -> FixtureFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return FixtureFile.model_validate(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: YAML syntax: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{path}: {loc}: {err['msg']}") from None


async def run_case(policy: Policy, case: Case) -> list[str]:
    """Problems with one case; empty when it passes."""
    ctx = CheckContext(direction=case.direction, request_id="fixture", messages=tuple(case.context))
    entries = policy.output_checks if case.direction == "output" else policy.input_checks
    verdict = await evaluate(policy, entries, case.text, ctx)
    exp = case.expect
    problems = []
    if verdict.action.label != exp.action:
        problems.append(f"action {verdict.action.label}, expected {exp.action}")
    if exp.would_action is not None and verdict.would_action.label != exp.would_action:
        problems.append(f"would_action {verdict.would_action.label}, expected {exp.would_action}")
    if exp.text is not None and verdict.text != exp.text:
        problems.append(f"text {verdict.text!r}, expected {exp.text!r}")
    for part in exp.contains:
        if part not in verdict.text:
            problems.append(f"text lacks {part!r}")
    for part in exp.not_contains:
        if part in verdict.text:
            problems.append(f"text still contains {part!r}")
    if exp.categories is not None:
        got = sorted({a.finding.category for a in verdict.findings if a.action is not Action.ALLOW})
        if got != sorted(set(exp.categories)):
            problems.append(f"categories {got}, expected {sorted(set(exp.categories))}")
    return problems


async def run_fixture_dir(
    fixture_dir: Path,
    policy_dir: Path,
    *,
    model_name: str,
    offloader: Offloader | None = None,
) -> tuple[int, int, list[str]]:
    """(failures, total, report lines) for every *.yaml fixture in fixture_dir."""
    if not fixture_dir.is_dir():  # noqa: ASYNC240 - a CLI command, no server loop
        raise ConfigError(f"fixture directory {fixture_dir} does not exist")
    files = sorted([*fixture_dir.glob("*.yaml"), *fixture_dir.glob("*.yml")])  # noqa: ASYNC240
    if not files:
        raise ConfigError(f"fixture directory {fixture_dir} holds no *.yaml files")
    try:
        policies = PolicyLoader(CheckRegistry.discover()).load_dir(policy_dir)
    except PolicyError as exc:
        return 1, 1, [f"FAIL policies: {exc}"]
    if offloader is None:
        from guardproxy.nlp.pool import InlineOffloader

        offloader = InlineOffloader(model_name=model_name)
    fixtures = [(path, load_fixture(path)) for path in files]
    lines: list[str] = []
    failures = total = 0
    started: set[str] = set()
    for path, fixture in fixtures:
        policy = policies.get(fixture.policy)
        if policy is None:
            raise ConfigError(
                f"{path}: policy {fixture.policy!r} is not in {policy_dir}; "
                f"known: {', '.join(sorted(policies))}"
            )
        if policy.name not in started:
            await policy.start(offloader)
            started.add(policy.name)
        for case in fixture.cases:
            total += 1
            problems = await run_case(policy, case)
            if problems:
                failures += 1
                lines.append(
                    f"FAIL {path.name} [{fixture.policy}] {case.name}: " + "; ".join(problems)
                )
            else:
                lines.append(f"ok   {path.name} [{fixture.policy}] {case.name}")
    return failures, total, lines
