"""The `abuse` check: hate, harassment, threats, sexual content, self-harm, dangerous instructions.

Lexicon based, pure Python and cheap enough to run inline on the event loop: the text is
normalised and tokenised once (`guardproxy.textnorm`: case, Unicode look-alikes, zero-width
characters, leetspeak, repeated and spaced-out letters) and every lexicon phrase is found
in one pass of a token trie (`guardproxy.matcher`), whose cost does not grow with the
size of the lexicons.

Lexicons are text files in `policies/lexicons/` (shipped: `_sets.txt` and one file per
category); operators add their own with the `lexicons` option. One entry per line::

    # a comment
    @category threats                     # the category of the entries below
    @set target = you | your (family | kids)
    high  i (will | am going to) *3 kill <target>
    low   kill
    allow kill (the process | time)

An entry is a severity - `low` (0.3), `medium` (0.6), `high` (0.9) or a number in (0, 1] -
followed by a pattern (see `guardproxy.matcher.expand_pattern`: `(a|b)` alternatives,
`[a]` optional, `*`/`*N` a gap of up to 2/N tokens, `<name>` a set). `allow` entries
cancel any match of their category that they overlap ("shoot you an email").

Single ambiguous words (kill, shoot, bomb) are `low`, below the default threshold of 0.5:
they count in the check's score but raise no finding. Phrases carry the high severities.

Context lowers a match's score: inside quotation marks x0.5, reported speech ("he said",
"the word", "was charged with") x0.5, negated ("I would never ...", "don't ...", a "not"
inside a gap of the phrase) x0.4. A quoted threat of severity high scores 0.45.

Each category has its own action and threshold. An unset action leaves the decision to
the policy entry's action, except for self_harm, which annotates: its findings add a
supportive notice with the configured help resources, and a person in crisis is never
simply blocked.

Streaming: the check asks the stream for a holdback of twice its longest phrase (letters
spaced out double a phrase's length), so that no phrase is released before it is seen
whole. The stream guard keeps annotations from the window that ends the stream only, so
the self-harm notice of a long streamed answer appears when that window still holds a
self-harm finding.

Findings name the category and the lexicon entry (`threats:42`, file stem and line), never
the matched text; messages and errors never quote a text or a lexicon pattern either.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, cast

from pydantic import Field, ValidationInfo, field_validator, model_validator

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
from guardproxy.lang import pick_language
from guardproxy.matcher import Gap, PatternError, PhraseItem, PhraseMatcher, expand_pattern
from guardproxy.textnorm import Normalizer, TokenList, term_keys

CATEGORIES: tuple[str, ...] = (
    "hate",
    "harassment",
    "threats",
    "sexual",
    "self_harm",
    "dangerous",
)
SEVERITY_LEVELS: dict[str, float] = {"low": 0.3, "medium": 0.6, "high": 0.9}
BUILTIN_FILES: tuple[str, ...] = (
    "_sets.txt",
    "hate.txt",
    "harassment.txt",
    "threats.txt",
    "sexual.txt",
    "self_harm.txt",
    "dangerous.txt",
)

QUOTED_FACTOR = 0.5
REPORTED_FACTOR = 0.5
NEGATED_FACTOR = 0.4
_NEGATION_WINDOW = 4
_REPORT_WINDOW_BEFORE = 8
_REPORT_WINDOW_AFTER = 3

# The stream holdback: twice the longest phrase (spaced-out letters double a phrase's
# length), within bounds that keep the first streamed bytes early.
_MIN_LOOKAHEAD = 64
_MAX_LOOKAHEAD = 384
_GAP_TOKEN_CHARS = 10

DEFAULT_SUPPORT_EN = (
    "If you are having thoughts of hurting yourself or ending your life, you are not "
    "alone and help is available. Please consider talking to someone you trust or "
    "contacting a crisis line."
)
DEFAULT_SUPPORT_JA = (
    "自分を傷つけたい、死にたいという気持ちがあるなら、一人で抱え込まないでください。"
    "信頼できる人や相談窓口に話してみてください。"
)

_NEGATORS = frozenset((
    "not", "never", "no", "dont", "doesnt", "didnt", "wont", "wouldnt", "shouldnt", "cant",
    "cannot", "couldnt", "isnt", "arent", "wasnt", "werent", "nor", "neither", "without",
    "stop", "stopped", "against", "refuse", "refuses", "refused", "avoid", "avoided",
    "prevent", "preventing", "condemn", "condemned", "condemns",
))  # fmt: skip
_REPORT_CUES = frozenset((
    "said", "says", "say", "saying", "told", "tell", "tells", "telling", "wrote", "writes",
    "writing", "shouted", "yelled", "screamed", "posted", "tweeted", "texted", "messaged",
    "claimed", "claims", "alleged", "allegedly", "quoted", "quoting", "quote", "accused",
    "charged", "threatened", "reportedly", "according", "testified", "chanted", "chanting",
    "called", "calling", "lyrics", "lyric", "phrase", "phrases", "word", "words", "slur",
    "slurs", "term", "terms", "graffiti", "comment", "comments", "searched", "googled",
    "asked", "asks", "meaning", "means", "translates", "translation", "reads", "sign",
    "shouts", "screams", "yells", "claim", "claiming", "idea", "headline", "headlines",
    # history and reporting on extremism
    "nazis", "nazi", "hitler", "regime", "genocide", "holocaust", "propaganda", "historians",
    "ideology", "extremists", "perpetrators", "militia", "militias",
))  # fmt: skip
_REPORT_CUES_AFTER = frozenset((
    "said", "says", "wrote", "writes", "shouted", "shouts", "yelled", "yells", "screamed",
    "screams", "tweeted", "posted", "texted", "replied", "whispered", "whispers", "sang",
    "sings",
))  # fmt: skip
_SENTENCE_BREAKS = frozenset(".!?\n;\u3002\uff01\uff1f")
_CLAUSE_BREAKS = _SENTENCE_BREAKS | frozenset(",:\u3001\uff0c")
_QUOTE_PAIRS: tuple[tuple[str, str], ...] = (
    ("\u201c", "\u201d"),
    ("\u300c", "\u300d"),
    ("\u300e", "\u300f"),
    ("\u00ab", "\u00bb"),
    ("\u2018", "\u2019"),
)
# Quotation marks that are never apostrophes (a right single quote often is one).
_QUOTE_CHARS = frozenset('"\u201c\u201d\u00ab\u00bb\u300c\u300d\u300e\u300f')
_SET_NAME = re.compile(r"[a-z_][a-z0-9_]*")

ActionName = Literal["annotate", "redact", "block"]


def shipped_lexicon_dir() -> Path:
    """The shipped lexicons: package data in a wheel, the repo's policies/lexicons otherwise.

    Located like `guardproxy.policy.loader.bundled_policies_dir` (kept separate so that
    checks do not depend on the policy loader).
    """
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_policies" / "lexicons"
    if packaged.is_dir():
        return packaged
    return package.parent / "policies" / "lexicons"


def resolve_lexicon_path(value: str) -> Path:
    """An operator's lexicon path: absolute as given, relative to the shipped directory."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else shipped_lexicon_dir() / path


