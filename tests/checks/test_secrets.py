"""The secrets check on fake credentials: every value here is random or made up."""

from __future__ import annotations

import base64
import json
import random
import string
import textwrap
from typing import Any

import pytest
from pydantic import ValidationError

from guardproxy.checks.base import Action, CheckContext, CheckResult
from guardproxy.checks.secrets import KINDS, SecretsCheck, SecretsOptions, shannon_entropy
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from guardproxy.streaming import StreamGuard
from tests.helpers import make_registry

B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
URLSAFE = B62 + "-_"
UPPER_DIGITS = string.ascii_uppercase + string.digits


def fake(alphabet: str, length: int, seed: str) -> str:
    """A reproducible random string; mixed case and a digit whenever the alphabet has them."""
    rng = random.Random(seed)
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(length))
        wanted = [set(cls) & set(alphabet) for cls in (string.ascii_uppercase, string.digits)]
        wanted.append(set(string.ascii_lowercase) & set(alphabet))
        if all(not cls or cls & set(value) for cls in wanted):
            return value


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def fake_jwt(seed: str) -> str:
    rng = random.Random(seed)
    header = json.dumps({"alg": "HS256", "typ": "JWT"}).encode()
    payload = json.dumps({"sub": str(rng.randrange(10**9)), "name": "Test User"}).encode()
    return ".".join((b64url(header), b64url(payload), b64url(rng.randbytes(32))))


