"""Seeded generator of the grounding evaluation set, and its frozen dev and test splits.

A *world* is one family's slots filled with fictional values (companies, people, cities,
products, dates, amounts). Its sources state every fact of the world, spread over one to
three documents with some padding. Each world gives two faithful answers (restating or
paraphrasing 1 to 13 of its facts, in any order, sometimes as a bullet list) and up to one
hallucinated answer per edit type, each made by one controlled edit of a faithful answer:

- `entity_swap`: a person, company, city or product replaced by another one of the same
  kind that the sources also name;
- `number_change`: a count, amount or percentage changed;
- `date_change`: a year or date changed;
- `negation`: the claim negated or flipped;
- `invented_fact`: a new sentence with plausible details the sources lack (names, places,
  amounts, dates, quotes);
- `unsupported`: a new sentence relating things the sources name in a way they never state.

Changed values never appear anywhere in the sources. The no-sources subset pairs answers
with specific, checkable claims (label 1) and general statements (label 0), without sources.

One JSON line per case (a world with its sources, question and answers):

    {"id": "dev-0007", "family": "company", "sources": [{"id": "doc-1", "title": ...,
     "text": ...}], "question": ..., "answers": [{"id": "dev-0007-a", "label": 0,
     "edit": "faithful", "style": "paraphrase", "sentences": 4, "edited": null,
     "text": ...}, ...]}

`edited` is the index of the changed or inserted sentence. The test split holds a template
family (`transit`) that the dev split never uses.

    .venv/bin/python -m loadtest.grounding.generate            # writes loadtest/grounding/data/
    .venv/bin/python -m loadtest.grounding.generate --check    # fails if they differ
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadtest.evalkit import generator_main, jsonl, read_jsonl
from loadtest.grounding.families import (
    CITIES,
    DEV_FAMILIES,
    FAMILIES,
    FIRST_NAMES,
    GENERAL_STATEMENTS,
    GENERIC,
    HELDOUT_FAMILY,
    LAST_NAMES,
    LINE_NAMES,
    NEW_QUOTES,
    ORG_HEADS,
    ORG_TAILS,
    PRODUCT_HEADS,
    QUOTES,
    Fact,
    Family,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SEED = 20261126
SPLITS = ("dev", "test")
WORLDS = {"dev": 180, "test": 240}
NO_SOURCE_CASES = {"dev": 120, "test": 160}
HELDOUT_SHARE = 0.4
"""Share of the test split's worlds drawn from the held-out family."""

EDITS = (
    "entity_swap",
    "number_change",
    "date_change",
    "negation",
    "invented_fact",
    "unsupported",
)
FAITHFUL = "faithful"
NO_SOURCE_LABELS = {"ns_specific": 1, "ns_general": 0}

ENTITY_KINDS = ("person", "org", "city", "product", "line")
NUMBER_KINDS = ("count", "small", "money_m", "money", "percent")
DATE_KINDS = ("year", "date")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip

_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")


@dataclass(frozen=True)
class Value:
    """One slot's value; `render` gives its text in the main or the alternative form."""

    kind: str
    data: tuple[Any, ...]

    def render(self, form: str | None = None) -> str:
        k, d = self.kind, self.data
        if k == "person":
            return str(d[1]) if form == "last" else f"{d[0]} {d[1]}"
        if k in ("org", "city", "product", "line", "quote", "small", "year"):
            return str(d[0])
        if k == "count":
            return f"{d[0]:,}"
        if k == "percent":
            return f"{d[0]} percent" if form == "alt" else f"{d[0]}%"
        if k == "money_m":
            return f"${d[0]} million"
        if k == "money":
            return f"${d[0]}"
        if k == "date":
            year, month, day = d
            if form == "alt":
                return f"{day} {MONTHS[month - 1]} {year}"
            return f"{MONTHS[month - 1]} {day}, {year}"
        raise ValueError(f"unknown kind {k!r}")


