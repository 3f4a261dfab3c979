"""The `disinformation` check: answers that repeat a known false claim get a fact-check note.

Claims come from a database of YAML or JSONL files (the shipped `policies/claims/` plus
the operator's own), each with its verdict, a correction and a source. Every sentence of
an answer is compared with the claims of its language:

- English: the sentence's content terms (stop words and hedges dropped, light stemming
  with irregular forms and British spellings folded, multi-word units such as "bring
  about" or "carbon dioxide", a synonym and hypernym table for the claims' domains)
  against each claim's terms, weighted by rarity across the database (IDF); the score is
  the weighted share of the claim's terms the sentence contains, in any order, reduced
  when they lie scattered across a long sentence. A second stage lets a claim term the
  sentence lacks earn part of its weight from a sentence term of near spelling (character
  trigrams). A claim's relation terms (causes, spreads, cures, prevents, is a hoax...)
  must be in the sentence, or a close one in their place ("stops colds" for prevents):
  naming the claim's subject without saying anything of the kind asserts nothing.
  Japanese: the same with character bigrams of the folded text (`claimtext.japanese_text`).
- Candidates: a MinHash signature of the sentence (and of windows of a long one) looked up
  in banded LSH tables, so only claims sharing a band with the sentence are scored. The
  sentence's features are first restricted to the database's vocabulary, which keeps the
  estimated similarity high when a claim is stated inside a longer sentence. Bit masks of
  each wording's terms and relation terms pass over most candidates before scoring.
- Negation: a sentence repeats a claim only if it negates as often as the claim does,
  rejects nothing ("dismissed the idea that ...") and calls nothing false, a myth or a hoax
  more often than the claim itself does ("vaccines do not cause autism", "it is a myth
  that ..."). A word stating the opposite of a claim term counts as a negation ("measles
  is a serious illness", "the Earth is round"), and "not" before it cancels ("not round").
  A sentence that refutes any claim it matches asserts none. A short follow-up sentence
  such as "This is a myth." or "The evidence shows otherwise." and list items under a
  heading like "Common myths:" refute too. A question asserts nothing unless it states
  what it asks ("Did you know that ...?") or the next sentence is a plain "yes" ("Is the
  Earth flat? Yes.").
- Where the claim is stated (`_judge`): a claim only reported ("the idea that ...",
  "Calling X a hoax ...") is left out; a concessive preface, a leading side clause or a
  conceding lead ("Whatever the officials say, ...") that names nothing of the claim is
  set aside with its negation, and so is a frame saying the claim is kept quiet ("What
  they won't tell you is that ..."); a claim's own negation must be in its own clause
  ("エアコンを使わずに室内にいると..." is no "起こらない"); and a later clause that retracts it
  ("...; the evidence shows the reverse", "〜と思っていましたが、逆でした") refutes it.
  A claim given as hearsay ("You'll often hear that X", "People claimed X") and followed by
  a contrast ("..., yet the data tell a different story", a next sentence opening "In
  reality, ...") is corrected, unless the contrast holds it true or says it is kept quiet
  ("..., but nobody will admit it"); so is a claim followed by a contrasting clause that
  states the opposite of its terms ("..., yet every photo shows a round planet").

Optional topic notices point answers about sensitive subjects (elections, health,
disasters...) at official sources that the operator names. Everything is compiled when the
policy loads; a run costs a few hundred microseconds per kilobyte of answer, on the loop.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import random
import re
import string
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from guardproxy import claimtext
from guardproxy.checks.base import (
    Action,
    Annotation,
    Check,
    CheckContext,
    CheckOptions,
    CheckResult,
    Finding,
    no_blank_items,
)
from guardproxy.lang import has_japanese, pick_language

Language = Literal["en", "ja"]
Verdict = Literal["false", "misleading", "unproven", "outdated"]
VERDICTS: tuple[str, ...] = ("false", "misleading", "unproven", "outdated")
LANGUAGES: tuple[str, ...] = ("en", "ja")

_MINHASH_BANDS = 20
_MINHASH_ROWS = 2
_MERSENNE = (1 << 61) - 1
_WINDOW = {"en": 8, "ja": 12}
_MIN_FEATURES = 2
_BUCKET_CAP = 48
_BAND_NUMBERS = range(_MINHASH_BANDS)
# a follow-up sentence this short that refutes is taken to refute the sentence before it
_FOLLOW_UP_WORDS = 12
_FOLLOW_UP = re.compile(
    r"^\W*(?:but\s+|however,?\s+)?(?:this|that|it|these|those|such|the)\b", re.IGNORECASE
)
# a follow-up that retracts ("The temperature records say the opposite: ...") may be longer
_RETRACTION_WORDS = 30
# how a sentence that corrects hearsay opens
_CORRECTION = re.compile(
    r"^\W*(?:but|however|yet|in (?:reality|truth|practice)|actually|the (?:truth|reality) is|"
    r"(?:that|this)(?:'s| is) not (?:true|the case|so)|not so|nope)\b\W*",
    re.IGNORECASE,
)
# "The virus actually passes between people ...": a correction a few words in
_CORRECTION_LATE = re.compile(
    r"^\W*(?:[\w'\u2019-]+\s+){1,3}?(?:actually|in fact|in reality|in truth)\b,?\s*",
    re.IGNORECASE,
)
_LATE_HINTS = ("actually", "fact", "reality", "truth")
_JA_CORRECTION = re.compile(
    r"^(?:しかし|ですが|でも|ところが|実際に?は|実は|本当は|けれども|だが)、?"
)
_JA_FOLLOW_UP = re.compile(r"^(?:しかし|ただし|ですが|でも|これは|それは|この|その)")
# a plain "yes" after a question; "it is" and the like only as the whole reply ("It is a
# sphere." answers "Is the Earth flat?" the other way)
_AFFIRM = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|absolutely|definitely|certainly|indeed|correct|exactly|"
    r"(?:that's|that is) (?:right|correct|true)|the (?:short |simple )?answer is yes)\b|"
    r"(?:it|they|he|she|you|we) (?:do|does|did|is|are|can|will|was|were)\s*(?:[.!,;]|$))",
    re.IGNORECASE,
)
# a question that states what it asks about: "Did you know that vaccines cause autism?"
_RHETORICAL = re.compile(r"^\W*(?:did|do) you (?:know|realize|realise)\b", re.IGNORECASE)
_QUESTION_ENDS = ("?", "\uff1f", "か。", "か")
_BULLET = re.compile(r"^\s*(?:[-*•・]|\d+[.)])\s+")


def shipped_claims_dir() -> Path:
    """The shipped claim database: package data in a wheel, policies/claims in a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_policies" / "claims"
    if packaged.is_dir():
        return packaged
    return here.parent / "policies" / "claims"


