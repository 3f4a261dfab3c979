"""The `secrets` check: API keys, tokens, private keys and passwords written into a text.

Pure Python and cheap enough to run inline on the event loop: every pattern is compiled
once, each is anchored on a literal where the format has one, and the only arithmetic is
a Shannon entropy over the few candidate tokens that survive the patterns.

Patterns follow the formats the providers document for their credentials; where a
format has a distinctive prefix a match is nearly certain (score 0.95-1.0), while the
generic high-entropy detector and the context-dependent kinds score lower.

Streaming: a private key block can be much longer than any holdback. When a window ends
inside a `-----BEGIN ... PRIVATE KEY-----` block (no END line yet) the finding runs from
the BEGIN line to the end of the window, so the stream guard holds the whole block back
(it moves its cut to the start of any redaction that straddles it) until the END line
arrives; at the end of a stream an unterminated block is covered through the end of the
text. Every other kind is either a single whitespace-free token, which the guard never
splits (it cuts only after whitespace), or a short context-plus-value construct that
`lookahead_chars` covers (see its note below for the limit).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import NamedTuple

from pydantic import Field, field_validator, model_validator

from guardproxy.checks.base import (
    Check,
    CheckContext,
    CheckOptions,
    CheckResult,
    Finding,
    no_blank_items,
)

OPENAI_API_KEY = "OPENAI_API_KEY"
ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY"
AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY"
GITHUB_TOKEN = "GITHUB_TOKEN"
SLACK_TOKEN = "SLACK_TOKEN"
GOOGLE_API_KEY = "GOOGLE_API_KEY"
STRIPE_KEY = "STRIPE_KEY"
PRIVATE_KEY = "PRIVATE_KEY"
JWT = "JWT"
CONNECTION_STRING_PASSWORD = "CONNECTION_STRING_PASSWORD"
PASSWORD_ASSIGNMENT = "PASSWORD_ASSIGNMENT"
HIGH_ENTROPY_TOKEN = "HIGH_ENTROPY_TOKEN"

KINDS: tuple[str, ...] = (
    OPENAI_API_KEY,
    ANTHROPIC_API_KEY,
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    GITHUB_TOKEN,
    SLACK_TOKEN,
    GOOGLE_API_KEY,
    STRIPE_KEY,
    PRIVATE_KEY,
    JWT,
    CONNECTION_STRING_PASSWORD,
    PASSWORD_ASSIGNMENT,
    HIGH_ENTROPY_TOKEN,
)

# When two detections overlap the more specific kind wins: a documented prefix beats a
# value found through a context word, which beats the generic entropy detector.
_TIER: dict[str, int] = {kind: 3 for kind in KINDS} | {
    AWS_SECRET_ACCESS_KEY: 2,
    CONNECTION_STRING_PASSWORD: 2,
    PASSWORD_ASSIGNMENT: 2,
    HIGH_ENTROPY_TOKEN: 1,
}

# The holdback this check asks of a stream. Whitespace-free tokens (JWTs, URLs, keys) of
# any length are held whole anyway, and a PEM block is covered by a finding (see the module
# docstring); what needs the lookahead is a password with spaces inside its quotes, or an
# AWS secret whose context word comes after it. 96 characters cover passwords up to about
# 80 characters and the AWS context window, and keep the first streamed byte early; a
# longer quoted password cut by a window can lose its first words to the client.
_MAX_PASSWORD_CHARS = 128
_MAX_KEY_CHARS = 48  # around "password" in a key name; bounded so no text costs n²
_AWS_CONTEXT_CHARS = 48
_LOOKAHEAD_CHARS = 96

_GENERIC_SCORE_LOW = 0.6
_GENERIC_SCORE_HIGH = 0.8
# Entropy above the threshold at which the generic score reaches its maximum.
_GENERIC_SCORE_SPAN_BITS = 1.5
# Share of a generic candidate's letters and digits in word-like pieces above which it
# reads as an identifier, a slug or a path rather than a random token. With every generic
# filter together, random base62/base64 tokens are missed about 5 times in 1000 at 32
# characters, 1.5 in 1000 at 40 and almost never at 64; camelCase names and paths
# score 0.75 and more.
_MAX_WORDLIKE_SHARE = 0.7


class _Hit(NamedTuple):
    kind: str
    start: int
    end: int
    score: float


class SecretsOptions(CheckOptions):
    """Options of the `secrets` check."""

    kinds: tuple[str, ...] = Field(
        default=KINDS,
        min_length=1,
        description=(
            "Kinds of secret to look for (OPENAI_API_KEY, ANTHROPIC_API_KEY, "
            "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, SLACK_TOKEN, "
            "GOOGLE_API_KEY, STRIPE_KEY, PRIVATE_KEY, JWT, CONNECTION_STRING_PASSWORD, "
            "PASSWORD_ASSIGNMENT, HIGH_ENTROPY_TOKEN); all by default."
        ),
    )
    generic: bool = Field(
        default=True,
        description=(
            "Run the generic high-entropy token detector (kind HIGH_ENTROPY_TOKEN). "
            "Set false to report only secrets with a known format or context."
        ),
    )
    min_entropy_bits_per_char: float = Field(
        default=3.5,
        gt=0.0,
        le=6.0,
        description=(
            "Lowest Shannon entropy, in bits per character, of a token the generic "
            "detector reports. Random base64 of 32 characters measures about 4.5; "
            "English words and identifiers mostly stay under 4."
        ),
    )
    min_generic_length: int = Field(
        default=32,
        ge=16,
        le=1024,
        description="Shortest token, in characters, the generic detector considers.",
    )
    template: str = Field(
        default="<SECRET:{kind}>",
        description="Replacement for a redacted secret; `{kind}` becomes the kind.",
    )
    allow_list: tuple[str, ...] = Field(
        default=(),
        description=(
            "Exact values never reported, compared case-sensitively (for the password "
            "kinds, the password itself), e.g. a documented example key."
        ),
    )

    @field_validator("kinds", mode="before")
    @classmethod
    def _normalise_kinds(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            normalised = [v.strip().upper() if isinstance(v, str) else v for v in value]
            return tuple(dict.fromkeys(normalised))
        return value

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [kind for kind in value if kind not in KINDS]
        if unknown:
            raise ValueError(
                f"unknown secret kinds {', '.join(unknown)}; known kinds: {', '.join(KINDS)}"
            )
        return value

    @field_validator("template")
    @classmethod
    def _template_names_kind(cls, value: str) -> str:
        if "{kind}" not in value:
            raise ValueError("template must contain {kind}, e.g. '<SECRET:{kind}>'")
        return value

    @field_validator("allow_list")
    @classmethod
    def _allow_list_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return no_blank_items(value, "allow_list")

    @model_validator(mode="after")
    def _generic_agrees_with_kinds(self) -> SecretsOptions:
        explicit = "kinds" in self.model_fields_set
        if explicit and HIGH_ENTROPY_TOKEN in self.kinds and not self.generic:
            raise ValueError(
                "kinds lists HIGH_ENTROPY_TOKEN but generic is false; remove one of the two"
            )
        return self

    @property
    def enabled_kinds(self) -> tuple[str, ...]:
        """The kinds the check reports: kinds, less HIGH_ENTROPY_TOKEN unless generic."""
        return tuple(k for k in self.kinds if self.generic or k != HIGH_ENTROPY_TOKEN)


def shannon_entropy(value: str) -> float:
    """Shannon entropy of value's characters, in bits per character (0 for '')."""
    n = len(value)
    if n == 0:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _has_upper_lower_digit(value: str) -> tuple[bool, bool, bool]:
    return (
        any(c.isupper() for c in value),
        any(c.islower() for c in value),
        any(c.isdigit() for c in value),
    )