def fake_pem(seed: str, label: str = "RSA PRIVATE KEY", newline: str = "\n") -> str:
    body = base64.b64encode(random.Random(seed).randbytes(900)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return newline.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


OPENAI_PROJECT = "sk-proj-" + fake(URLSAFE, 156, "openai-project")
OPENAI_LEGACY = "sk-" + fake(B62, 20, "openai-a") + "T3BlbkFJ" + fake(B62, 20, "openai-b")
OPENAI_PLAIN = "sk-" + fake(B62, 48, "openai-plain")
ANTHROPIC = "sk-ant-api03-" + fake(URLSAFE, 93, "anthropic") + "AA"
AWS_KEY_ID = "AKIA" + fake(UPPER_DIGITS, 16, "aws-id")
AWS_TEMP_KEY_ID = "ASIA" + fake(UPPER_DIGITS, 16, "aws-temp-id")
AWS_SECRET = fake(B64, 40, "aws-secret")
GITHUB_CLASSIC = "ghp_" + fake(B62, 36, "github-ghp")
GITHUB_APP = "ghs_" + fake(B62, 36, "github-ghs")
GITHUB_FINE = "github_pat_" + fake(B62, 22, "github-fine-a") + "_" + fake(B62, 59, "github-fine-b")
SLACK_BOT = "xoxb-2048193756-4096172839501-" + fake(B62, 24, "slack-bot")
SLACK_USER = "xoxp-2048193756-1234567890-9876543210-" + fake("0123456789abcdef", 32, "slack-u")
SLACK_ROTATING = "xoxe.xoxp-1-" + fake(B62, 40, "slack-rotating")
SLACK_HOOK = "https://hooks.slack.com/services/T0FAKE123/B0FAKE456/" + fake(B62, 24, "hook")
GOOGLE = "AIza" + fake(URLSAFE, 35, "google")
STRIPE_LIVE = "sk_live_" + fake(B62, 24, "stripe-live")
STRIPE_RESTRICTED = "rk_live_" + fake(B62, 99, "stripe-restricted")
STRIPE_TEST = "sk_test_" + fake(B62, 24, "stripe-test")
JWT_TOKEN = fake_jwt("jwt")
PEM_RSA = fake_pem("pem-rsa")
PEM_OPENSSH = fake_pem("pem-openssh", "OPENSSH PRIVATE KEY")
PEM_IN_JSON = fake_pem("pem-json", "PRIVATE KEY", newline="\\n")
GENERIC = fake(B64, 44, "generic")
GENERIC_URLSAFE = fake(URLSAFE, 40, "generic-urlsafe")


async def run_secrets(text: str, *, partial: bool = False, **options: Any) -> CheckResult:
    check = SecretsCheck(SecretsOptions.model_validate(options))
    ctx = CheckContext(direction="output", request_id="req-test", partial=partial)
    return await check.run(text, ctx)


def spans(text: str, result: CheckResult) -> list[tuple[str, str]]:
    found = []
    for finding in result.findings:
        assert finding.start is not None and finding.end is not None
        found.append((finding.category, text[finding.start : finding.end]))
    return found


@pytest.mark.parametrize(
    ("template", "kind", "value"),
    [
        ("Set OPENAI_API_KEY to {} in your shell.", "OPENAI_API_KEY", OPENAI_PROJECT),
        ("The old key {}. It was revoked.", "OPENAI_API_KEY", OPENAI_LEGACY),
        ("client = OpenAI(api_key='{}')", "OPENAI_API_KEY", OPENAI_PLAIN),
        ("export ANTHROPIC_API_KEY={}\n", "ANTHROPIC_API_KEY", ANTHROPIC),
        ("Access key id: {}, region us-east-1.", "AWS_ACCESS_KEY_ID", AWS_KEY_ID),
        ("Temporary credentials ({}) expire in an hour.", "AWS_ACCESS_KEY_ID", AWS_TEMP_KEY_ID),
        ("aws_secret_access_key = {}\n", "AWS_SECRET_ACCESS_KEY", AWS_SECRET),
        ("Use {} as the secret key for the bucket.", "AWS_SECRET_ACCESS_KEY", AWS_SECRET),
        ("git clone https://{}@github.com/acme/app.git", "GITHUB_TOKEN", GITHUB_CLASSIC),
        ("The app token is {}.", "GITHUB_TOKEN", GITHUB_APP),
        ("GH_TOKEN={} gh pr list", "GITHUB_TOKEN", GITHUB_FINE),
        ("Bot token: {} (keep it private)", "SLACK_TOKEN", SLACK_BOT),
        ("Legacy user token {} still works.", "SLACK_TOKEN", SLACK_USER),
        ("Post alerts to {}.", "SLACK_TOKEN", SLACK_HOOK),
        ("webhook: {}\n", "SLACK_TOKEN", SLACK_HOOK.removeprefix("https://")),
        ("Rotating token {} refreshes hourly.", "SLACK_TOKEN", SLACK_ROTATING),
        ("https://maps.googleapis.com/maps/api/js?key={}&v=3", "GOOGLE_API_KEY", GOOGLE),
        ('stripe.api_key = "{}"', "STRIPE_KEY", STRIPE_LIVE),
        ("Restricted key {} for the reporting job.", "STRIPE_KEY", STRIPE_RESTRICTED),
        ("In test mode use {}.", "STRIPE_KEY", STRIPE_TEST),
        ("Authorization: Bearer {}\n", "JWT", JWT_TOKEN),
        ("Here is the key:\n\n{}\n\nStore it safely.", "PRIVATE_KEY", PEM_RSA),
        ("```\n{}\n```", "PRIVATE_KEY", PEM_OPENSSH),
        ('{{"type": "service_account", "private_key": "{}\\n"}}', "PRIVATE_KEY", PEM_IN_JSON),
        (
            "DATABASE_URL=postgres://app:{}@db.internal:5432/orders",
            "CONNECTION_STRING_PASSWORD",
            "Zq7!vR2mWx",
        ),
        (
            "mongodb+srv://reporting:{}@cluster0.example.net/test",
            "CONNECTION_STRING_PASSWORD",
            "h4rd-2-Guess",
        ),
        ("Cache at redis://:{}@cache:6379/0.", "CONNECTION_STRING_PASSWORD", "hunter2"),
        ("Log in with password={} and change it.", "PASSWORD_ASSIGNMENT", "Hunter2!"),
        ('{{"user": "admin", "password": "{}"}}', "PASSWORD_ASSIGNMENT", "correct horse 42"),
        ("PASSWORD: {}\nUSER: admin", "PASSWORD_ASSIGNMENT", "Tr0ub4dor&3"),
        ("db_password = '{}'", "PASSWORD_ASSIGNMENT", "s3cr3t"),
        ("**Password:** {}\n", "PASSWORD_ASSIGNMENT", "winter2024"),
        ("The password: {}.", "PASSWORD_ASSIGNMENT", "kangaroo"),
        ("Use the token {} for the webhook.", "HIGH_ENTROPY_TOKEN", GENERIC),
        ("curl -H 'X-Api-Token: {}' https://api.example.com", "HIGH_ENTROPY_TOKEN", GENERIC),
        ("session_token={}&lang=en", "HIGH_ENTROPY_TOKEN", GENERIC_URLSAFE),
    ],
)
async def test_finds_each_kind_with_its_exact_span(template: str, kind: str, value: str) -> None:
    text = template.format(value)

    result = await run_secrets(text)

    assert spans(text, result) == [(kind, value)]
    [finding] = result.findings
    assert finding.check == "secrets"
    assert finding.message == f"{kind} detected"
    assert finding.replacement == f"<SECRET:{kind}>"
    assert result.score == finding.score


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        (ANTHROPIC, 0.95, 1.0),
        (OPENAI_PROJECT, 0.95, 1.0),
        (GITHUB_CLASSIC, 0.95, 1.0),
        (STRIPE_LIVE, 0.95, 1.0),
        (PEM_RSA, 0.95, 1.0),
        (JWT_TOKEN, 0.95, 1.0),
        (STRIPE_TEST, 0.7, 0.85),  # a test-mode key moves no money
        (GENERIC, 0.6, 0.8),
    ],
)
async def test_specific_formats_score_higher_than_generic_tokens(
    value: str, low: float, high: float
) -> None:
    result = await run_secrets(f"value: {value}\n")

    [finding] = result.findings
    assert low <= finding.score <= high