# --- the claim database --------------------------------------------------------------


class ClaimRecord(BaseModel):
    """One entry of a claim file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$", description="Stable identifier.")
    claim: str = Field(min_length=3, description="The false or misleading statement.")
    variants: tuple[str, ...] = Field(default=(), description="Other common wordings of the claim.")
    verdict: Verdict = Field(description="false, misleading, unproven or outdated.")
    correction: str = Field(min_length=3, description="What is actually known, in brief.")
    source: str = Field(
        pattern=r"^https?://[^\s/$.?#][^\s]*$", description="An authoritative page to read."
    )
    topic: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="e.g. vaccines.")
    language: Language = Field(description="en or ja: the language of claim and correction.")

    @field_validator("variants")
    @classmethod
    def _variants(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return no_blank_items(value, "variants")

    @field_validator("verdict", mode="before")
    @classmethod
    def _unquoted_false(cls, value: Any) -> Any:
        return _verdict_text(value)


def _verdict_text(value: Any) -> Any:
    """YAML reads an unquoted `false` as a boolean; the verdict meant is the word."""
    return "false" if value is False else value


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    text: str
    variants: tuple[str, ...]
    verdict: str
    correction: str
    source: str
    topic: str
    language: str
    origin: str
    """file and entry it came from, for error messages."""


def _pydantic_problem(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])


def _record(raw: Any, origin: str) -> Claim:
    if not isinstance(raw, dict):
        raise ValueError(f"{origin}: a claim must be a mapping (id, claim, verdict, ...)")
    try:
        rec = ClaimRecord.model_validate(raw)
    except ValidationError as exc:
        raise ValueError(f"{origin}: {_pydantic_problem(exc)}") from None
    return Claim(
        rec.id,
        rec.claim,
        rec.variants,
        rec.verdict,
        rec.correction,
        rec.source,
        rec.topic,
        rec.language,
        origin,
    )


def load_claim_file(path: Path, label: str | None = None) -> list[Claim]:
    """Claims of one file: YAML (a `claims:` list) or JSONL (one object a line)."""
    name = label or str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"claim file {name}: cannot read ({type(exc).__name__})") from None
    claims: list[Claim] = []
    if path.suffix == ".jsonl":
        for number, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{name}:{number}: not JSON ({exc.msg})") from None
            claims.append(_record(item, f"{name}:{number}"))
        return claims
    if path.suffix not in (".yaml", ".yml"):
        raise ValueError(f"claim file {name}: must end in .yaml, .yml or .jsonl")
    try:
        root = yaml.compose(raw)
        data = yaml.safe_load(raw)
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ValueError(f"{name}:{where}: YAML syntax: {exc.problem}") from None
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise ValueError(f"{name}: a claim file holds a mapping with a `claims:` list")
    if set(data) - {"claims", "description"}:
        extra = ", ".join(sorted(str(k) for k in set(data) - {"claims", "description"}))
        raise ValueError(f"{name}: unknown top-level keys: {extra}")
    lines = _item_lines(root)
    for i, item in enumerate(data["claims"]):
        at = lines[i] if i < len(lines) else 0
        claims.append(_record(item, f"{name}:{at}: claims[{i}]"))
    return claims


def _item_lines(root: yaml.Node | None) -> list[int]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "claims" and isinstance(value, yaml.SequenceNode):
            return [node.start_mark.line + 1 for node in value.value]
    return []


def load_claims(files: Iterable[tuple[Path, str]]) -> list[Claim]:
    """Claims of several (path, label) files; an id used twice is an error."""
    seen: dict[str, str] = {}
    out: list[Claim] = []
    for path, label in files:
        for claim in load_claim_file(path, label):
            if claim.id in seen:
                raise ValueError(
                    f"{claim.origin}: claim id {claim.id!r} is already used at {seen[claim.id]}"
                )
            seen[claim.id] = claim.origin
            out.append(claim)
    return out


# --- features, MinHash and the index -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Features:
    """What a sentence or a claim wording reduces to."""

    sequence: tuple[str, ...]
    """Content terms (English) or character bigrams (Japanese), in text order."""
    cues: dict[str, int]
    """Negation and refutation cues and their counts; absent when zero."""
    opposed: frozenset[str] = frozenset()
    """Terms the text states the opposite of ("round" opposes flat); each one a claim
    holds counts as a negation when the sentence is compared with it."""


def features(text: str, language: str) -> Features:
    if language == "ja":
        return Features(tuple(claimtext.japanese_shingles(text)), claimtext.japanese_cues(text))
    f = claimtext.english_features(text)
    return Features(tuple(f.terms), f.cues, f.opposed)


class MinHasher:
    """MinHash signatures over string features with fixed, seeded permutations."""

    def __init__(self, permutations: int, seed: int = 1) -> None:
        rng = random.Random(seed)
        self._params = [
            (rng.randrange(1, _MERSENNE), rng.randrange(0, _MERSENNE)) for _ in range(permutations)
        ]

    def vector(self, feature: str) -> tuple[int, ...]:
        x = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
        return tuple((a * x + b) % _MERSENNE for a, b in self._params)


@dataclass(frozen=True, slots=True)
class _Form:
    """One wording (the claim or a variant) of one claim."""

    claim: int
    weights: dict[str, float]
    total: float
    cues: dict[str, int]
    terms: frozenset[str]
    need: int
    """Features a sentence must share with this wording at least."""
    relation: frozenset[str]
    """Its terms that say what it asserts; a sentence must share one of them, if any."""
    stand_ins: tuple[tuple[str, frozenset[str]], ...]
    """Each relation term with the related terms that may stand in for it."""
    narrower: tuple[tuple[str, frozenset[str]], ...] = ()
    """Its terms that narrower sentence terms stand for in full (a viral illness: the flu)."""
    required: frozenset[str] = frozenset()
    """Terms of which a sentence must share one: those every wording of the claim holds and
    no other claim does ("autism" of vaccines-autism). A sentence on the claim's subject
    that says nothing of what the claim says of it states no claim."""


@dataclass(frozen=True, slots=True)
class Match:
    claim: Claim
    score: float


class LanguageIndex:
    """The wordings of one language's claims, their weights and the LSH tables."""

    def __init__(self, language: str, claims: Sequence[Claim], hasher: MinHasher) -> None:
        self.language = language
        self.claims = tuple(claims)
        texts: list[tuple[int, Features, dict[str, float]]] = []
        for n, claim in enumerate(self.claims):
            for wording in (claim.text, *claim.variants):
                f = features(wording, language)
                # a claim says what it says: the terms its words oppose are no part of it,
                # nor are its clause breaks
                drop = f.opposed | {claimtext.CLAUSE_BREAK}
                sequence = tuple(t for t in f.sequence if t not in drop)
                cues = f.cues
                fakes = sequence.count(claimtext.FAKE_TERM) if language == "en" else 0
                if fakes:
                    # a hoax claim may be repeated with as many words of falsity as it has
                    # terms of faking ("staged" allows "a hoax")
                    cues = {**cues, "fake": fakes}
                f = Features(sequence, cues)
                shape = claimtext.japanese_weights(wording) if language == "ja" else {}
                if len(set(f.sequence)) < _MIN_FEATURES:
                    raise ValueError(
                        f"{claim.origin}: claim {claim.id!r} has too few content words to match"
                    )
                texts.append((n, f, shape))
        df: Counter[str] = Counter()
        for _, f, _ in texts:
            df.update(set(f.sequence))
        count = max(len(texts), 1)
        self.idf = {t: 1.0 + math.log((count + 1) / (d + 1)) for t, d in df.items()}
        self.forms: list[_Form] = []
        for n, f, shape in texts:
            weights = {t: self.idf[t] * shape.get(t, 1.0) for t in set(f.sequence)}
            relation = frozenset(weights) & _RELATIONS[language]
            need = min(len(weights), 3)
            stand_ins = tuple(
                (t, claimtext.RELATED_TERMS[t])
                for t in sorted(relation)
                if t in claimtext.RELATED_TERMS
            )
            narrower = tuple(
                (t, claimtext.NARROWER_TERMS[t])
                for t in sorted(weights)
                if language == "en" and t in claimtext.NARROWER_TERMS
            )
            self.forms.append(
                _Form(
                    n,
                    weights,
                    sum(weights.values()),
                    f.cues,
                    frozenset(weights),
                    need,
                    relation,
                    stand_ins,
                    narrower,
                )
            )
        self._require(language)
        # every claim's terms over all its wordings, for `mentions` (a claim of one wording
        # shares its wording's set)
        self._terms_of: dict[str, frozenset[str]] = {}
        for form in self.forms:
            claim_id = self.claims[form.claim].id
            known = self._terms_of.get(claim_id)
            self._terms_of[claim_id] = form.terms if known is None else known | form.terms
        self._vectors = {t: hasher.vector(t) for t in df}
        self._sieve(df)
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, form in enumerate(self.forms):
            for key in self._band_keys(form.weights):
                buckets[key].append(i)
        # a crowded bucket is keyed by one common word alone: it says little, and a
        # wording that really matches shares other bands with the sentence
        for key in [k for k, v in buckets.items() if len(v) > _BUCKET_CAP]:
            del buckets[key]
        self._buckets: dict[int, list[int]] = buckets

    def _require(self, language: str) -> None:
        """Set each wording's required terms (see `_Form.required`)."""
        core: dict[int, frozenset[str]] = {}
        owners: Counter[str] = Counter()
        wordings: dict[int, list[frozenset[str]]] = defaultdict(list)
        for form in self.forms:
            wordings[form.claim].append(form.terms)
        for claim, sets in wordings.items():
            core[claim] = frozenset.intersection(*sets)
            owners.update(frozenset.union(*sets))
        for i, form in enumerate(self.forms):
            required = frozenset(t for t in core[form.claim] if owners[t] == 1)
            # Japanese bigrams name no words: a claim's own bigrams say nothing of which part
            # of it carries what it asserts
            if language == "en" and required and len(required) < len(form.terms):
                self.forms[i] = dataclasses.replace(form, required=required)

    def _sieve(self, df: Counter[str]) -> None:
        """Bit masks for the tests `score` makes first, so that `best` can pass over most
        candidates without calling it. Relation terms and their stand-ins have a bit each;
        the other terms share the remaining bits of a fixed width (the commonest first),
        so that masks stay short: a sentence's mask then holds at least the bits of the
        terms it shares with a wording, and their count is never too low. Per wording: the
        mask of its terms, of its relation terms, of those with their stand-ins, the fewest
        shared terms `score` can accept, and the fewest when a stand-in takes the relation
        term's place (0 for a wording with narrower terms, or whose terms share a bit)."""
        gates = [
            form.relation.union(*(r for _, r in form.stand_ins)) if form.relation else _NO_TERMS
            for form in self.forms
        ]
        fixed = sorted(set().union(*gates)) if gates else []
        rest = sorted(set(df) - set(fixed), key=lambda t: (-df[t], t))
        width = max(_SIEVE_BITS - len(fixed), 1)
        self._bit = {t: 1 << k for k, t in enumerate(fixed)}
        self._bit.update((t, 1 << (len(fixed) + k % width)) for k, t in enumerate(rest))
        bit = self._bit
        self._sieves: list[tuple[int, int, int, int, int]] = []
        for form, gate in zip(self.forms, gates, strict=True):
            terms = 0
            for t in form.terms:
                terms |= bit[t]
            exact = terms.bit_count() == len(form.terms) and not form.narrower
            # score gives 0 below `need` shared terms with more than _NEAR_TERMS lacking,
            # and with a stand-in, below need - 1 with more than _NEAR_TERMS + 1 lacking
            floor = max(0, min(form.need, len(form.terms) - _NEAR_TERMS)) if exact else 0
            self._sieves.append(
                (
                    terms,
                    sum(bit[t] for t in form.relation),
                    sum(bit[t] for t in gate),
                    floor,
                    max(0, floor - 1),
                )
            )

    def _band_keys(self, present: Iterable[str]) -> list[int]:
        chosen = set(present)
        if self.language == "ja":
            # particles and verb endings would pull every sentence towards every claim
            strong = {t for t in chosen if claimtext.japanese_weight(t) >= 0.5}
            if len(strong) >= _MIN_FEATURES:
                chosen = strong
        vectors = [self._vectors[t] for t in chosen]
        signature = list(map(min, *vectors)) if len(vectors) > 1 else list(vectors[0])
        # rows are 2: a band's key folds its number and its two minima into one int
        return [
            (a * 1_000_003 + b) ^ band
            for band, a, b in zip(_BAND_NUMBERS, signature[0::2], signature[1::2], strict=True)
        ]

    def candidates(self, sequence: Sequence[str]) -> set[int]:
        """Forms sharing an LSH band with the sentence or with a window of it."""
        known = [t for t in sequence if t in self._vectors]
        if len(set(known)) < _MIN_FEATURES:
            return set()
        size = _WINDOW[self.language]
        pieces = [known]
        if len(known) > size:
            step = size // 2
            pieces += [known[i : i + size] for i in range(0, len(known) - step, step)]
        found: set[int] = set()
        buckets = self._buckets
        for piece in pieces:
            for key in self._band_keys(piece):
                bucket = buckets.get(key)
                if bucket:
                    found.update(bucket)
        return found

    def score(
        self,
        form: _Form,
        sequence: Sequence[str],
        present: set[str],
        floor: float = 0.0,
        prefixes: dict[str, list[str]] | None = None,
    ) -> float:
        """Weighted share of the form's features in the sentence (0 below floor).

        English has a second stage: a claim term the sentence lacks earns part of its
        weight from a sentence term spelt much like it (character trigrams), which covers
        word forms the stemmer leaves apart ("contagion", "contagious")."""
        shared = form.terms & present
        covered = _NO_TERMS
        if form.narrower:
            # "the flu" stands for the claim's "viral illness"
            covered = frozenset(
                t for t, ns in form.narrower if t not in shared and not ns.isdisjoint(present)
            )
            shared = shared | covered
        lacking = len(form.terms) - len(shared)
        # most candidates end here: not even a stand-in could bring them close
        if len(shared) + 1 < form.need and lacking > _NEAR_TERMS + 1:
            return 0.0
        stand_in: tuple[str, str] | None = None
        if form.relation and form.relation.isdisjoint(shared):
            if not form.stand_ins:
                return 0.0
            # a related relation term stands in for the claim's own, for part of its weight
            stand_in = next(((t, min(r & present)) for t, r in form.stand_ins if r & present), None)
            if stand_in is None:
                return 0.0
            lacking -= 1
        second = bool(prefixes) and 0 < lacking <= _NEAR_TERMS
        if len(shared) + (stand_in is not None) < form.need and not second:
            return 0.0
        got = sum(map(form.weights.__getitem__, shared))
        near: list[str] = []
        # whether the sentence holds a required term, itself or by a stand-in or spelling
        required = not form.required or not form.required.isdisjoint(shared)
        if stand_in is not None:
            got += form.weights[stand_in[0]] * _NEAR_CREDIT
            near.append(stand_in[1])
            required = required or stand_in[0] in form.required
        if second and got >= (floor - _NEAR_GAP) * form.total:
            assert prefixes is not None
            missing = form.terms - shared
            if stand_in is not None:
                missing = missing - {stand_in[0]}
            if got + _NEAR_CREDIT * sum(map(form.weights.__getitem__, missing)) >= (
                floor * form.total
            ):
                for t in missing:
                    sim, u = _nearest(t, prefixes, form.terms)
                    if u:
                        got += form.weights[t] * sim * _NEAR_CREDIT
                        near.append(u)
                        required = required or t in form.required
        if len(shared) + len(near) < form.need:
            return 0.0
        if not required:
            # the sentence says nothing of what the claim says of its subject
            return 0.0
        score = got / form.total
        if score < floor:
            return 0.0
        if self.language == "en":
            # the claim's terms spread over a long sentence state it less than a compact run
            wanted = shared - covered if covered else shared
            span = _shortest_window(sequence, wanted | frozenset(near))
            allowed = 2 * len(form.weights) + 2
            if not span:
                return 0.0
            if span > allowed:
                score *= (allowed / span) ** 0.5
        return score

    def best(
        self, feats: Features, threshold: float, use_filter: bool = True
    ) -> tuple[Match | None, bool]:
        """The best claim above threshold and whether the sentence refutes it."""
        present = set(feats.sequence)
        pool: Iterable[int] = (
            self.candidates(feats.sequence) if use_filter else range(len(self.forms))
        )
        english = self.language == "en"
        prefixes: dict[str, list[str]] | None = None
        best: tuple[float, int] | None = None
        above: list[int] = []
        forms, sieves, bit = self.forms, self._sieves, self._bit
        mask = 0
        for t in present:
            mask |= bit.get(t, 0)
        for i in pool:
            # the tests `score` makes first, without the call: most candidates end here
            terms, relation, gate, floor, stand_in_floor = sieves[i]
            shared = (terms & mask).bit_count()
            if shared < stand_in_floor:
                continue
            if not relation or relation & mask:
                if shared < floor:
                    continue
            elif not gate & mask:
                # a stand-in would have to take the relation term's place
                continue
            if english and prefixes is None:
                prefixes = _prefix_map(present)
            s = self.score(forms[i], feats.sequence, present, threshold, prefixes)
            if s < threshold:
                continue
            above.append(i)
            if best is None or s > best[0] or (s == best[0] and i < best[1]):
                best = (s, i)
        if best is None:
            return None, False
        # a sentence that refutes one claim it matches does not assert another one it
        # matches ("It is a myth that global warming stopped" is no hoax claim)
        refuted = any(
            _refutes(self._sentence_cues(feats, self.forms[i]), self.forms[i].cues) for i in above
        )
        return Match(self.claims[self.forms[best[1]].claim], best[0]), refuted

    def mentions(self, feats: Features, claim: Claim) -> bool:
        """Whether a text shares a content term (Japanese: a strong bigram) with any
        wording of the claim."""
        present = set(feats.sequence)
        if self.language == "ja":
            present = {t for t in present if claimtext.japanese_weight(t) >= 0.5}
        return not self._terms_of.get(claim.id, frozenset()).isdisjoint(present)

    def opposes(self, feats: Features, claim: Claim) -> bool:
        """Whether a text states the opposite of a term of the claim ("round" of flat)."""
        return bool(feats.opposed) and not self._terms_of.get(claim.id, _NO_TERMS).isdisjoint(
            feats.opposed
        )

    @staticmethod
    def _sentence_cues(feats: Features, form: _Form) -> dict[str, int]:
        """The sentence's cues against one wording: each claim term it states the opposite
        of counts as a negation."""
        turned = len(feats.opposed & form.terms)
        if not turned:
            return feats.cues
        return {**feats.cues, "neg": feats.cues.get("neg", 0) + turned}