class Values:
    """Draws values of each kind; names in one world are all different."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _fresh(self, make: Any) -> Value:
        for _ in range(200):
            value: Value = make()
            key = value.render()
            last = value.render("last") if value.kind == "person" else key
            if key not in self.used and last not in self.used:
                self.used.update((key, last))
                return value
        raise RuntimeError("value pool exhausted")

    def make(self, kind: str, params: tuple[float, ...]) -> Value:
        rng = self.rng
        if kind == "person":
            return self._fresh(
                lambda: Value(kind, (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)))
            )
        if kind == "org":
            return self._fresh(
                lambda: Value(kind, (f"{rng.choice(ORG_HEADS)} {rng.choice(ORG_TAILS)}",))
            )
        if kind == "city":
            return self._fresh(lambda: Value(kind, (rng.choice(CITIES),)))
        if kind == "product":
            return self._fresh(
                lambda: Value(
                    kind,
                    (f"{rng.choice(PRODUCT_HEADS)} {rng.choice('XSMQ')}{rng.randint(2, 9)}00",),
                )
            )
        if kind == "line":
            return self._fresh(lambda: Value(kind, (rng.choice(LINE_NAMES),)))
        if kind == "quote":
            return self._fresh(lambda: Value(kind, (rng.choice(QUOTES),)))
        lo, hi = int(params[0]), int(params[1])
        if kind in ("small", "year", "percent"):
            return self._fresh(lambda: Value(kind, (rng.randint(lo, hi),)))
        if kind == "count":
            return self._fresh(lambda: Value(kind, (_round_like(rng.randint(lo, hi), 2),)))
        if kind == "money_m":
            return self._fresh(lambda: Value(kind, (_money_m(rng, lo, hi),)))
        if kind == "money":
            return self._fresh(lambda: Value(kind, (_price(rng, lo, hi),)))
        if kind == "date":
            return self._fresh(
                lambda: Value(kind, (rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28)))
            )
        raise ValueError(f"unknown kind {kind!r}")


def _round_like(n: int, digits: int) -> int:
    """n rounded to its `digits` leading digits (1,234 -> 1,200)."""
    scale: int = 10 ** max(len(str(n)) - digits, 0)
    return max(round(n / scale) * scale, 1)


def _money_m(rng: random.Random, lo: int, hi: int) -> str:
    amount = rng.uniform(lo, hi)
    return f"{amount:.1f}" if amount < 100 else str(int(amount))


def _price(rng: random.Random, lo: int, hi: int) -> str:
    if hi < 20:
        return f"{rng.randint(lo, hi - 1)}.{rng.choice(('20', '50', '75', '90'))}"
    return str(rng.randint(lo, hi) // 10 * 10 + 9)


def changed_number(rng: random.Random, value: Value) -> Value:
    """A different value of the same kind and magnitude (for number and date edits)."""
    k, d = value.kind, value.data
    if k == "count":
        factor = rng.choice((rng.uniform(0.5, 0.85), rng.uniform(1.2, 1.9)))
        return Value(k, (_round_like(int(d[0] * factor), 2),))
    if k == "small":
        step = rng.randint(1, max(2, d[0] // 2))
        return Value(k, (d[0] + step if rng.random() < 0.5 or d[0] - step < 1 else d[0] - step,))
    if k == "percent":
        step = rng.randint(2, 15)
        return Value(k, (d[0] + step if d[0] - step < 1 or rng.random() < 0.5 else d[0] - step,))
    if k == "money_m":
        amount = float(d[0]) * rng.choice((rng.uniform(0.4, 0.85), rng.uniform(1.2, 2.5)))
        return Value(k, (f"{amount:.1f}" if amount < 100 else str(int(amount)),))
    if k == "money":
        price = float(d[0]) * rng.choice((rng.uniform(0.5, 0.85), rng.uniform(1.2, 1.8)))
        return Value(k, (f"{price:.2f}" if "." in str(d[0]) else str(int(price) // 10 * 10 + 9),))
    if k == "year":
        return Value(k, (d[0] + rng.choice((-4, -3, -2, -1, 1, 2, 3)),))
    if k == "date":
        year, month, day = d
        which = rng.choice(("year", "month", "day"))
        if which == "year":
            return Value(k, (year + rng.choice((-2, -1, 1, 2)), month, day))
        if which == "month":
            return Value(k, (year, (month + rng.randint(1, 10)) % 12 + 1, day))
        return Value(k, (year, month, (day + rng.randint(2, 20)) % 28 + 1))
    raise ValueError(f"not a number kind: {k!r}")


def render(template: str, values: dict[str, Value]) -> str:
    def sub(match: re.Match[str]) -> str:
        return values[match.group(1)].render(match.group(2))

    text = _SLOT.sub(sub, template)
    return text[0].upper() + text[1:]


def slots_of(template: str) -> list[str]:
    return [m.group(1) for m in _SLOT.finditer(template)]


@dataclass
class Sentence:
    """One answer sentence: its template and values, so that edits can re-render it."""

    template: str
    values: dict[str, Value]
    fact: Fact | None

    @property
    def text(self) -> str:
        return render(self.template, self.values)


@dataclass
class World:
    family: Family
    values: dict[str, Value]
    src_templates: dict[str, str]
    sources: list[dict[str, str]]
    source_text: str


def make_world(family: Family, rng: random.Random) -> World:
    draw = Values(rng)
    values = {name: draw.make(kind, params) for name, (kind, params) in family.slots.items()}
    src_templates = {f.key: rng.choice(f.src) for f in family.facts}
    sentences = [render(src_templates[f.key], values) for f in family.facts]
    for filler in rng.sample(family.filler, rng.randint(1, len(family.filler))):
        sentences.insert(rng.randint(0, len(sentences)), filler)
    docs = rng.choice((1, 2, 2, 3))
    cuts = sorted(rng.sample(range(2, len(sentences) - 1), docs - 1))
    parts = [sentences[a:b] for a, b in zip([0, *cuts], [*cuts, len(sentences)], strict=True)]
    titles = rng.sample(family.titles, min(docs, len(family.titles)))
    sources = []
    for i, part in enumerate(parts):
        # paragraphs of two to four sentences, as documents have
        paragraphs: list[str] = []
        while part:
            n = rng.randint(2, 4)
            paragraphs.append(" ".join(part[:n]))
            part = part[n:]
        sources.append(
            {
                "id": f"doc-{i + 1}",
                "title": render(titles[i % len(titles)], values),
                "text": "\n\n".join(paragraphs),
            }
        )
    source_text = "\n".join(s["title"] + "\n" + s["text"] for s in sources)
    return World(family, values, src_templates, sources, source_text)


def answer_length(rng: random.Random) -> int:
    bucket = rng.random()
    if bucket < 0.2:
        return rng.randint(1, 2)
    if bucket < 0.55:
        return rng.randint(3, 5)
    if bucket < 0.85:
        return rng.randint(6, 9)
    return rng.randint(10, 13)


def faithful_answer(world: World, rng: random.Random, style: str) -> list[Sentence]:
    facts = list(world.family.facts)
    length = min(answer_length(rng), len(facts))
    chosen = rng.sample(facts, length)
    if style == "restate" and rng.random() < 0.7:
        chosen.sort(key=facts.index)  # source order
    sentences = []
    for fact in chosen:
        paraphrase = style == "paraphrase" or (style == "mixed" and rng.random() < 0.5)
        template = rng.choice(fact.para) if paraphrase else world.src_templates[fact.key]
        sentences.append(Sentence(template, dict(world.values), fact))
    if length >= 3 and rng.random() < 0.3:
        generic = Sentence(rng.choice(GENERIC), {}, None)
        sentences.insert(0 if rng.random() < 0.6 else len(sentences), generic)
    return sentences


def _fresh_value(
    rng: random.Random, world: World, kind: str, make: Any, exclude: str = ""
) -> Value:
    """A value whose text appears nowhere in the sources (nor equals exclude)."""
    for _ in range(100):
        value: Value = make()
        texts = {value.render()}
        if kind == "person":
            texts.add(value.render("last"))
        elif kind == "date":
            texts.add(value.render("alt"))
        if not any(appears(t, world.source_text) for t in texts) and value.render() != exclude:
            return value
    raise RuntimeError("no fresh value found")


def appears(value: str, text: str) -> bool:
    """True if value occurs in text as a whole token sequence ("12" is not in "120")."""
    return re.search(rf"(?<![\w.,]){re.escape(value)}(?!\w|[.,]\d)", text) is not None


def edit_answer(
    kind: str, answer: list[Sentence], world: World, rng: random.Random
) -> tuple[list[Sentence], int] | None:
    """The answer with one edit of the given kind and the edited index, or None."""
    values = world.values
    out = [Sentence(s.template, dict(s.values), s.fact) for s in answer]
    if kind in ("entity_swap", "number_change", "date_change"):
        kinds = {
            "entity_swap": ENTITY_KINDS,
            "number_change": NUMBER_KINDS,
            "date_change": DATE_KINDS,
        }[kind]
        options = []
        for i, sentence in enumerate(out):
            used = slots_of(sentence.template)
            for slot in used:
                slot_kind = values[slot].kind
                if slot_kind not in kinds:
                    continue
                if kind == "entity_swap":
                    present = {values[s].render() for s in used}
                    others = [
                        n
                        for n, v in values.items()
                        if v.kind == slot_kind and v.render() not in present
                    ]
                    if others:
                        options.append((i, slot, others))
                else:
                    options.append((i, slot, []))
        if not options:
            return None
        i, slot, others = rng.choice(options)
        if kind == "entity_swap":
            out[i].values[slot] = values[rng.choice(others)]
        else:
            old = values[slot]
            out[i].values[slot] = _fresh_value(
                rng, world, old.kind, lambda: changed_number(rng, old), old.render()
            )
        return out, i
    if kind == "negation":
        negatable = [n for n, s in enumerate(out) if s.fact is not None and s.fact.neg]
        if not negatable:
            return None
        at = rng.choice(negatable)
        fact = out[at].fact
        assert fact is not None and fact.neg is not None
        out[at] = Sentence(fact.neg, out[at].values, fact)
        return out, at
    if kind in ("invented_fact", "unsupported"):
        pool = world.family.invented if kind == "invented_fact" else world.family.unsupported
        template = rng.choice(pool)
        new_values = dict(values)
        draw = Values(rng)
        draw.used = {v.render() for v in values.values()}
        makers = {
            "new_city": lambda: draw.make("city", ()),
            "new_person": lambda: draw.make("person", ()),
            "new_count": lambda: draw.make("count", (120, 9000)),
            "new_money": lambda: draw.make("money_m", (2, 400)),
            "new_year": lambda: draw.make("year", (2005, 2027)),
            "new_date": lambda: draw.make("date", (2024, 2027)),
            "new_quote": lambda: Value("quote", (rng.choice(NEW_QUOTES),)),
        }
        for slot in slots_of(template):
            if slot.startswith("new_"):
                kind_of = "quote" if slot == "new_quote" else slot[4:]
                new_values[slot] = _fresh_value(rng, world, kind_of, makers[slot])
        position = rng.randint(0, len(out))
        out.insert(position, Sentence(template, new_values, None))
        return out, position
    raise ValueError(f"unknown edit {kind!r}")


def answer_text(sentences: list[Sentence], bullets: bool) -> str:
    texts = [s.text for s in sentences]
    if bullets and len(texts) >= 3:
        return "\n".join(f"- {t}" for t in texts)
    return " ".join(texts)


def answer_record(
    case_id: str,
    suffix: str,
    sentences: list[Sentence],
    edit: str,
    style: str,
    edited: int | None,
    bullets: bool,
) -> dict[str, Any]:
    return {
        "id": f"{case_id}-{suffix}",
        "label": 0 if edit == FAITHFUL else 1,
        "edit": edit,
        "style": style,
        "sentences": len(sentences),
        "edited": edited,
        "text": answer_text(sentences, bullets),
    }


def world_case(case_id: str, family: Family, rng: random.Random) -> dict[str, Any]:
    world = make_world(family, rng)
    styles = rng.sample(("restate", "paraphrase", "mixed"), 2)
    bases = [(faithful_answer(world, rng, s), s, rng.random() < 0.15) for s in styles]
    answers = [
        answer_record(case_id, "ab"[n], sentences, FAITHFUL, style, None, bullets)
        for n, (sentences, style, bullets) in enumerate(bases)
    ]
    for n, edit in enumerate(EDITS):
        order = rng.sample(range(len(bases)), len(bases))
        for b in order:
            sentences, style, bullets = bases[b]
            edited = edit_answer(edit, sentences, world, rng)
            if edited is not None:
                answers.append(
                    answer_record(case_id, f"e{n}", edited[0], edit, style, edited[1], bullets)
                )
                break
    return {
        "id": case_id,
        "family": family.name,
        "sources": world.sources,
        "question": render(rng.choice(family.questions), world.values),
        "answers": answers,
    }


def no_source_case(case_id: str, families: tuple[str, ...], rng: random.Random) -> dict[str, Any]:
    family = FAMILIES[rng.choice(families)]
    world = make_world(family, rng)
    count = rng.randint(1, 5)
    facts = rng.sample(family.facts, count)
    specific = [Sentence(rng.choice(f.para), dict(world.values), f) for f in facts]
    general = [Sentence(t, {}, None) for t in rng.sample(GENERAL_STATEMENTS, count)]
    return {
        "id": case_id,
        "family": "no_sources",
        "sources": [],
        "question": render(rng.choice(family.questions), world.values),
        "answers": [
            {
                "id": f"{case_id}-{suffix}",
                "label": NO_SOURCE_LABELS[edit],
                "edit": edit,
                "style": "no_sources",
                "sentences": count,
                "edited": None,
                "text": answer_text(sentences, False),
            }
            for suffix, edit, sentences in (
                ("s", "ns_specific", specific),
                ("g", "ns_general", general),
            )
        ],
    }


def cases(split: str, seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """The cases of a split ('dev' or 'test'): worlds first, then the no-sources subset."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    rng = random.Random(f"{seed}-{split}")
    for n in range(WORLDS[split]):
        if split == "test" and rng.random() < HELDOUT_SHARE:
            family = FAMILIES[HELDOUT_FAMILY]
        else:
            family = FAMILIES[rng.choice(DEV_FAMILIES)]
        yield world_case(f"{split}-{n:04d}", family, rng)
    for n in range(NO_SOURCE_CASES[split]):
        yield no_source_case(f"{split}-ns{n:04d}", DEV_FAMILIES, rng)


def split_path(split: str) -> Path:
    return DATA_DIR / f"{split}.jsonl"


def render_split(split: str, seed: int = DEFAULT_SEED) -> str:
    return jsonl(cases(split, seed))


def load_split(split_or_path: str) -> list[dict[str, Any]]:
    """Read a frozen split by name ('dev', 'test') or by path."""
    path = split_path(split_or_path) if split_or_path in SPLITS else Path(split_or_path)
    return read_jsonl(path)


def _describe(content: str) -> str:
    answers = sum(len(json.loads(line)["answers"]) for line in content.splitlines())
    return f"{content.count(chr(10))} cases, {answers} answers"


def main(argv: list[str] | None = None) -> int:
    return generator_main(
        __doc__,
        argv,
        seed=DEFAULT_SEED,
        splits=SPLITS,
        split_path=split_path,
        render=render_split,
        describe=_describe,
    )


if __name__ == "__main__":
    sys.exit(main())