@pytest.mark.parametrize(
    "text",
    [
        "Request 550e8400-e29b-41d4-a716-446655440000 failed; retry with 6BA7B810-9DAD-11D1-80B4-00C04FD430C8.",
        "Fixed in commit 9fceb02d0ae598e95dc970b74767f19372d61af8 on main.",
        "sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        "The MD5 is d41d8cd98f00b204e9800998ecf8427e and the AWS region is us-east-1.",
        "AWS docs mention commit 9fceb02d0ae598e95dc970b74767f19372d61af8 as the secret fix.",
        "echo cGFzc3dvcmQ= | base64 -d prints password; aGVsbG8gd29ybGQ= is hello world.",
        "Antidisestablishmentarianism and internationalization-and-localization are long words.",
        "Call getUserAccountPreferencesByEmailAddress2 from ThisIsAVeryLongCamelCaseIdentifierName.",
        "Edit /home/user/projects/myproject2/src/components/Button and src/Resources/config/routing3.xml.",
        "Read https://example.com/docs/getting-started/installation?page=2#requirements first.",
        "Clone https://git@github.com/acme/app.git or open https://example.com:8443/a/b.",
        "Remember to change your password regularly and never share it.",
        "Choose a strong password: at least 12 characters, mixed case.",
        "The sk-ewed results came from the task-oriented sk-learn pipeline.",
        "Set password: <your password here> and password = ${DB_PASSWORD}.",
        "Connect to postgres://user:password@localhost:5432/app while developing.",
        "password_min_length = 12\npasswordPolicy: strict\nPASSWORD_FILE=/run/secrets/db",
        "password = os.environ['DB_PASSWORD']\npassword = getpass.getpass()\npwd = self.password",
        '{"password": null, "password_confirmation": ""}',
        "The file must start with `-----BEGIN OPENSSH PRIVATE KEY-----` on its own line.",
        "Stripe keys look like sk_test_ followed by letters; sk_test_abcdefghijklmnopqrstuvwx is not one.",
        "A JWT-shaped eyJmb28iOiJiYXIifQ.eyJhIjoxMjM0NTY3OH0.c2lnbmF0dXJl has no alg.",
        "Inline image: data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
        "AKIA is a prefix; AKIAEXAMPLE alone is too short.",
        "See https://github.com/python/cpython/blob/986a4e1b6fcae7fe7a1d0a26aea446107dd58dd2/Objects/genericaliasobject.c",
        "License: BSD-3-Clause-No-Nuclear-License-2014 applies.",
        'ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"',
        "group_order = 0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7",
        "class Login(BaseModel):\n    username: str\n    password: SecretStr\n",
        "username, password = auth\nclient.login(username, password)",
        "",
    ],
)
async def test_does_not_fire_on_ordinary_text(text: str) -> None:
    result = await run_secrets(text)

    assert spans(text, result) == []
    assert result.score == 0.0