_RELATIONS = {"en": claimtext.RELATION_TERMS, "ja": claimtext.JA_RELATION_FORMS}
# bits of the masks `best` sifts candidates with (see LanguageIndex._sieve)
_SIEVE_BITS = 512
_NO_TERMS: frozenset[str] = frozenset()


# second stage: at most this many claim terms, worth at most this share of the claim, can
# be made up by near spellings, each for this fraction of its weight times the similarity
_NEAR_TERMS = 2
_NEAR_GAP = 0.4
_NEAR_CREDIT = 0.9
_NEAR_MIN = 0.75
_NEAR_LENGTH = 7


def _prefix_map(present: Iterable[str]) -> dict[str, list[str]]:
    """The sentence's longer terms by their first three letters."""
    out: dict[str, list[str]] = defaultdict(list)
    for t in present:
        if len(t) >= _NEAR_LENGTH:
            out[t[:3]].append(t)
    return out


def _nearest(t: str, prefixes: dict[str, list[str]], exclude: frozenset[str]) -> tuple[float, str]:
    """The sentence term spelt most like claim term t (same first letters, trigram Dice at
    least _NEAR_MIN), or (0, "")."""
    if len(t) < _NEAR_LENGTH:
        return 0.0, ""
    best = (0.0, "")
    for u in prefixes.get(t[:3], ()):
        if u in exclude:
            continue
        sim = _trigram_dice(t, u)
        if sim >= _NEAR_MIN and sim > best[0]:
            best = (sim, u)
    return best


