"""Real presidio on the real spaCy pipeline, loaded once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from guardproxy.nlp.engine import build_analyzer, build_nlp_engine

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngine


@pytest.fixture(scope="session")
def nlp_engine() -> NlpEngine:
    return build_nlp_engine()


@pytest.fixture(scope="session")
def analyzer(nlp_engine: NlpEngine) -> Iterator[AnalyzerEngine]:
    yield build_analyzer(nlp_engine=nlp_engine)