async def test_random_tokens_are_found_by_the_generic_detector() -> None:
    rng = random.Random("generic-recall")
    tokens = ["".join(rng.choice(B64) for _ in range(40)) for _ in range(200)]
    text = "\n".join(f"token {i}: {token}" for i, token in enumerate(tokens))

    result = await run_secrets(text)

    assert spans(text, result) == [("HIGH_ENTROPY_TOKEN", token) for token in tokens]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a key inside a password assignment is reported as the key
        (f'password = "{OPENAI_PLAIN}"', [("OPENAI_API_KEY", OPENAI_PLAIN)]),
        # an OpenAI-looking prefix on an Anthropic key
        (f"key {ANTHROPIC}", [("ANTHROPIC_API_KEY", ANTHROPIC)]),
        # a JWT is one finding, not three high-entropy parts
        (f"token={JWT_TOKEN}", [("JWT", JWT_TOKEN)]),
        # the base64 lines of a key block are part of the block
        (f"key:\n{PEM_RSA}\n", [("PRIVATE_KEY", PEM_RSA)]),
        # a known AWS secret beats the generic detector on the same value
        (f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}", [("AWS_SECRET_ACCESS_KEY", AWS_SECRET)]),
        (
            f"{AWS_KEY_ID} / {GITHUB_CLASSIC} / {SLACK_BOT}",
            [
                ("AWS_ACCESS_KEY_ID", AWS_KEY_ID),
                ("GITHUB_TOKEN", GITHUB_CLASSIC),
                ("SLACK_TOKEN", SLACK_BOT),
            ],
        ),
    ],
)
async def test_overlaps_keep_the_more_specific_kind(
    text: str, expected: list[tuple[str, str]]
) -> None:
    result = await run_secrets(text)

    assert spans(text, result) == expected


async def test_unterminated_private_key_is_covered_through_the_end() -> None:
    cut = PEM_RSA[:500]
    text = f"Here is the key:\n{cut}"

    result = await run_secrets(text)

    assert spans(text, result) == [("PRIVATE_KEY", cut)]


async def test_window_ending_inside_a_key_block_reports_through_the_window_end() -> None:
    # While streaming, the END line has not arrived yet: the finding runs to the end of
    # the window so the guard holds everything from BEGIN onwards.
    window = f"Sure, here it is:\n\n{PEM_RSA[:300]}"

    result = await run_secrets(window, partial=True)

    [finding] = result.findings
    assert (finding.category, finding.start, finding.end) == (
        "PRIVATE_KEY",
        window.index("-----BEGIN"),
        len(window),
    )
    assert finding.replacement == "<SECRET:PRIVATE_KEY>"


def secrets_policy() -> Policy:
    registry = make_registry()
    if "secrets" not in registry.names:
        registry.register("secrets", SecretsCheck)
    body = """
        stream: {mode: incremental, holdback_chars: 256, min_window_chars: 16}
        output:
          - use: secrets
    """
    return PolicyLoader(registry).load_bytes(textwrap.dedent(body).encode(), name="secrets")