@lru_cache(maxsize=16384)
def _trigram_dice(a: str, b: str) -> float:
    ga = {a[i : i + 3] for i in range(len(a) - 2)}
    gb = {b[i : i + 3] for i in range(len(b) - 2)}
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def _refutes(sentence: dict[str, int], claim: dict[str, int]) -> bool:
    """A sentence negating more or less than the claim, calling it wrong, or calling it
    false more often than the claim itself does ("a myth", "a hoax") refutes it."""
    return (
        sentence.get("neg", 0) != claim.get("neg", 0)
        or sentence.get("ref", 0) != claim.get("ref", 0)
        or sentence.get("fake", 0) > claim.get("fake", 0)
    )


def _shortest_window(sequence: Sequence[str], wanted: frozenset[str]) -> int:
    """Length of the shortest run of sequence that holds every wanted term, within one
    clause (0 if no clause holds them all)."""
    need = len(wanted)
    have: Counter[str] = Counter()
    covered = 0
    best = 0
    left = 0
    for right, t in enumerate(sequence):
        if t == claimtext.CLAUSE_BREAK:
            have.clear()
            covered = 0
            left = right + 1
            continue
        if t in wanted:
            have[t] += 1
            if have[t] == 1:
                covered += 1
        while covered == need:
            best = min(best, right - left + 1) if best else right - left + 1
            u = sequence[left]
            if u in wanted:
                have[u] -= 1
                if have[u] == 0:
                    covered -= 1
            left += 1
    return best