class CategoryOptions(CheckOptions):
    """Settings of one category."""

    enabled: bool = Field(True, description="Look for this category at all.")
    action: ActionName | None = Field(
        None,
        description=(
            "What a finding of this category does. Unset: the policy entry's action, "
            "except self_harm, which annotates unless set here."
        ),
    )
    threshold: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description=(
            "Lowest score that makes a finding (low 0.3, medium 0.6, high 0.9, times "
            "0.5 quoted, 0.5 reported, 0.4 negated). Lower matches still count in the "
            "check's score."
        ),
    )


class CategoriesOptions(CheckOptions):
    """Per-category settings; a category left out keeps its defaults."""

    hate: CategoryOptions = Field(
        default_factory=lambda: CategoryOptions.model_validate({}),
        description="Dehumanising speech, slurs, calls to harm groups.",
    )
    harassment: CategoryOptions = Field(
        default_factory=lambda: CategoryOptions.model_validate({}),
        description="Insults aimed at a person, telling someone to hurt themselves.",
    )
    threats: CategoryOptions = Field(
        default_factory=lambda: CategoryOptions.model_validate({}),
        description="Threats of violence and incitement.",
    )
    sexual: CategoryOptions = Field(
        default_factory=lambda: CategoryOptions.model_validate({}),
        description="Explicit sexual content aimed at a person; anything sexual with minors.",
    )
    self_harm: CategoryOptions = Field(
        default_factory=lambda: CategoryOptions.model_validate({}),
        description="First-person suicide and self-harm intent or method questions.",
    )
    dangerous: CategoryOptions = Field(
        default_factory=lambda: CategoryOptions.model_validate({}),
        description="How to make weapons, explosives, chemical agents or malware.",
    )

    def get(self, category: str) -> CategoryOptions:
        """The settings of a category named in CATEGORIES."""
        return cast(CategoryOptions, getattr(self, category))