@pytest.mark.parametrize("chunk_size", [7, 64, 500])
async def test_streamed_key_block_is_never_released_in_part(chunk_size: int) -> None:
    before = "Here is the deploy key you asked for, as generated by ssh-keygen earlier today:\n\n"
    after = "\n\nAdd it to the agent with ssh-add and delete this message afterwards."
    text = before + PEM_OPENSSH + after
    guard = StreamGuard(
        secrets_policy(), lambda partial: CheckContext("output", "req-stream", partial=partial)
    )

    out = []
    for i in range(0, len(text), chunk_size):
        out.append((await guard.feed(text[i : i + chunk_size])).text)
    out.append((await guard.finish()).text)

    assert "".join(out) == before + "<SECRET:PRIVATE_KEY>" + after
    assert not any("-----BEGIN" in piece or "-----END" in piece for piece in out)
    assert guard.max_held >= len(PEM_OPENSSH)
    assert guard.verdict().action is Action.REDACT


@pytest.mark.parametrize("chunk_size", [1, 5, 13])
async def test_streamed_quoted_password_with_spaces_is_never_released_in_part(
    chunk_size: int,
) -> None:
    password = "correct horse battery staple and a long tail of words to remember"
    text = f'Use these settings: {{"user": "ops", "password": "{password}"}} and restart.'
    guard = StreamGuard(
        secrets_policy(), lambda partial: CheckContext("output", "req-stream", partial=partial)
    )
    out = []
    for i in range(0, len(text), chunk_size):
        out.append((await guard.feed(text[i : i + chunk_size])).text)
    out.append((await guard.finish()).text)
    delivered = "".join(out)
    assert "horse" not in delivered and "remember" not in delivered
    assert "<SECRET:PASSWORD_ASSIGNMENT>" in delivered


async def test_allow_list_values_are_never_flagged() -> None:
    text = f"Example key {STRIPE_TEST}, real key {STRIPE_LIVE}, password=Hunter2!"

    result = await run_secrets(text, allow_list=[STRIPE_TEST, "Hunter2!"])

    assert spans(text, result) == [("STRIPE_KEY", STRIPE_LIVE)]


async def test_allow_list_is_exact() -> None:
    text = f"key {STRIPE_LIVE}"

    result = await run_secrets(text, allow_list=[STRIPE_LIVE.upper(), STRIPE_LIVE[:-1]])

    assert spans(text, result) == [("STRIPE_KEY", STRIPE_LIVE)]


async def test_template_sets_the_replacement() -> None:
    text = f"key {GITHUB_CLASSIC}"

    result = await run_secrets(text, template="[{kind} removed]")

    [finding] = result.findings
    assert finding.replacement == "[GITHUB_TOKEN removed]"


async def test_message_and_replacement_never_hold_the_value() -> None:
    text = f"{OPENAI_PROJECT} {AWS_KEY_ID} {JWT_TOKEN} postgres://u:Zq7!vR2mWx@db/x {GENERIC}"

    result = await run_secrets(text)

    assert len(result.findings) == 5
    for finding in result.findings:
        assert finding.start is not None and finding.end is not None
        value = text[finding.start : finding.end]
        assert value not in finding.message
        assert value not in (finding.replacement or "")


async def test_only_configured_kinds_are_reported() -> None:
    text = f"{OPENAI_PLAIN} and {GITHUB_CLASSIC} and {GENERIC}"

    result = await run_secrets(text, kinds=["github_token"])

    assert spans(text, result) == [("GITHUB_TOKEN", GITHUB_CLASSIC)]


async def test_without_its_specific_kind_a_key_is_still_a_high_entropy_token() -> None:
    text = f"key {OPENAI_PLAIN}"

    result = await run_secrets(text, kinds=["HIGH_ENTROPY_TOKEN"])

    assert spans(text, result) == [("HIGH_ENTROPY_TOKEN", OPENAI_PLAIN)]