class ClaimIndex:
    """All loaded claims, one LanguageIndex per language."""

    def __init__(self, claims: Sequence[Claim], languages: Sequence[str] = LANGUAGES) -> None:
        hasher = MinHasher(_MINHASH_BANDS * _MINHASH_ROWS)
        self.by_language = {
            lang: LanguageIndex(lang, [c for c in claims if c.language == lang], hasher)
            for lang in languages
        }

    def __len__(self) -> int:
        return sum(len(index.claims) for index in self.by_language.values())


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    start: int
    end: int
    match: Match


def match_text(
    index: ClaimIndex,
    text: str,
    thresholds: dict[str, float],
    verdicts: frozenset[str] = frozenset(VERDICTS),
    use_filter: bool = True,
) -> list[SentenceMatch]:
    """Sentences of text that repeat a claim (refuted ones left out), in text order."""
    spans = list(claimtext.sentence_spans(text))
    out: list[SentenceMatch] = []
    myth_list = False
    for n, (start, end) in enumerate(spans):
        sentence = text[start:end]
        bullet = _BULLET.match(sentence) is not None
        if not bullet:
            myth_list = False
        language = "ja" if has_japanese(sentence) else "en"
        lang_index = index.by_language.get(language)
        # a claim asked about and answered: "「X」は本当かと聞かれますが、答えはいいえです。"
        answer = (
            claimtext.question_answer(sentence, _next_sentence(text, spans, n), language)
            if claimtext.may_ask_truth(sentence, language)
            else None
        )
        # a question asserts nothing ("Do vaccines cause autism?")
        asks = sentence.endswith(_QUESTION_ENDS)
        if asks and (
            answer
            or (
                language == "en" and (_RHETORICAL.match(sentence) or _affirmed_next(text, spans, n))
            )
        ):
            # "Do vaccines cause autism? Yes, they do." asserts what it asked
            asks = False
        if lang_index is not None and lang_index.forms and not asks:
            match, refuted = _judge(lang_index, sentence, thresholds[language], use_filter)
            if (
                match is not None
                and match.claim.verdict in verdicts
                and not refuted
                and answer is not False
                and not (bullet and myth_list)
                and not _refuted_next(text, spans, n, language)
            ):
                out.append(SentenceMatch(start, end, match))
        if sentence.endswith((":", "\uff1a")) and _has_refuter(sentence, language):
            myth_list = True
    return out


def _next_sentence(text: str, spans: list[tuple[int, int]], n: int) -> str:
    return text[spans[n + 1][0] : spans[n + 1][1]] if n + 1 < len(spans) else ""