# --- Formats with a documented prefix -------------------------------------------------
# The negative lookbehinds are written after the literal ("sk-(?<!X sk-)") so that the
# regex engine can still scan for the literal prefix instead of trying every position.

# Anthropic API keys start with sk-ant- followed by a key type and version (api03-,
# admin01-) and a long base64url body.
_ANTHROPIC = re.compile(r"sk-ant-(?<![A-Za-z0-9_-]sk-ant-)[A-Za-z0-9_-]{32,}")
# OpenAI secret keys start with sk-: project keys sk-proj-, service-account keys
# sk-svcacct-, admin keys sk-admin-, legacy user keys sk- plus 48 base62 characters.
# Many carry T3BlbkFJ, the base64 of "OpenAI", inside the body.
_OPENAI = re.compile(
    r"sk-(?<![A-Za-z0-9_-]sk-)(?!ant-)(?P<typ>(?:proj|svcacct|admin)-)?"
    r"(?P<body>[A-Za-z0-9_-]{32,})(?![A-Za-z0-9_-])"
)
_OPENAI_MARKER = "T3BlbkFJ"
# AWS access key ids are 20 upper-case alphanumerics: AKIA for long-term keys, ASIA for
# temporary (STS) credentials.
_AWS_KEY_ID = re.compile(r"A(?<![A-Za-z0-9]A)(?:KIA|SIA)[A-Z0-9]{16}(?![A-Za-z0-9])")
# AWS secret access keys are 40 characters of base64 (A-Z, a-z, 0-9, + and /) with no
# prefix of their own, so a context word must stand next to one.
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])")
_AWS_CONTEXT = re.compile(r"(?<![a-z])(?:aws|secret)", re.IGNORECASE)
# Random base64 of 40 characters measures 4.3 bits or more; "AAAA...AAAA" does not.
_AWS_SECRET_MIN_ENTROPY = 3.5
_HEX = re.compile(r"[0-9a-fA-F]+")
# GitHub tokens: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_
# (server-to-server), ghr_ (refresh) plus 36 base62 characters; fine-grained personal
# access tokens are github_pat_ plus 82 characters of base62 and underscores.
_GITHUB = re.compile(
    r"(?:gh[pousr]_(?<![A-Za-z0-9_]gh[pousr]_)[A-Za-z0-9]{36,251}"
    r"|github_pat_(?<![A-Za-z0-9_]github_pat_)[A-Za-z0-9_]{22,244})(?![A-Za-z0-9_])"
)
# Slack tokens are xoxb- (bot), xoxp- (user), xoxa-, xoxr- (refresh), xoxs- followed by
# dash-separated groups of digits and letters (rotating tokens start xoxe.); incoming
# webhooks are https://hooks.slack.com/services/T<team>/B<bot>/<24 characters>.
_SLACK_TOKEN = re.compile(
    r"xox[abprs]-(?<![A-Za-z0-9_-]xox[abprs]-)"
    r"(?P<body>[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+)(?![A-Za-z0-9-])"
)
_SLACK_ROTATING = "xoxe."
_SLACK_WEBHOOK = re.compile(
    r"hooks\.slack\.com/services/[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{16,}"
)
_SLACK_WEBHOOK_SCHEMES = ("https://", "http://")
# Google API keys are AIza plus 35 characters of base64url.
_GOOGLE = re.compile(r"AIza(?<![A-Za-z0-9_-]AIza)[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])")
# Stripe secret keys are sk_live_ / sk_test_, restricted keys rk_live_ / rk_test_, each
# followed by at least 24 base62 characters.
_STRIPE = re.compile(
    r"(?P<prefix>[sr]k_(?P<mode>live|test)_)(?<![A-Za-z0-9_][sr]k_live_)"
    r"(?<![A-Za-z0-9_][sr]k_test_)(?P<body>[A-Za-z0-9]{24,247})(?![A-Za-z0-9_])"
)
# A JWS compact serialisation: base64url header, payload and signature joined by dots.
# A JSON header starts with {" whose base64 is ey; it must decode and name an "alg".
_JWT = re.compile(
    r"ey(?<![A-Za-z0-9_-]ey)(?P<header>[A-Za-z0-9_-]{10,})\.[A-Za-z0-9_-]{2,}"
    r"\.[A-Za-z0-9_-]*(?![A-Za-z0-9_-])"
)
# RFC 7468 / OpenSSH / OpenPGP armour: RSA, EC, DSA, ENCRYPTED, OPENSSH, PGP ... PRIVATE KEY.
_PEM_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# A BEGIN line opens a block only when key material or a line break follows it (also
# an escaped one, as in JSON strings), or the text ends there: a header quoted inline in
# prose ("starts with `-----BEGIN ... PRIVATE KEY-----`") is no key.
_PEM_OPENS = re.compile(r"[ \t]*(?:\r?\n|\\{1,2}[rn]|\Z|[A-Za-z0-9+/]{16}|[A-Za-z0-9+/]+\Z)")

