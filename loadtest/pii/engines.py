"""The two PII engines compared, and the policy post-processing applied to both.

- `guardproxy`: `guardproxy.nlp.engine.build_analyzer(entities=...)` and `analyze`, as
  the `pii` check runs them in its workers (only the recognizers the entities need, a
  pipeline holding only spaCy's `ner`, and no NER at all for pattern-only entities).
- `stock`: presidio's default recognizer registry (`AnalyzerEngine(nlp_engine=...)`
  without a registry) on an NLP engine made by `NlpEngineProvider` from presidio's own
  `conf/default.yaml` with the model name swapped for guardproxy's spaCy pipeline.

Both get the same post-processing, the one `PiiCheck.run` applies: per-entity minimum
scores from the policy (`threshold_for`) and `resolve_overlaps`. So the comparison is of
the engines, not of the thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from guardproxy.checks.pii import PiiOptions, resolve_overlaps
from guardproxy.nlp.engine import (
    DEFAULT_MODEL,
    Detection,
    analyze,
    build_analyzer,
    recognizer_of,
)
from guardproxy.nlp.offline import configure_offline

ENGINES: tuple[str, ...] = ("guardproxy", "stock")
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY = REPO_ROOT / "policies" / "default.yaml"


def policy_pii_options(path: Path = DEFAULT_POLICY) -> PiiOptions:
    """The options of the first `pii` check in a policy file's output checks."""
    policy = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in policy.get("output", []):
        if entry.get("use") == "pii":
            return PiiOptions(**entry.get("options", {}))
    raise ValueError(f"no pii check in {path}")


@dataclass
class Settings:
    """What both engines are asked for: entity types and per-entity minimum scores."""

    entities: tuple[str, ...]
    min_score: float
    entity_min_scores: dict[str, float]

    @classmethod
    def from_options(cls, options: PiiOptions, entities: Sequence[str] | None = None) -> Settings:
        chosen = tuple(entities) if entities else options.entities
        return cls(chosen, options.min_score, dict(options.entity_min_scores))

    def threshold_for(self, entity: str) -> float:
        return self.entity_min_scores.get(entity, self.min_score)

    def analysis_threshold(self) -> float:
        return min(self.threshold_for(e) for e in self.entities)


def build_stock_analyzer(model_name: str = DEFAULT_MODEL) -> Any:
    """presidio's default engine and registry, on the named spaCy pipeline."""
    configure_offline()  # tldextract's suffix list from its snapshot: no network
    import presidio_analyzer
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf_path = Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml"
    config = yaml.safe_load(conf_path.read_text(encoding="utf-8"))
    for model in config["models"]:
        model["model_name"] = model_name
    nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


class Engine:
    """One analyzer plus the policy's post-processing."""

    def __init__(self, name: str, settings: Settings, model_name: str = DEFAULT_MODEL) -> None:
        if name not in ENGINES:
            raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")
        self.name = name
        self.settings = settings
        if name == "guardproxy":
            self.analyzer = build_analyzer(model_name, entities=settings.entities)
        else:
            self.analyzer = build_stock_analyzer(model_name)

    def raw(self, text: str) -> list[Detection]:
        s = self.settings
        if self.name == "guardproxy":
            return analyze(self.analyzer, text, s.entities, s.analysis_threshold())
        results = self.analyzer.analyze(
            text=text,
            language="en",
            entities=list(s.entities),
            score_threshold=s.analysis_threshold(),
        )
        return [
            (str(r.entity_type), int(r.start), int(r.end), float(r.score), recognizer_of(r))
            for r in results
        ]

    def detect(self, text: str) -> list[Detection]:
        """Detections as the pii check would keep them."""
        if not text.strip():
            return []
        s = self.settings
        return resolve_overlaps([d for d in self.raw(text) if d[3] >= s.threshold_for(d[0])])