def _judge(
    index: LanguageIndex, sentence: str, threshold: float, use_filter: bool
) -> tuple[Match | None, bool]:
    """The best claim of a sentence and whether the sentence refutes it, read from the part
    that states it (`claimtext.reported_scope`, `after_concession`, `side_clause`,
    `suppressed_claim`): a claim only reported ("the idea that ...") is left out, and a
    concessive preface ("..., but"), a leading side clause ("If you can't ..., X") or a
    frame of suppression ("They won't tell you that X") that names nothing of the claim is
    set aside with its negation: words around a claim are not its own. A later clause that
    retracts the claim ("...; the evidence shows the reverse") refutes it."""
    language = index.language
    scope = claimtext.reported_scope(sentence, language)
    if scope is not None:
        sentence = scope
    match, refuted, stated = _judge_scope(index, sentence, threshold, use_filter)
    if match is not None and not refuted:
        # a clause after the claim that retracts it ("...; the evidence shows the reverse"),
        # or a belief given as past ("It was once thought that ...")
        refuted = claimtext.retracted_after(sentence, language) or claimtext.past_belief(
            stated, language
        )
    return match, refuted


def _judge_scope(
    index: LanguageIndex, sentence: str, threshold: float, use_filter: bool
) -> tuple[Match | None, bool, str]:
    """The best claim, whether it is refuted, and the part of the sentence stating it."""
    language = index.language
    conceded = claimtext.after_concession(sentence, language)
    in_rest: Match | None = None
    if conceded is not None:
        preface, rest = conceded
        in_rest, refuted = index.best(features(rest, language), threshold, use_filter)
        # a preface that names the claim's terms is part of what the sentence says of it
        if in_rest is not None and not index.mentions(features(preface, language), in_rest.claim):
            return in_rest, refuted, rest
        if refuted:
            # the part after "but" refutes what it names: it restates no claim
            in_rest = None
    feats = features(sentence, language)
    match, refuted = index.best(feats, threshold, use_filter)
    if match is None:
        return match, refuted, sentence
    if not refuted and conceded is not None:
        preface, rest = conceded
        # "Some people believe X, but ...": what follows "but" corrects a belief given as
        # others', unless it holds it true or says it is kept quiet; "X, yet every photo
        # shows a round planet": a contrasting clause that states the opposite of the
        # claim's terms corrects it too. The claim is stated in the preface alone.
        corrected = (
            claimtext.attributed(preface, language) and not claimtext.confirms(rest, language)
        ) or (
            index.opposes(features(rest, language), match.claim)
            and not claimtext.attributed(rest, language)
        )
        if corrected and (in_rest is None or in_rest.claim is not match.claim):
            return match, True, sentence
    if not refuted:
        # only a sentence that negates can owe its match to a side clause's negation
        negated = bool(feats.cues.get("neg")) and _negated_in_side_clause(
            index, sentence, match, threshold, use_filter
        )
        return match, negated, sentence
    if conceded is not None and claimtext.confirms(conceded[1], language):
        # "The Earth is flat, but NASA won't tell you": the negation says the claim is kept
        # quiet; the claim is the preface's
        found, against = index.best(features(conceded[0], language), threshold, use_filter)
        if found is not None and found.claim is match.claim and not against:
            return found, False, conceded[0]
    for side in (
        claimtext.side_clause(sentence, language),
        claimtext.suppressed_claim(sentence, language),
    ):
        if side is None:
            continue
        lead = features(side[0], language)
        # a lead that concedes ("Whatever the experts claim, ...") refutes nothing
        refutes = not claimtext.conceding_lead(side[0]) and (
            lead.cues.get("ref") or lead.cues.get("fake")
        )
        if not (refutes or index.mentions(lead, match.claim)):
            found, against = index.best(features(side[1], language), threshold, use_filter)
            if found is not None and not against:
                return found, False, side[1]
    claim = claimtext.without_alternative(sentence, language)
    if claim is not None:
        # "The Earth is a flat disc, not a globe": the claim stands without its alternative
        found, against = index.best(features(claim, language), threshold, use_filter)
        if found is not None and not against:
            return found, False, claim
    return match, refuted, sentence


def _negated_in_side_clause(
    index: LanguageIndex, sentence: str, match: Match, threshold: float, use_filter: bool
) -> bool:
    """Whether a claim that holds a negation is matched only thanks to one in a leading side
    clause or a trailing ", not X": "エアコンを使わずに室内にいると熱中症になる" says nothing
    like "熱中症は屋内では起こらない"; the claim's own clause must carry its negation."""
    language = index.language
    rest: str | None = None
    side = claimtext.side_clause(sentence, language)
    if side is not None:
        lead = features(side[0], language)
        if lead.cues.get("neg") and not index.mentions(lead, match.claim):
            rest = side[1]
    if rest is None:
        # "Lightning can strike the same place twice, not just once": the "not" belongs
        # to the alternative, and the claim's own clause does not negate
        rest = claimtext.without_alternative(sentence, language)
    if rest is None:
        return False
    found, against = index.best(features(rest, language), threshold, use_filter)
    return found is not None and found.claim is match.claim and against


def _has_refuter(sentence: str, language: str) -> bool:
    if language == "ja":
        return bool(claimtext.japanese_cues(sentence))
    cues = claimtext.english_features(sentence).cues
    return cues.get("ref", 0) + cues.get("fake", 0) > 0


def _affirmed_next(text: str, spans: list[tuple[int, int]], n: int) -> bool:
    """The sentence after a question is a short plain "yes" (no negation or refutation)."""
    if n + 1 >= len(spans):
        return False
    start, end = spans[n + 1]
    follow = text[start:end]
    if not _AFFIRM.match(follow):
        return False
    f = claimtext.english_features(follow)
    return f.words <= _FOLLOW_UP_WORDS and not f.cues and not f.opposed


def _refuted_next(text: str, spans: list[tuple[int, int]], n: int, language: str) -> bool:
    """Whether the sentence after sentence n refutes it: a short one that calls it wrong
    ("This is a myth."), one that retracts it ("The temperature records say the
    opposite."), or, after a claim given as hearsay ("You may read that X."), one that
    opens with a correction ("In reality, ...", "But ...")."""
    if n + 1 >= len(spans):
        return False
    start, end = spans[n + 1]
    follow = text[start:end]
    if claimtext.denial(follow, language):
        # "It doesn't: researchers ... found no difference."
        return True
    if _corrects_hearsay(text[spans[n][0] : spans[n][1]], follow, language):
        return True
    if language == "ja":
        return len(follow) <= 30 and (
            bool(_JA_FOLLOW_UP.match(follow) and claimtext.japanese_cues(follow))
            or claimtext.retraction(follow, language)
        )
    # "The evidence shows the reverse." retracts whatever its opening
    retracts = claimtext.retraction(follow, language)
    if not (retracts or _FOLLOW_UP.match(follow)):
        return False
    f = claimtext.english_features(follow)
    if retracts:
        return f.words <= _RETRACTION_WORDS
    return f.words <= _FOLLOW_UP_WORDS and bool(f.cues)