# --- Passwords --------------------------------------------------------------------------

# scheme://user:password@host (RFC 3986 userinfo); the finding covers the password only.
_CONNECTION_STRING = re.compile(
    r"://(?<=[A-Za-z0-9]://)[^\s:/?#@\"'<>`]*:(?P<pw>[^\s/?#@\"'<>`]+)@(?=[A-Za-z0-9\[._-])"
)
# password=..., "password": "...", PASSWORD: ..., db_password := '...', --password=...
_PASSWORD = re.compile(
    rf"(?:passw(?:or)?d|passphrase)[A-Za-z0-9_.-]{{0,{_MAX_KEY_CHARS}}}[\"'`*]{{0,2}}"
    r"[ \t]*(?P<sep>:=|=>|=|:)[ \t]*\**[ \t]*"
    rf"(?:\"(?P<dq>[^\"\r\n]{{1,{_MAX_PASSWORD_CHARS}}})\""
    rf"|'(?P<sq>[^'\r\n]{{1,{_MAX_PASSWORD_CHARS}}})'"
    rf"|`(?P<bq>[^`\r\n]{{1,{_MAX_PASSWORD_CHARS}}})`"
    rf"|(?P<bare>[^\s\"'`,;]{{1,{_MAX_PASSWORD_CHARS}}}))",
    re.IGNORECASE,
)
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_KEY_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Keys that name a setting about passwords rather than a password (password_min_length,
# passwordPolicy, password_file, password_reset_url, ...).
_SETTING_KEY_PARTS = frozenset(
    re.findall(
        r"\w+",
        """length len min max minimum maximum policy rules rule reset hint prompt field
        label url uri link file path regex pattern strength required enabled mode type
        age count attempts retries history changed complexity expiry expires expiration
        lifetime timeout""",
    )
)
_PLACEHOLDER_VALUES = frozenset(
    re.findall(
        r"[\w-]+",
        """password passwd pass pwd passphrase secret yourpassword your_password
        your-password mypassword my_password changeme redacted hidden masked
        none null nil true false yes no undefined required optional string str env
        example placeholder xxx""",
    )
)
# <password>, ${DB_PASSWORD}, {{ password }}, %(password)s, $PASSWORD, "****": templates
# and masks, not values. Matched by their opening only: an unquoted value stops at the
# first space ("<your password here>" gives "<your").
_TEMPLATE_VALUE = re.compile(r"<.*|\$\{.*|\{\{.*|%\(.*|\$[A-Za-z_]\w*|(.)\1*")
# Unquoted, getpass(), os.environ[...], settings.db_password, user_input: code.
_CODE_VALUE = re.compile(r"[A-Za-z_][\w.]*[(\[].*|[a-z]+(?:[._][a-z]+)+")
# password = auth (spaces around "=", a lower-case name): a variable in code.
_LOWER_NAME = re.compile(r"[a-z_]+")
# After "password:" in code, a type: password: SecretStr, password: bytes.
_TYPE_NAME = re.compile(r"(?:[A-Z][a-z]+){2,}|bytes|int|Any")
_TRAILING_PUNCT = ".)]}>"  # "!" and "?" end passwords more often than sentences
_REST_OF_LINE_EMPTY = re.compile(r"[ \t.,;!?)\]}>*]*(?:\r?\n|\Z)")

# --- Generic ---------------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HASH_HEX_LENGTHS = frozenset((32, 40, 64, 128))  # MD5, SHA-1, SHA-256, SHA-512
_WORD_PIECES = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_VOWELS = frozenset("aeiouyAEIOUY")
_CONSONANT_RUN = re.compile(r"[^aeiouyAEIOUY]{5}")
_TOKEN_SEPARATORS = re.compile(r"[-_/+]")


def _wordlike_share(token: str) -> float:
    """Share of token's letters and digits in pieces that read like words (camelCase split)."""
    covered = 0
    for piece in _WORD_PIECES.findall(token):
        if len(piece) >= 3 and not _VOWELS.isdisjoint(piece) and not _CONSONANT_RUN.search(piece):
            covered += len(piece)
    return covered / max(1, sum(c.isalnum() for c in token))


def _reads_as_words(token: str) -> bool:
    """Whether token is built of words: an identifier, a slug, a path of names and ids.

    Paths and slugs are judged piece by piece, so that one commit hash or date in them
    ("blob/986a4e1b.../Objects/genericaliasobject", "BSD-3-Clause-No-Nuclear-License-2014")
    does not make them a secret.
    """
    if _wordlike_share(token) > _MAX_WORDLIKE_SHARE:
        return True
    pieces = _TOKEN_SEPARATORS.split(token)
    return len(pieces) > 1 and all(
        len(piece) <= 3
        or piece.isdigit()
        or _HEX.fullmatch(piece) is not None
        or _wordlike_share(piece) > _MAX_WORDLIKE_SHARE
        for piece in pieces
    )


def _is_sequence(token: str) -> bool:
    """An alphabet or counting run ("ABCDEFGH...xyz0123456789"): high entropy, no secret."""
    steps = sum(ord(b) - ord(a) == 1 for a, b in itertools.pairwise(token))
    return steps * 2 > len(token)


def _prefixed(text: str) -> Iterator[_Hit]:
    for m in _ANTHROPIC.finditer(text):
        yield _Hit(ANTHROPIC_API_KEY, m.start(), m.end(), 0.99)
    for m in _OPENAI.finditer(text):
        body = m["body"]
        upper, lower, digit = _has_upper_lower_digit(body)
        if m["typ"] or _OPENAI_MARKER in body:
            yield _Hit(OPENAI_API_KEY, m.start(), m.end(), 0.99)
        elif upper and lower and digit:
            yield _Hit(OPENAI_API_KEY, m.start(), m.end(), 0.95)


def _aws_key_ids(text: str) -> Iterator[_Hit]:
    for m in _AWS_KEY_ID.finditer(text):
        yield _Hit(AWS_ACCESS_KEY_ID, m.start(), m.end(), 0.95)


def _aws_secrets(text: str) -> Iterator[_Hit]:
    for m in _AWS_SECRET.finditer(text):
        value = m.group()
        upper, lower, _digit = _has_upper_lower_digit(value)
        if not (upper and lower) or _HEX.fullmatch(value):
            continue
        start, end = m.span()
        context = _AWS_CONTEXT.search(
            text, max(0, start - _AWS_CONTEXT_CHARS), start
        ) or _AWS_CONTEXT.search(text, end, end + _AWS_CONTEXT_CHARS)
        if context is not None and shannon_entropy(value) >= _AWS_SECRET_MIN_ENTROPY:
            yield _Hit(AWS_SECRET_ACCESS_KEY, start, end, 0.9)


def _github(text: str) -> Iterator[_Hit]:
    for m in _GITHUB.finditer(text):
        yield _Hit(GITHUB_TOKEN, m.start(), m.end(), 0.99)


def _slack(text: str) -> Iterator[_Hit]:
    for m in _SLACK_TOKEN.finditer(text):
        body = m["body"]
        if len(body) >= 15 and any(c.isdigit() for c in body):
            start = m.start()
            if text.endswith(_SLACK_ROTATING, 0, start):
                start -= len(_SLACK_ROTATING)
            yield _Hit(SLACK_TOKEN, start, m.end(), 0.97)
    for m in _SLACK_WEBHOOK.finditer(text):
        start = m.start()
        for scheme in _SLACK_WEBHOOK_SCHEMES:
            if text.endswith(scheme, 0, start):
                start -= len(scheme)
                break
        yield _Hit(SLACK_TOKEN, start, m.end(), 0.99)


def _google(text: str) -> Iterator[_Hit]:
    for m in _GOOGLE.finditer(text):
        yield _Hit(GOOGLE_API_KEY, m.start(), m.end(), 0.95)


def _stripe(text: str) -> Iterator[_Hit]:
    for m in _STRIPE.finditer(text):
        upper, lower, digit = _has_upper_lower_digit(m["body"])
        if not (digit or (upper and lower)):
            continue  # sk_test_abcdefghijklmnopqrstuvwx: a made-up name, not a key
        # A test-mode key moves no money; it still should not be published.
        yield _Hit(STRIPE_KEY, m.start(), m.end(), 0.99 if m["mode"] == "live" else 0.8)


def _jwt_header_has_alg(segment: str) -> bool:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        header = json.loads(raw)
    except (binascii.Error, ValueError):  # UnicodeDecodeError and JSONDecodeError too
        return False
    return isinstance(header, dict) and isinstance(header.get("alg"), str)


def _jwts(text: str) -> Iterator[_Hit]:
    for m in _JWT.finditer(text):
        if _jwt_header_has_alg("ey" + m["header"]):
            yield _Hit(JWT, m.start(), m.end(), 0.95)


def _private_keys(text: str) -> Iterator[_Hit]:
    pos = 0
    while (begin := _PEM_BEGIN.search(text, pos)) is not None:
        if not _PEM_OPENS.match(text, begin.end()):
            pos = begin.end()
            continue
        end = _PEM_END.search(text, begin.end())
        # No END line: the window (or the whole text) ends inside the block, or the key
        # was cut short. Either way nothing after BEGIN may be released.
        stop = end.end() if end is not None else len(text)
        yield _Hit(PRIVATE_KEY, begin.start(), stop, 1.0)
        pos = stop


def _connection_strings(text: str) -> Iterator[_Hit]:
    for m in _CONNECTION_STRING.finditer(text):
        password = m["pw"]
        if not _is_placeholder(password):
            yield _Hit(CONNECTION_STRING_PASSWORD, m.start("pw"), m.end("pw"), 0.9)


def _is_placeholder(value: str) -> bool:
    return value.casefold() in _PLACEHOLDER_VALUES or _TEMPLATE_VALUE.fullmatch(value) is not None


def _key_names_a_setting(text: str, start: int, end: int) -> bool:
    """Whether the key around text[start:end] names a password setting, not a password."""
    floor = max(0, start - _MAX_KEY_CHARS)
    while start > floor and text[start - 1] in _KEY_CHARS:
        start -= 1
    key = text[start:end].rstrip("\"'`* \t")
    return any(part.lower() in _SETTING_KEY_PARTS for part in _KEY_PARTS.findall(key))


def _reads_as_prose(text: str, value: str, end: int) -> bool:
    """Whether an unquoted value after "password:" is the start of a sentence.

    "password: at least 12 characters" is prose; "password: hunter2" or a value alone on
    its line is an assignment.
    """
    if _REST_OF_LINE_EMPTY.match(text, end):
        return False
    return len(value) < 4 or value.isalpha() or value.isdigit()


def _password_assignments(text: str) -> Iterator[_Hit]:
    for m in _PASSWORD.finditer(text):
        group = next(g for g in ("dq", "sq", "bq", "bare") if m[g] is not None)
        value = m[group]
        if not value.strip() or _is_placeholder(value.strip()):
            continue
        if _key_names_a_setting(text, m.start(), m.start("sep")):
            continue
        start, end = m.span(group)
        if group == "bare":
            if _CODE_VALUE.fullmatch(value):
                continue
            sep = m.start("sep")
            if m["sep"] != ":" and text[sep - 1] in " \t" and _LOWER_NAME.fullmatch(value):
                continue
            value = value.rstrip(_TRAILING_PUNCT)  # the end of the sentence, not the value
            end = start + len(value)
            if not value or _is_placeholder(value):
                continue
            if m["sep"] == ":" and (
                _TYPE_NAME.fullmatch(value) or _reads_as_prose(text, value, end)
            ):
                continue
        yield _Hit(PASSWORD_ASSIGNMENT, start, end, 0.85)


class _Detector(NamedTuple):
    kinds: frozenset[str]
    """The kinds it reports; it runs when any of them is wanted."""
    find: Callable[[str], Iterator[_Hit]]
    gate: tuple[str, ...] = ()
    """Substrings of the lower-cased text without which it cannot match. Patterns with no
    literal prefix (or a case-insensitive one) cost far more than a substring test."""


_DETECTORS: tuple[_Detector, ...] = (
    _Detector(frozenset((OPENAI_API_KEY, ANTHROPIC_API_KEY)), _prefixed),
    _Detector(frozenset((AWS_ACCESS_KEY_ID,)), _aws_key_ids),
    _Detector(frozenset((AWS_SECRET_ACCESS_KEY,)), _aws_secrets, ("aws", "secret")),
    _Detector(frozenset((GITHUB_TOKEN,)), _github),
    _Detector(frozenset((SLACK_TOKEN,)), _slack, ("xox", "hooks.slack.com")),
    _Detector(frozenset((GOOGLE_API_KEY,)), _google),
    _Detector(frozenset((STRIPE_KEY,)), _stripe, ("k_live_", "k_test_")),
    _Detector(frozenset((PRIVATE_KEY,)), _private_keys),
    _Detector(frozenset((JWT,)), _jwts),
    _Detector(frozenset((CONNECTION_STRING_PASSWORD,)), _connection_strings),
    _Detector(frozenset((PASSWORD_ASSIGNMENT,)), _password_assignments, ("passw", "passphrase")),
)


def _resolve_overlaps(hits: list[_Hit]) -> list[_Hit]:
    """Non-overlapping hits: the more specific kind wins, then the score, then the span."""
    ranked = sorted(hits, key=lambda h: (-_TIER[h.kind], -h.score, h.start - h.end, h.start))
    kept: list[_Hit] = []
    for hit in ranked:
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    kept.sort(key=lambda h: (h.start, h.end))
    return kept


def _open_quote(window: str, lowest: int) -> int | None:
    """Where a quoted value that is still open at the window's end begins, if one is: the
    last quote (double, single or backtick) that follows an `=` or `:` and is not closed
    after it. Quotes elsewhere in the text (27" monitor) do not count."""
    opened = None
    for quote in "\"'`":
        pos = window.rfind(quote, lowest)
        while pos >= 0:
            if window[:pos].rstrip().endswith(("=", ":")):
                if quote not in window[pos + 1 :]:
                    opened = pos if opened is None else min(opened, pos)
                break
            pos = window.rfind(quote, lowest, pos)
    return opened


class SecretsCheck(Check[SecretsOptions]):
    """Finds API keys, tokens, private keys and passwords (see the kinds in KINDS)."""

    name = "secrets"
    options_model = SecretsOptions
    streamable = True
    needs_full_text = False
    uses_offloader = False
    default_action = "redact"

    def __init__(self, options: SecretsOptions) -> None:
        super().__init__(options)
        self._kinds = frozenset(options.enabled_kinds)
        self._allowed = frozenset(options.allow_list)
        self._detectors = tuple(d for d in _DETECTORS if d.kinds & self._kinds)
        self._generic = (
            re.compile(
                rf"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{{{options.min_generic_length},}}"
                r"={0,3}(?![A-Za-z0-9+/_=-])"
            )
            if HIGH_ENTROPY_TOKEN in self._kinds
            else None
        )
        self._replacements = {
            kind: options.template.replace("{kind}", kind) for kind in options.enabled_kinds
        }

    @property
    def lookahead_chars(self) -> int:
        return _LOOKAHEAD_CHARS

    dynamic_hold = True

    def hold_from(self, window: str) -> int:
        """Most credentials are whitespace-free tokens: the trailing token is held (a key may
        be half-sent). Also held: a key block begun and not ended (from its BEGIN line), an
        armour line begun in the tail, and a quoted value not yet closed (passwords may hold
        spaces). An assignment's name needs no hold: it stays in the next window's left
        context.
        """
        lowest = max(0, len(window) - _LOOKAHEAD_CHARS)
        i = len(window)
        while i > lowest and not window[i - 1].isspace():
            i -= 1
        begin = window.rfind("-----BEGIN")
        if begin >= 0 and "-----END" not in window[begin:]:
            i = min(i, begin)
        armour = window.rfind("-----", lowest)
        if armour >= 0:
            i = min(i, armour)
        quote = _open_quote(window, lowest)
        return min(i, quote) if quote is not None else i

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        if not text:
            return CheckResult()
        lowered = text.lower()
        hits = [
            hit
            for detector in self._detectors
            if not detector.gate or any(g in lowered for g in detector.gate)
            for hit in detector.find(text)
            if hit.kind in self._kinds
        ]
        if self._generic is not None:
            hits.extend(self._generic_tokens(text, self._generic, hits))
        kept = _resolve_overlaps([h for h in hits if text[h.start : h.end] not in self._allowed])
        findings = tuple(
            Finding(
                check=self.name,
                category=hit.kind,
                start=hit.start,
                end=hit.end,
                score=hit.score,
                message=f"{hit.kind} detected",
                replacement=self._replacements[hit.kind],
            )
            for hit in kept
        )
        return CheckResult(findings=findings, score=max((f.score for f in findings), default=0.0))

    def _generic_tokens(
        self, text: str, pattern: re.Pattern[str], specific: list[_Hit]
    ) -> Iterator[_Hit]:
        threshold = self.options.min_entropy_bits_per_char
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < h.end and h.start < end for h in specific):
                continue  # a specific kind covers it and would win the overlap anyway
            token = m.group().rstrip("=")
            upper, lower, digit = _has_upper_lower_digit(token)
            if not (upper and lower and digit):
                continue  # one-case words, slugs, hex digests
            if (
                _UUID.fullmatch(token)
                or (len(token) in _HASH_HEX_LENGTHS and _HEX.fullmatch(token))
                or (token.startswith("0x") and _HEX.fullmatch(token, 2))
            ):
                continue  # an id, a digest, a hex literal (0xA9FB57DB...)
            if text.endswith("base64,", 0, start):
                continue  # an inline data: URI (an image), not a credential
            entropy = shannon_entropy(token)
            if entropy < threshold or _reads_as_words(token) or _is_sequence(token):
                continue
            lift = min(1.0, (entropy - threshold) / _GENERIC_SCORE_SPAN_BITS)
            score = _GENERIC_SCORE_LOW + (_GENERIC_SCORE_HIGH - _GENERIC_SCORE_LOW) * lift
            yield _Hit(HIGH_ENTROPY_TOKEN, start, end, round(score, 3))


__all__ = ["KINDS", "SecretsCheck", "SecretsOptions", "shannon_entropy"]