async def test_generic_false_turns_off_the_entropy_detector() -> None:
    text = f"token {GENERIC} and {GITHUB_CLASSIC}"

    result = await run_secrets(text, generic=False)

    assert spans(text, result) == [("GITHUB_TOKEN", GITHUB_CLASSIC)]


@pytest.mark.parametrize(
    ("options", "found"),
    [
        ({}, True),
        ({"min_entropy_bits_per_char": 5.9}, False),
        ({"min_generic_length": 48}, False),
    ],
)
async def test_generic_thresholds(options: dict[str, Any], found: bool) -> None:
    text = f"token {GENERIC}"

    result = await run_secrets(text, **options)

    assert spans(text, result) == ([("HIGH_ENTROPY_TOKEN", GENERIC)] if found else [])


def test_declares_streaming_capabilities() -> None:
    check = SecretsCheck(SecretsOptions())

    assert SecretsCheck.name == "secrets"
    assert SecretsCheck.options_model is SecretsOptions
    assert SecretsCheck.streamable
    assert not SecretsCheck.needs_full_text
    assert not SecretsCheck.uses_offloader
    assert SecretsCheck.default_action == "redact"
    # enough for a quoted password with spaces of about 80 characters; tokens need none
    assert check.lookahead_chars == 96


def test_default_options() -> None:
    options = SecretsOptions()

    assert options.kinds == KINDS
    assert options.enabled_kinds == KINDS
    assert (options.generic, options.min_entropy_bits_per_char) == (True, 3.5)
    assert (options.min_generic_length, options.template) == (32, "<SECRET:{kind}>")
    assert options.allow_list == ()
    assert all(field.description for field in SecretsOptions.model_fields.values())


def test_generic_false_drops_the_generic_kind() -> None:
    assert "HIGH_ENTROPY_TOKEN" not in SecretsOptions(generic=False).enabled_kinds


def test_kinds_are_normalised() -> None:
    options = SecretsOptions.model_validate({"kinds": [" jwt ", "JWT", "private_key"]})

    assert options.kinds == ("JWT", "PRIVATE_KEY")


def test_unknown_kind_error_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError) as excinfo:
        SecretsOptions.model_validate({"kinds": ["JWT", "PGP_SIGNATURE"]})

    [error] = excinfo.value.errors()
    assert error["loc"] == ("kinds",)
    assert "unknown secret kinds PGP_SIGNATURE" in error["msg"]
    assert "known kinds: OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS_ACCESS_KEY_ID" in error["msg"]


def test_generic_kind_with_generic_off_is_rejected() -> None:
    with pytest.raises(ValidationError, match="HIGH_ENTROPY_TOKEN but generic is false"):
        SecretsOptions.model_validate({"kinds": ["HIGH_ENTROPY_TOKEN"], "generic": False})


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"kinds": []}, "kinds"),
        ({"kinds": ["SSH_KEY"]}, "kinds"),
        ({"template": "<secret>"}, "template"),
        ({"allow_list": [" "]}, "allow_list"),
        ({"min_entropy_bits_per_char": 0}, "min_entropy_bits_per_char"),
        ({"min_entropy_bits_per_char": 7}, "min_entropy_bits_per_char"),
        ({"min_generic_length": 8}, "min_generic_length"),
        ({"entropy": 4}, "entropy"),
    ],
)
def test_invalid_options_are_rejected(options: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        SecretsOptions.model_validate(options)

    assert excinfo.value.errors()[0]["loc"][0] == field


def test_options_are_frozen() -> None:
    options = SecretsOptions()

    with pytest.raises(ValidationError):
        options.generic = False


@pytest.mark.parametrize(
    ("value", "bits"),
    [("", 0.0), ("aaaa", 0.0), ("abab", 1.0), ("abcd", 2.0), ("abcdefgh", 3.0)],
)
def test_shannon_entropy(value: str, bits: float) -> None:
    assert shannon_entropy(value) == pytest.approx(bits)