def _corrects_hearsay(sentence: str, follow: str, language: str) -> bool:
    """A claim given as hearsay ("People claimed X.", "〜と言われています。") and a next
    sentence that opens with a correction and neither holds it true nor says it is kept
    quiet ("In reality, ...", "実際には...", "The virus actually ...")."""
    opener = (_JA_CORRECTION if language == "ja" else _CORRECTION).match(follow)
    if opener is None and language == "en":
        # a correction a few words in ("The virus actually ...")
        if not any(map(follow.__contains__, _LATE_HINTS)):
            return False
        if not claimtext.attributed(sentence, language):
            return False
        opener = _CORRECTION_LATE.match(follow)
        if opener is None:
            return False
    elif opener is None or not claimtext.attributed(sentence, language):
        return False
    after = follow[opener.end() :]
    if claimtext.confirms(after, language):
        return False
    return language == "ja" or not _AFFIRM.match(after)


# --- topic notices -------------------------------------------------------------------


# Keyword presets for common sensitive topics. They only say when an answer is about the
# topic; where to send readers is the operator's to decide (see TopicSpec.sources).
def _alternatives(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


TOPIC_PRESETS: dict[str, dict[str, Any]] = {
    "elections": {
        "label_en": "elections and voting",
        "label_ja": "選挙・投票",
        "keywords": _alternatives(
            "election|elections|vote|voting|voter|voters|ballot|ballots|polling station|"
            "polling place|candidate|referendum|electoral|voter registration|absentee|"
            "mail-in|early voting|選挙|投票|期日前投票|投票所|有権者|候補者|開票|不在者投票"
        ),
    },
    "health": {
        "label_en": "health and medicine",
        "label_ja": "健康・医療",
        "keywords": _alternatives(
            "vaccine|vaccines|vaccination|virus|infection|disease|symptoms|treatment|"
            "medication|medicine|dose|cancer|diabetes|covid|covid-19|influenza|flu|"
            "antibiotics|pandemic|outbreak|ワクチン|予防接種|ウイルス|感染|症状|治療|薬|がん|"
            "インフルエンザ|新型コロナ|感染症|糖尿病|抗生物質"
        ),
    },
    "disasters": {
        "label_en": "disasters and emergencies",
        "label_ja": "災害・防災",
        "keywords": _alternatives(
            "earthquake|tsunami|hurricane|typhoon|tornado|flood|flooding|wildfire|evacuation|"
            "evacuate|emergency shelter|landslide|heatwave|heat stroke|aftershock|disaster|"
            "地震|津波|台風|豪雨|洪水|避難|避難所|土砂災害|熱中症|災害|余震|噴火|警報"
        ),
    },
}


class SourceLink(CheckOptions):
    """An official source that a topic notice points to."""

    title: str = Field(min_length=1, description="Name shown to the reader.")
    url: str = Field(pattern=r"^https?://[^\s]+$", description="Its address.")


_TOPIC_FIELDS = frozenset({"topic", "sources"})


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class TopicSpec(CheckOptions):
    """A sensitive topic: when an answer is about it, a notice points to official sources."""

    name: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,39}$",
        description="Topic name; elections, health and disasters come with keyword presets.",
    )
    keywords: tuple[str, ...] = Field(
        default=(),
        description="Words or phrases that mark the topic (case-insensitive, whole words "
        "in English); empty takes the preset of that name.",
    )
    sources: tuple[SourceLink, ...] = Field(
        min_length=1, description="Official sources for the topic, in the order shown."
    )
    min_keywords: int = Field(
        default=2,
        ge=1,
        le=20,
        description="Distinct keywords an answer must contain to be about it.",
    )
    label_en: str | None = Field(default=None, description="English name in the notice.")
    label_ja: str | None = Field(default=None, description="Japanese name in the notice.")
    text_en: str = Field(
        default="About {topic}: for authoritative, up-to-date information, see {sources}.",
        description="English notice; {topic} and {sources} are filled in.",
    )
    text_ja: str = Field(
        default="{topic}に関する最新の正確な情報は、{sources}をご確認ください。",
        description="Japanese notice; {topic} and {sources} are filled in.",
    )

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return no_blank_items(value, "keywords")

    @field_validator("text_en", "text_ja")
    @classmethod
    def _text(cls, value: str) -> str:
        try:
            unknown = _placeholders(value) - _TOPIC_FIELDS
        except ValueError as exc:
            raise ValueError(f"bad placeholder: {exc}") from None
        if unknown:
            raise ValueError(
                f"unknown placeholder {sorted(unknown)[0]!r}; use {{topic}}, {{sources}}"
            )
        return value


@dataclass(frozen=True, slots=True)
class _Topic:
    spec: TopicSpec
    english: re.Pattern[str] | None
    japanese: tuple[str, ...]
    labels: dict[str, str]


def _compile_topic(spec: TopicSpec) -> _Topic:
    preset = TOPIC_PRESETS.get(spec.name, {})
    keywords: tuple[str, ...] = spec.keywords or preset.get("keywords", ())
    if not keywords:
        known = ", ".join(TOPIC_PRESETS)
        raise ValueError(f"topic {spec.name!r} needs keywords (presets: {known})")
    english = sorted(
        {claimtext.normalize(k) for k in keywords if not has_japanese(k)},
        key=len,
        reverse=True,
    )
    japanese = tuple(sorted({claimtext.normalize(k) for k in keywords if has_japanese(k)}))
    pattern = (
        re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in english) + r")(?!\w)")
        if english
        else None
    )
    name = spec.name.replace("_", " ")
    labels = {
        "en": spec.label_en or preset.get("label_en", name),
        "ja": spec.label_ja or preset.get("label_ja", name),
    }
    return _Topic(spec, pattern, japanese, labels)


