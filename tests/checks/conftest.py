"""Checks run against real presidio, in this process, loaded once per test session."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from guardproxy.checks.base import CheckContext
from guardproxy.checks.disinformation import DisinformationCheck, DisinformationOptions
from guardproxy.nlp.pool import InlineOffloader


@pytest.fixture(scope="session")
def inline_offloader() -> Iterator[InlineOffloader]:
    offloader = InlineOffloader()
    offloader.load()
    yield offloader
    asyncio.run(offloader.close())


@pytest.fixture
def output_ctx() -> CheckContext:
    return CheckContext(direction="output", request_id="req-test")


@pytest.fixture(scope="session")
def shipped_claims() -> DisinformationCheck:
    """The disinformation check with default options and the shipped claim database."""
    return DisinformationCheck(DisinformationOptions.model_validate({}))