class AbuseOptions(CheckOptions):
    """Options of the `abuse` check."""

    categories: CategoriesOptions = Field(
        default_factory=CategoriesOptions,
        description="Per-category enabled, action and threshold (hate, harassment, threats, "
        "sexual, self_harm, dangerous).",
    )
    builtin_lexicons: bool = Field(
        True,
        description="Load the shipped lexicons (policies/lexicons: _sets.txt and one file "
        "per category).",
    )
    lexicons: tuple[str, ...] = Field(
        (),
        description=(
            "Extra lexicon files, loaded after the shipped ones (whose @set names they may "
            "use). A relative path is resolved against the shipped policies/lexicons "
            "directory."
        ),
    )
    template: str = Field(
        "[{category} removed]",
        min_length=1,
        description="Replacement for a redacted match; `{category}` becomes the category.",
    )
    help_resources: tuple[str, ...] = Field(
        (),
        description=(
            "Where to find help, appended to the self-harm notice: a hotline name with its "
            "number or URL per entry."
        ),
    )
    support_text_en: str = Field(
        DEFAULT_SUPPORT_EN, min_length=1, description="The supportive self-harm notice in English."
    )
    support_text_ja: str = Field(
        DEFAULT_SUPPORT_JA, min_length=1, description="The supportive self-harm notice in Japanese."
    )
    language: Literal["auto", "en", "ja"] = Field(
        "auto", description="Language of the notice; auto picks Japanese for Japanese text."
    )

    @field_validator("lexicons", "help_resources")
    @classmethod
    def _not_blank(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return no_blank_items(value, info.field_name or "entries")

    @field_validator("lexicons")
    @classmethod
    def _files_exist(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            path = resolve_lexicon_path(item)
            if not path.is_file():
                raise ValueError(f"lexicon file {path} does not exist or is not a file")
        return value

    @model_validator(mode="after")
    def _some_lexicon(self) -> AbuseOptions:
        if not self.builtin_lexicons and not self.lexicons:
            raise ValueError("no lexicon: keep builtin_lexicons true or list lexicons")
        if not any(self.categories.get(c).enabled for c in CATEGORIES):
            raise ValueError("every category is disabled; enable one or remove the check")
        return self

    def lexicon_paths(self) -> list[Path]:
        """The files to load, shipped ones first."""
        shipped = shipped_lexicon_dir()
        builtin = [shipped / name for name in BUILTIN_FILES] if self.builtin_lexicons else []
        return [*builtin, *(resolve_lexicon_path(item) for item in self.lexicons)]


# --- lexicons ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon line."""

    id: str
    """File stem and line, e.g. threats:42; how findings name it."""
    category: str
    level: str
    """low, medium, high, allow or the number as written."""
    severity: float
    """0.0 for allow entries."""

    @property
    def allow(self) -> bool:
        return self.level == "allow"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled lexicon files: a matcher whose values are entries."""

    matcher: PhraseMatcher[Entry]
    entries: int
    longest_chars: int
    """Characters of the longest phrase, gaps counted at full width."""


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the file and line."""


def _parse_severity(word: str) -> tuple[str, float] | None:
    if word in SEVERITY_LEVELS:
        return word, SEVERITY_LEVELS[word]
    if word == "allow":
        return word, 0.0
    try:
        value = float(word)
    except ValueError:
        return None
    return (word, value) if 0.0 < value <= 1.0 else None


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    cut = line.find(" #")
    return (line if cut < 0 else line[:cut]).strip()


_COMPILED: dict[tuple[tuple[str, int, int], ...], Lexicon] = {}
_COMPILED_MAX = 8
_COMPILED_LOCK = threading.Lock()


def cached_lexicons(paths: Sequence[Path]) -> Lexicon:
    """load_lexicons, reusing a compiled set while none of its files has changed.

    Compiling the shipped lexicons takes a few hundred milliseconds; every policy entry
    that uses the check, and every reload, would pay it again. A compiled lexicon is frozen
    and only read, so policies can share it. Keyed by each file's path, mtime and size.
    """
    try:
        stats = [(str(p), p.stat()) for p in paths]
        key = tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)
    except OSError:
        return load_lexicons(paths)  # let the loader report the missing file
    with _COMPILED_LOCK:
        found = _COMPILED.get(key)
    if found is not None:
        return found
    lexicon = load_lexicons(paths)
    with _COMPILED_LOCK:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = lexicon
    return lexicon


def load_lexicons(paths: Sequence[Path]) -> Lexicon:
    """Compile lexicon files in order; sets defined earlier are visible later.

    Raises LexiconError naming the file (and line) of the first problem found.
    """
    matcher: PhraseMatcher[Entry] = PhraseMatcher()
    sets: dict[str, list[tuple[PhraseItem, ...]]] = {}
    keys_cache: dict[str, tuple[str, ...]] = {}

    def normalize(word: str) -> tuple[str, ...]:
        keys = keys_cache.get(word)
        if keys is None:
            keys = keys_cache[word] = term_keys(word)
        return keys

    entries = 0
    longest = 0
    for path in paths:
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LexiconError(f"{path}: cannot read lexicon file: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise LexiconError(f"{path}: lexicon file is not UTF-8") from None
        category = path.stem if path.stem in CATEGORIES else None
        for lineno, raw in enumerate(content.splitlines(), 1):
            line = _strip_comment(raw)
            if not line:
                continue

            def fail(reason: str, *, at: int = lineno, file: Path = path) -> LexiconError:
                return LexiconError(f"{file}:{at}: {reason}")

            head, _, rest = line.partition(" ")
            rest = rest.strip()
            if head == "@category":
                if rest not in CATEGORIES:
                    raise fail(f"unknown category; known: {', '.join(CATEGORIES)}")
                category = rest
                continue
            if head == "@set":
                name, eq, pattern = rest.partition("=")
                name = name.strip()
                if not eq or not _SET_NAME.fullmatch(name):
                    raise fail("write a set as '@set name = pattern' (name: a-z, 0-9, _)")
                try:
                    sets[name] = expand_pattern(pattern, sets, normalize)
                except PatternError as exc:
                    raise fail(_at_column(exc, raw, pattern)) from None
                continue
            if head.startswith("@"):
                raise fail("unknown directive; use @category or @set")
            parsed = _parse_severity(head)
            if parsed is None:
                raise fail("an entry starts with low, medium, high, allow or a number in (0, 1]")
            if category is None:
                raise fail("entry before any @category line")
            if not rest:
                raise fail("entry without a pattern")
            level, severity = parsed
            entry = Entry(f"{path.stem}:{lineno}", category, level, severity)
            try:
                phrases = expand_pattern(rest, sets, normalize)
            except PatternError as exc:
                raise fail(_at_column(exc, raw, rest)) from None
            for phrase in phrases:
                matcher.add(phrase, entry)
                longest = max(longest, _phrase_chars(phrase))
            entries += 1
    matcher.freeze()
    return Lexicon(matcher, entries, longest)


def _at_column(exc: PatternError, line: str, pattern: str) -> str:
    """The error with its column counted from the start of the line."""
    return f"column {exc.column + max(0, line.find(pattern))}: {exc.reason}"


def _phrase_chars(phrase: Sequence[PhraseItem]) -> int:
    total = 0
    for item in phrase:
        if isinstance(item, Gap):
            total += item.max_tokens * _GAP_TOKEN_CHARS
        elif isinstance(item, frozenset):
            total += max(len(key) for key in item) + 1
        else:
            total += len(item) + 1
    return total


# --- context -----------------------------------------------------------------------------


def _break_between(text: str, end: int, start: int, breaks: frozenset[str]) -> bool:
    return any(c in breaks for c in text[end:start])


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] sits between quotation marks on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[line_start:start]
    after = text[end : len(text) if line_end < 0 else line_end]
    if before.count('"') % 2 == 1 and '"' in after:
        return True
    inside = text[start:end]
    if any(q in inside for q in _QUOTE_CHARS):
        return True  # the phrase runs into a quotation: 'the word "..."'

    for opening, closing in _QUOTE_PAIRS:
        at = before.rfind(opening)
        if at >= 0 and before.rfind(closing) < at and closing in after:
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Hit:
    entry: Entry
    start: int
    end: int
    score: float
    context: tuple[str, ...]


# --- the check ---------------------------------------------------------------------------


class AbuseCheck(Check[AbuseOptions]):
    """Finds abusive, threatening, sexual, self-harm and dangerous content by lexicon."""

    name: ClassVar[str] = "abuse"
    options_model = AbuseOptions
    streamable = True
    needs_full_text = False
    uses_offloader = False
    default_action = "block"

    def __init__(self, options: AbuseOptions) -> None:
        super().__init__(options)
        # Compiled here, not in start(): a broken lexicon must fail the policy load with
        # the entry's location, like any other invalid option.
        self._lexicon = cached_lexicons(options.lexicon_paths())
        self._matcher = self._lexicon.matcher
        self._vocabulary = self._matcher.vocabulary
        self._normalizer = Normalizer()
        cats = options.categories
        self._enabled = frozenset(c for c in CATEGORIES if cats.get(c).enabled)
        self._thresholds = {c: cats.get(c).threshold for c in CATEGORIES}
        self._actions: dict[str, Action | None] = {}
        for c in CATEGORIES:
            name = cats.get(c).action
            if name is None and c == "self_harm":
                name = "annotate"  # a person in crisis gets help, not a wall
            self._actions[c] = Action.parse(name) if name is not None else None
        self._replacements = {c: options.template.replace("{category}", c) for c in CATEGORIES}
        self._lookahead = min(_MAX_LOOKAHEAD, max(_MIN_LOOKAHEAD, 2 * self._lexicon.longest_chars))

    @property
    def lookahead_chars(self) -> int:
        return self._lookahead

    def referenced_files(self) -> tuple[Path, ...]:
        return tuple(self.options.lexicon_paths())

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        return self.analyse(text)

    def analyse(self, text: str) -> CheckResult:
        """The check's work, synchronously (benchmarks and tests call it directly)."""
        if not text:
            return CheckResult()
        tokens = self._normalizer.tokenize(text, self._vocabulary)
        matches = self._matcher.find(tokens.keys)
        if not matches:
            return CheckResult()
        allowed: dict[str, list[tuple[int, int]]] = {}
        for m in matches:
            if m.value.allow:
                allowed.setdefault(m.value.category, []).append((m.start, m.end))
        candidates = [
            m
            for m in matches
            if not m.value.allow
            and m.value.category in self._enabled
            and not any(m.start < e and s < m.end for s, e in allowed.get(m.value.category, ()))
        ]
        # Context only lowers a score: a match that can neither make a finding nor beat
        # the best score so far needs no look at its context.
        candidates.sort(key=lambda m: -m.value.severity)
        hits: list[_Hit] = []
        best = 0.0
        for m in candidates:
            entry = m.value
            if entry.severity < self._thresholds[entry.category] and entry.severity <= best:
                continue
            factor, notes = self._context(text, tokens, m.start, m.end, m.skipped)
            start, end = tokens.starts[m.start], tokens.ends[m.end - 1]
            hit = _Hit(entry, start, end, round(entry.severity * factor, 3), notes)
            hits.append(hit)
            best = max(best, hit.score)
        if not hits:
            return CheckResult()
        score = max(h.score for h in hits)
        kept = _resolve_overlaps([h for h in hits if h.score >= self._thresholds[h.entry.category]])
        findings = tuple(self._finding(h) for h in kept)
        annotations: tuple[Annotation, ...] = ()
        if any(h.entry.category == "self_harm" for h in kept):
            annotations = (self._support(text),)
        return CheckResult(findings=findings, score=score, annotations=annotations)

    def _finding(self, hit: _Hit) -> Finding:
        category = hit.entry.category
        notes = f", {', '.join(hit.context)}" if hit.context else ""
        return Finding(
            check=self.name,
            category=category,
            start=hit.start,
            end=hit.end,
            score=hit.score,
            message=f"{category}: lexicon entry {hit.entry.id} ({hit.entry.level}{notes})",
            replacement=self._replacements[category],
            action=self._actions[category],
        )

    def _context(
        self, text: str, tokens: TokenList, first: int, stop: int, skipped: tuple[int, ...]
    ) -> tuple[float, tuple[str, ...]]:
        keys, starts, ends = tokens.keys, tokens.starts, tokens.ends
        notes: list[str] = []
        factor = 1.0
        if _quoted(text, starts[first], ends[stop - 1]):
            factor *= QUOTED_FACTOR
            notes.append("quoted")
        reported = any(keys[i][0] in _REPORT_CUES for i in skipped)
        j = first - 1
        while not reported and j >= 0 and first - j <= _REPORT_WINDOW_BEFORE:
            if _break_between(text, ends[j], starts[j + 1], _SENTENCE_BREAKS):
                break
            if keys[j][0] in _REPORT_CUES:
                reported = True
                break
            j -= 1
        j = stop
        while not reported and j < len(keys) and j - stop < _REPORT_WINDOW_AFTER:
            if _break_between(text, ends[j - 1], starts[j], _SENTENCE_BREAKS):
                break
            if keys[j][0] in _REPORT_CUES_AFTER:
                reported = True
            j += 1
        if reported:
            factor *= REPORTED_FACTOR
            notes.append("reported")
        negated = any(keys[i][0] in _NEGATORS for i in skipped)
        j = first - 1
        while not negated and j >= 0 and first - j <= _NEGATION_WINDOW:
            if _break_between(text, ends[j], starts[j + 1], _CLAUSE_BREAKS):
                break
            negated = keys[j][0] in _NEGATORS
            j -= 1
        if negated:
            factor *= NEGATED_FACTOR
            notes.append("negated")
        return factor, tuple(notes)

    def _support(self, text: str) -> Annotation:
        opts = self.options
        language = pick_language(opts.language, text)
        notice = opts.support_text_ja if language == "ja" else opts.support_text_en
        if opts.help_resources:
            label = "相談窓口" if language == "ja" else "Support"
            notice = f"{notice}\n{label}: " + "; ".join(opts.help_resources)
        return Annotation(
            self.name,
            "support",
            notice,
            {
                "category": "self_harm",
                "language": language,
                "resources": list(opts.help_resources),
            },
        )


def _resolve_overlaps(hits: list[_Hit]) -> list[_Hit]:
    """Per category, non-overlapping hits: the higher score wins, then the longer span."""
    ranked = sorted(hits, key=lambda h: (-h.score, h.start - h.end, h.start))
    kept: list[_Hit] = []
    for hit in ranked:
        if all(
            k.entry.category != hit.entry.category or hit.end <= k.start or hit.start >= k.end
            for k in kept
        ):
            kept.append(hit)
    kept.sort(key=lambda h: (h.start, h.end, h.entry.category))
    return kept


__all__ = [
    "CATEGORIES",
    "AbuseCheck",
    "AbuseOptions",
    "CategoryOptions",
    "Entry",
    "Lexicon",
    "LexiconError",
    "load_lexicons",
    "resolve_lexicon_path",
    "shipped_lexicon_dir",
]