def _topic_hits(topic: _Topic, folded: str) -> int:
    found: set[str] = set()
    if topic.english is not None:
        found.update(m.group() for m in topic.english.finditer(folded))
    found.update(k for k in topic.japanese if k in folded)
    return len(found)


# --- options and the check -----------------------------------------------------------


class DisinformationOptions(CheckOptions):
    """Options of the `disinformation` check."""

    builtin_claims: bool = Field(
        default=True, description="Load the shipped claim database (policies/claims/*.yaml)."
    )
    claim_files: tuple[str, ...] = Field(
        default=(),
        description="More claim files (.yaml, .yml, .jsonl); a relative path is looked up "
        "in the shipped claims folder.",
    )
    threshold: float = Field(
        default=0.7,
        gt=0.0,
        le=1.0,
        description="Lowest similarity of an English sentence to a claim.",
    )
    threshold_ja: float = Field(
        default=0.65,
        gt=0.0,
        le=1.0,
        description="Lowest similarity of a Japanese sentence to a claim.",
    )
    languages: tuple[Language, ...] = Field(
        default=("en", "ja"), min_length=1, description="Languages of claims and sentences checked."
    )
    verdicts: tuple[Verdict, ...] = Field(
        default=("false", "misleading", "unproven", "outdated"),
        min_length=1,
        description="Claim verdicts that are reported.",
    )
    max_notes: int = Field(
        default=3, ge=1, le=20, description="Fact-check notes per answer at most."
    )
    topics: tuple[TopicSpec, ...] = Field(
        default=(), description="Sensitive topics whose answers get a notice pointing to sources."
    )
    topic_language: Literal["auto", "en", "ja"] = Field(
        default="auto", description="Language of topic notices; auto follows the answer's script."
    )

    @field_validator("verdicts", mode="before")
    @classmethod
    def _unquoted_false(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [_verdict_text(v) for v in value]
        return value

    @field_validator("claim_files")
    @classmethod
    def _files(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return no_blank_items(value, "claim_files")

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, value: tuple[TopicSpec, ...]) -> tuple[TopicSpec, ...]:
        names = [t.name for t in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"topic {name!r} is listed twice")
        return value


def claim_paths(options: DisinformationOptions) -> list[tuple[Path, str]]:
    """The files to load, each with the label used in messages."""
    shipped = shipped_claims_dir()
    out: list[tuple[Path, str]] = []
    if options.builtin_claims:
        for path in sorted([*shipped.glob("*.yaml"), *shipped.glob("*.jsonl")]):
            out.append((path, f"policies/claims/{path.name}"))
    for name in options.claim_files:
        path = Path(name).expanduser()
        if not path.is_absolute():
            path = shipped / path
        if not path.is_file():
            raise ValueError(f"claim file {name}: not found (looked at {path})")
        out.append((path, name))
    return out


class DisinformationCheck(Check[DisinformationOptions]):
    """Adds a fact-check note when an answer repeats a known false claim."""

    name: ClassVar[str] = "disinformation"
    options_model = DisinformationOptions
    streamable = False
    needs_full_text = True
    default_action = "annotate"

    def __init__(self, options: DisinformationOptions) -> None:
        super().__init__(options)
        claims = load_claims(claim_paths(options))
        self.index = ClaimIndex(claims, options.languages)
        self._thresholds = {"en": options.threshold, "ja": options.threshold_ja}
        self._verdicts = frozenset(options.verdicts)
        self._topics = tuple(_compile_topic(t) for t in options.topics)

    def referenced_files(self) -> tuple[Path, ...]:
        return tuple(path for path, _ in claim_paths(self.options))

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        matches = match_text(self.index, text, self._thresholds, self._verdicts)
        findings: list[Finding] = []
        annotations: list[Annotation] = []
        noted: set[str] = set()
        for m in matches:
            claim = m.match.claim
            similarity = round(m.match.score, 3)
            findings.append(
                Finding(
                    self.name,
                    claim.topic or "false_claim",
                    m.start,
                    m.end,
                    similarity,
                    f"matches claim {claim.id} ({claim.verdict}, similarity {similarity:.2f}); "
                    f"correction: {claim.correction}",
                )
            )
            if claim.id in noted or len(noted) >= self.options.max_notes:
                continue
            noted.add(claim.id)
            annotations.append(_fact_check_note(self.name, claim, similarity))
        if self._topics:
            topic_findings, topic_notes = self._topic_notices(text)
            findings.extend(topic_findings)
            annotations.extend(topic_notes)
        score = max((m.match.score for m in matches), default=0.0)
        return CheckResult(tuple(findings), score, tuple(annotations))

    def _topic_notices(self, text: str) -> tuple[list[Finding], list[Annotation]]:
        folded = claimtext.normalize(text)
        language = pick_language(self.options.topic_language, text)
        findings: list[Finding] = []
        notes: list[Annotation] = []
        for topic in self._topics:
            hits = _topic_hits(topic, folded)
            if hits < topic.spec.min_keywords:
                continue
            sep = "、" if language == "ja" else "; "
            sources = sep.join(f"{s.title} ({s.url})" for s in topic.spec.sources)
            template = topic.spec.text_ja if language == "ja" else topic.spec.text_en
            notice = template.format(topic=topic.labels[language], sources=sources)
            findings.append(
                Finding(
                    self.name,
                    "topic_notice",
                    None,
                    None,
                    0.0,
                    f"topic {topic.spec.name}: notice appended ({hits} keywords)",
                    action=Action.ANNOTATE,
                )
            )
            notes.append(
                Annotation(
                    self.name,
                    "topic_notice",
                    notice,
                    {
                        "topic": topic.spec.name,
                        "language": language,
                        "keywords": hits,
                        "sources": [s.url for s in topic.spec.sources],
                    },
                )
            )
        return findings, notes


def _fact_check_note(check: str, claim: Claim, similarity: float) -> Annotation:
    if claim.language == "ja":
        text = f"ファクトチェック: {claim.correction}\uff08出典: {claim.source}\uff09"
    else:
        text = f"Fact-check note: {claim.correction} (Source: {claim.source})"
    return Annotation(
        check,
        "fact_check",
        text,
        {
            "claim_id": claim.id,
            "verdict": claim.verdict,
            "topic": claim.topic,
            "similarity": similarity,
            "correction": claim.correction,
            "source": claim.source,
            "language": claim.language,
        },
    )
