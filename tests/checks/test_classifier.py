"""The classifier check against a real mock model service on loopback."""

from __future__ import annotations

import asyncio
import json
import logging
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from pydantic import ValidationError
from pytest_aiohttp import AiohttpServer

from guardproxy.checks.base import Action, CheckContext, CheckResult
from guardproxy.checks.classifier import (
    ClassifierCheck,
    ClassifierOptions,
    parse_guard_reply,
    passthrough_name,
)
from guardproxy.errors import CheckError, CheckTimeout, ConfigError, PolicyError
from guardproxy.mock_moderation import (
    MODERATION_CONTROL,
    MODERATION_STATS,
    MockControl,
    ModerationStats,
    create_moderation_app,
)
from guardproxy.modelservice import ModelServiceError, ModelServiceTimeout
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from tests.helpers import make_registry

OUT = CheckContext(direction="output", request_id="req-cls", messages=("What do you think?",))
IN = CheckContext(direction="input", request_id="req-cls-in")
KEY_ENV = "GUARDPROXY_TEST_CLASSIFIER_KEY"
KEY = "sk-test-7f3a9c1e5b2d4a6f8e0c"


class NoOffloader:
    """The classifier never offloads; using this one is a bug."""

    async def run(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        raise AssertionError("the classifier must not use the offloader")


@pytest.fixture
async def service(aiohttp_server: AiohttpServer) -> TestServer:
    server: TestServer = await aiohttp_server(create_moderation_app())
    return server


def control(server: TestServer) -> MockControl:
    return server.app[MODERATION_CONTROL]


def stats(server: TestServer) -> ModerationStats:
    return server.app[MODERATION_STATS]


def base_url(server: TestServer) -> str:
    return str(server.make_url("/v1"))


def sent_json(server: TestServer, index: int = -1) -> Any:
    return json.loads(stats(server).requests[index].body)


MakeCheck = Callable[..., Awaitable[ClassifierCheck]]


@pytest.fixture
async def make_check(service: TestServer) -> AsyncIterator[MakeCheck]:
    started: list[ClassifierCheck] = []

    async def make(**options: Any) -> ClassifierCheck:
        values: dict[str, Any] = {
            "api": "openai_moderation",
            "base_url": base_url(service),
            "model": "omni-moderation-latest",
        }
        values.update(options)
        check = ClassifierCheck(ClassifierOptions.model_validate(values))
        await check.start(NoOffloader())
        started.append(check)
        return check

    yield make
    for check in started:
        await check.close()


def categories(result: CheckResult) -> dict[str, float]:
    return {f.category: f.score for f in result.findings}


# --- openai_moderation -------------------------------------------------------------------


async def test_moderation_maps_labels_onto_our_categories(
    make_check: MakeCheck, service: TestServer
) -> None:
    check = await make_check()
    result = await check.run("You idiot, I will hurt you.", OUT)
    assert categories(result) == {"harassment": 0.9, "threats": 0.9}
    assert result.score == 0.9
    assert all(
        f.start is None and f.end is None and f.check == "classifier" for f in result.findings
    )
    assert all(f.action is None for f in result.findings)
    assert sent_json(service) == {
        "model": "omni-moderation-latest",
        "input": "You idiot, I will hurt you.",
    }
    assert stats(service).requests[-1].path == "/v1/moderations"


async def test_clean_text_reports_its_score_without_findings(make_check: MakeCheck) -> None:
    check = await make_check()
    result = await check.run("The weather is pleasant today.", OUT)
    assert result.findings == ()
    assert result.score == 0.01


async def test_blank_text_is_not_sent(make_check: MakeCheck, service: TestServer) -> None:
    check = await make_check()
    assert await check.run("  \n", OUT) == CheckResult()
    assert stats(service).requests == []


@pytest.mark.parametrize(
    ("scores", "options", "expected"),
    [
        ({"hate": 0.7, "hate/threatening": 0.6}, {}, {"hate": 0.7, "threats": 0.6}),
        ({"self-harm/intent": 0.6, "self-harm": 0.8}, {}, {"self_harm": 0.8}),
        ({"sexual/minors": 0.9}, {}, {"sexual": 0.9}),
        ({"illicit/violent": 0.75}, {}, {"dangerous": 0.75}),
        ({"violence/graphic": 0.7}, {}, {"violence_graphic": 0.7}),
        ({"violence/graphic": 0.7}, {"unmapped": "ignore"}, {}),
        ({"violence": 0.8}, {"category_map": {"violence": "threats"}}, {"threats": 0.8}),
        ({"hate": 0.9, "harassment": 0.6}, {"category_map": {"hate": None}}, {"harassment": 0.6}),
        ({"new/label": 0.9}, {}, {"new_label": 0.9}),
    ],
)
async def test_moderation_category_mapping(
    make_check: MakeCheck,
    service: TestServer,
    scores: dict[str, float],
    options: dict[str, Any],
    expected: dict[str, float],
) -> None:
    control(service).scores = scores
    result = await (await make_check(**options)).run("some text", OUT)
    assert categories(result) == expected
    assert result.score == max(expected.values(), default=0.0)


async def test_thresholds_per_category(make_check: MakeCheck, service: TestServer) -> None:
    control(service).scores = {"harassment": 0.9, "hate": 0.4, "sexual": 0.2}
    check = await make_check(threshold=0.3, thresholds={"harassment": 0.95})
    result = await check.run("some text", OUT)
    assert categories(result) == {"hate": 0.4}
    assert result.score == 0.9  # the overall score is reported below thresholds too


async def test_per_category_actions(make_check: MakeCheck, service: TestServer) -> None:
    control(service).scores = {"harassment": 0.9, "sexual": 0.8, "hate": 0.7}
    check = await make_check(actions={"sexual": "annotate", "hate": "allow"})
    result = await check.run("some text", OUT)
    actions = {f.category: f.action for f in result.findings}
    assert actions == {"harassment": None, "sexual": Action.ANNOTATE, "hate": Action.ALLOW}
    assert [f.category for f in result.findings] == ["harassment", "sexual", "hate"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("this is not json", "not valid JSON"),
        ('{"id": "x"}', "no results"),
        ('{"results": []}', "no results"),
        ('{"results": [{"categories": {}}]}', "no category_scores"),
        ('{"results": [{"category_scores": {"hate": "high"}}]}', "not a number"),
        ('{"results": [{"category_scores": {"hate": 7}}]}', "not a number"),
    ],
)
async def test_bad_moderation_replies_raise(
    make_check: MakeCheck, service: TestServer, body: str, reason: str
) -> None:
    control(service).body = body
    check = await make_check()
    with pytest.raises(ModelServiceError, match=reason) as info:
        await check.run("a private sentence", OUT)
    assert isinstance(info.value, CheckError)
    assert "private" not in str(info.value)


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503])
async def test_http_errors_raise_with_the_status(
    make_check: MakeCheck, service: TestServer, status: int
) -> None:
    control(service).status = status
    check = await make_check()
    with pytest.raises(ModelServiceError) as info:
        await check.run("a private sentence", OUT)
    assert info.value.status == status
    assert str(info.value) == f"classifier: HTTP {status}"


async def test_unreachable_service_raises(unused_tcp_port: int) -> None:
    check = ClassifierCheck(
        ClassifierOptions(
            api="openai_moderation", base_url=f"http://127.0.0.1:{unused_tcp_port}/v1", model="m"
        )
    )
    await check.start(NoOffloader())
    try:
        with pytest.raises(ModelServiceError, match="unreachable"):
            await check.run("text", OUT)
    finally:
        await check.close()


async def test_run_before_start_raises() -> None:
    check = ClassifierCheck(
        ClassifierOptions(api="openai_moderation", base_url="http://127.0.0.1:9/v1", model="m")
    )
    with pytest.raises(ModelServiceError, match="not started"):
        await check.run("text", OUT)


async def test_text_over_the_limit_raises_without_a_request(
    make_check: MakeCheck, service: TestServer
) -> None:
    check = await make_check(max_text_chars=10)
    with pytest.raises(CheckError, match="max_text_chars=10"):
        await check.run("x" * 11, OUT)
    assert stats(service).requests == []


# --- chat_guard --------------------------------------------------------------------------


async def guard(make_check: MakeCheck, **options: Any) -> ClassifierCheck:
    return await make_check(api="chat_guard", model="llama-guard-3-8b", **options)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Those people are vermin.", {"hate": 1.0}),
        ("I will stab the guard.", {"dangerous": 1.0}),
        (
            "Where to buy counterfeit bills, and I want to hurt myself",
            {"dangerous": 1.0, "self_harm": 1.0},
        ),
        ("The weather is pleasant today.", {}),
    ],
)
async def test_guard_codes_map_onto_our_categories(
    make_check: MakeCheck, text: str, expected: dict[str, float]
) -> None:
    result = await (await guard(make_check)).run(text, IN)
    assert categories(result) == expected
    assert result.score == (1.0 if expected else 0.0)


@pytest.mark.parametrize(
    ("reply", "options", "expected"),
    [
        ("unsafe\nS5", {}, {"defamation"}),
        ("unsafe\nS6,S7", {}, {"specialized_advice", "privacy"}),
        ("unsafe\nS13, S14", {}, {"elections", "code_interpreter_abuse"}),
        ("unsafe\nS5,S10", {"unmapped": "ignore"}, {"hate"}),
        ("unsafe\nS5", {"category_map": {"s5": "harassment"}}, {"harassment"}),
        ("unsafe\nS1", {"category_map": {"S1": "threats"}}, {"threats"}),
        ("unsafe\nS10,S12", {"category_map": {"S12": None}}, {"hate"}),
        ("unsafe\nS99", {}, {"s99"}),
        ("unsafe", {}, {"unspecified"}),
        ("unsafe", {"unmapped": "ignore"}, {"unspecified"}),
        ("safe", {}, set()),
    ],
)
async def test_guard_code_overrides_and_pass_through(
    make_check: MakeCheck,
    service: TestServer,
    reply: str,
    options: dict[str, Any],
    expected: set[str],
) -> None:
    control(service).reply = reply
    result = await (await guard(make_check, **options)).run("some text", IN)
    assert set(categories(result)) == expected


async def test_guard_request_shape_on_output_and_input(
    make_check: MakeCheck, service: TestServer
) -> None:
    check = await guard(make_check)
    await check.run("The answer.", OUT)
    body = sent_json(service)
    assert stats(service).requests[-1].path == "/v1/chat/completions"
    assert body["model"] == "llama-guard-3-8b"
    assert body["temperature"] == 0 and body["stream"] is False
    assert body["messages"] == [
        {"role": "user", "content": "What do you think?"},
        {"role": "assistant", "content": "The answer."},
    ]
    await check.run("The question.", IN)
    assert sent_json(service)["messages"] == [{"role": "user", "content": "The question."}]


async def test_guard_without_prompt_and_with_system_prompt(
    make_check: MakeCheck, service: TestServer
) -> None:
    check = await guard(make_check, include_prompt=False, system_prompt="Classify safety.")
    await check.run("The answer.", OUT)
    assert sent_json(service)["messages"] == [
        {"role": "system", "content": "Classify safety."},
        {"role": "user", "content": "The answer."},
    ]


@pytest.mark.parametrize(
    ("reply", "codes"),
    [
        ("safe", ()),
        ("  Safe\n", ()),
        ("unsafe\nS1,S10", ("S1", "S10")),
        ("UNSAFE\nS1, S2\n", ("S1", "S2")),
        ("unsafe S3", ("S3",)),
        ("unsafe\ns4,S4", ("S4",)),
        ("unsafe\n", ("UNSPECIFIED",)),
    ],
)
def test_parse_guard_reply(reply: str, codes: tuple[str, ...]) -> None:
    assert parse_guard_reply("t", reply) == codes


@pytest.mark.parametrize("reply", ["", "maybe", "I cannot help with that.", "{}"])
def test_parse_guard_reply_rejects_other_replies(reply: str) -> None:
    with pytest.raises(ModelServiceError, match="neither 'safe' nor 'unsafe'"):
        parse_guard_reply("t", reply)


@pytest.mark.parametrize(
    "body",
    [
        '{"choices": []}',
        '{"choices": [{"message": {"content": null}}]}',
        '{"choices": [{"text": "safe"}]}',
        "[1, 2]",
    ],
)
async def test_bad_chat_replies_raise(
    make_check: MakeCheck, service: TestServer, body: str
) -> None:
    control(service).body = body
    with pytest.raises(ModelServiceError, match="unexpected response shape"):
        await (await guard(make_check)).run("text", IN)


def test_passthrough_names() -> None:
    assert passthrough_name("violence/graphic") == "violence_graphic"
    assert passthrough_name("Self-Harm / Intent") == "self_harm_intent"
    assert passthrough_name("///") == "unspecified"


# --- options -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"actions": {"hate": "redact"}}, "cannot be redacted"),
        ({"actions": {"hate": "explode"}}, "Input should be"),
        ({"thresholds": {"hate": 1.5}}, "must be in [0, 1]"),
        ({"category_map": {"hate": "Hate Speech"}}, "snake_case"),
        ({"api_key_env": "sk-live-abc123"}, "never the key itself"),
        ({"base_url": "ftp://host/v1"}, "http:// or https://"),
        ({"base_url": "http://user:pw@host/v1"}, "must not carry credentials"),
        ({"timeout_ms": 0}, "greater than or equal to 1"),
        ({"max_concurrency": 0}, "greater than or equal to 1"),
        ({"system_prompt": "x"}, "chat_guard only"),
        ({"api": "perspective"}, "Input should be"),
        ({"url": "http://x"}, "Extra inputs"),
    ],
)
def test_invalid_options(options: dict[str, Any], message: str) -> None:
    values = {"api": "openai_moderation", "base_url": "http://127.0.0.1:8000/v1", "model": "m"}
    with pytest.raises(ValidationError, match=message.replace("[", r"\[")):
        ClassifierOptions.model_validate(values | options)


def test_base_url_is_normalised() -> None:
    options = ClassifierOptions(api="chat_guard", base_url=" http://127.0.0.1:8000/v1/ ", model="m")
    assert options.base_url == "http://127.0.0.1:8000/v1"


# --- API key -----------------------------------------------------------------------------


async def test_api_key_is_read_from_env_sent_as_bearer_and_never_logged(
    make_check: MakeCheck,
    service: TestServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(KEY_ENV, KEY)
    check = await make_check(api_key_env=KEY_ENV)
    await check.run("You idiot, a confidential remark.", OUT)
    control(service).status = 500
    with pytest.raises(ModelServiceError):
        await check.run("You idiot, a confidential remark.", OUT)
    control(service).status = None
    control(service).delay_ms = 500
    check_fast = await make_check(api_key_env=KEY_ENV, timeout_ms=50)
    with pytest.raises(ModelServiceTimeout):
        await check_fast.run("You idiot, a confidential remark.", OUT)

    assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in stats(service).requests)
    assert "req-cls" in caplog.text  # the failures were logged, with the request id
    assert "500" in caplog.text
    assert KEY not in caplog.text
    assert "confidential" not in caplog.text


async def test_no_key_configured_sends_no_authorization(
    make_check: MakeCheck, service: TestServer
) -> None:
    await (await make_check()).run("text", OUT)
    assert "Authorization" not in stats(service).requests[-1].headers


async def test_missing_key_variable_fails_start(
    service: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    check = ClassifierCheck(
        ClassifierOptions(
            api="openai_moderation", base_url=base_url(service), model="m", api_key_env=KEY_ENV
        )
    )
    with pytest.raises(ConfigError, match=f"{KEY_ENV} \\(api_key_env\\) is not set"):
        await check.start(NoOffloader())
    await check.close()


# --- timeouts and concurrency ------------------------------------------------------------


async def test_service_timeout_is_enforced(make_check: MakeCheck, service: TestServer) -> None:
    control(service).delay_ms = 1000
    check = await make_check(timeout_ms=100)
    with pytest.raises(ModelServiceTimeout) as info:
        await check.run("text", OUT)
    assert info.value.phase == "response"
    assert isinstance(info.value, CheckTimeout)


async def test_concurrency_limit_is_honoured(make_check: MakeCheck, service: TestServer) -> None:
    control(service).delay_ms = 100
    check = await make_check(max_concurrency=2, timeout_ms=10_000)
    results = await asyncio.gather(*(check.run(f"text {i} idiot", OUT) for i in range(6)))
    assert all(categories(r) == {"harassment": 0.9} for r in results)
    assert len(stats(service).requests) == 6
    assert stats(service).max_in_flight == 2


async def test_waiting_for_a_slot_counts_against_the_timeout(
    make_check: MakeCheck, service: TestServer
) -> None:
    check = await make_check(max_concurrency=1, timeout_ms=100)
    gate = check._client._gate  # occupy the only slot, as a slow call would
    assert gate is not None
    async with gate:
        with pytest.raises(ModelServiceTimeout) as info:
            await check.run("text", OUT)
    assert info.value.phase == "queue"
    assert stats(service).requests == []


# --- through the pipeline ----------------------------------------------------------------


def policy_yaml(body: str, **values: Any) -> Policy:
    raw = textwrap.dedent(body).format(**values).encode()
    return PolicyLoader(make_registry()).load_bytes(raw, name="t")


@pytest.fixture
async def started() -> AsyncIterator[list[Policy]]:
    policies: list[Policy] = []
    yield policies
    for p in policies:
        await p.close()


async def load(started: list[Policy], body: str, **values: Any) -> Policy:
    p = policy_yaml(body, **values)
    await p.start(NoOffloader())
    started.append(p)
    return p


GUARD_POLICY = """
    messages: {{output_blocked: "Blocked."}}
    output:
      - use: classifier
        id: guard
        on_error: {on_error}
        timeout_ms: {entry_timeout}
        options:
          api: chat_guard
          base_url: {url}
          model: llama-guard-3-8b
          timeout_ms: {service_timeout}
          actions: {{sexual: annotate}}
"""


async def test_pipeline_blocks_and_annotates_per_category(
    service: TestServer, started: list[Policy]
) -> None:
    p = await load(
        started,
        GUARD_POLICY,
        on_error="fail_closed",
        entry_timeout=2000,
        service_timeout=1500,
        url=base_url(service),
    )
    v = await evaluate(p, p.output_checks, "Those people are vermin.", OUT)
    assert v.action is Action.BLOCK and v.text == "Blocked."
    assert v.scores == {"guard": 1.0}
    v = await evaluate(p, p.output_checks, "Some explicit sex scene.", OUT)
    assert v.action is Action.ANNOTATE
    assert [(a.finding.category, a.action) for a in v.findings] == [("sexual", Action.ANNOTATE)]
    v = await evaluate(p, p.output_checks, "A pleasant day.", OUT)
    assert v.action is Action.ALLOW and v.text == "A pleasant day."


@pytest.mark.parametrize(
    ("entry_timeout", "service_timeout", "error"),
    [(100, 5000, "timeout"), (5000, 100, "ModelServiceTimeout")],
)
async def test_timeout_fail_open_lets_the_text_through(
    service: TestServer, started: list[Policy], entry_timeout: int, service_timeout: int, error: str
) -> None:
    control(service).delay_ms = 1000
    p = await load(
        started,
        GUARD_POLICY,
        on_error="fail_open",
        entry_timeout=entry_timeout,
        service_timeout=service_timeout,
        url=base_url(service),
    )
    v = await evaluate(p, p.output_checks, "Those people are vermin.", OUT)
    assert v.action is Action.ALLOW
    assert v.text == "Those people are vermin."
    assert v.errors == {"guard": error}
    assert v.fail_open == ["guard"]


@pytest.mark.parametrize(
    ("entry_timeout", "service_timeout", "error"),
    [(100, 5000, "timeout"), (5000, 100, "ModelServiceTimeout")],
)
async def test_timeout_fail_closed_blocks(
    service: TestServer, started: list[Policy], entry_timeout: int, service_timeout: int, error: str
) -> None:
    control(service).delay_ms = 1000
    p = await load(
        started,
        GUARD_POLICY,
        on_error="fail_closed",
        entry_timeout=entry_timeout,
        service_timeout=service_timeout,
        url=base_url(service),
    )
    v = await evaluate(p, p.output_checks, "A pleasant day.", OUT)
    assert v.action is Action.BLOCK and v.text == "Blocked."
    assert v.errors == {"guard": error}
    assert [(a.finding.category, a.action) for a in v.findings] == [("check_error", Action.BLOCK)]


@pytest.mark.parametrize(
    ("on_error", "action"), [("fail_open", Action.ALLOW), ("fail_closed", Action.BLOCK)]
)
async def test_http_500_follows_on_error(
    service: TestServer, started: list[Policy], on_error: str, action: Action
) -> None:
    control(service).status = 500
    p = await load(
        started,
        GUARD_POLICY,
        on_error=on_error,
        entry_timeout=2000,
        service_timeout=1500,
        url=base_url(service),
    )
    v = await evaluate(p, p.output_checks, "A pleasant day.", OUT)
    assert v.action is action
    assert v.errors == {"guard": "ModelServiceError"}


def test_a_key_pasted_into_the_policy_is_not_echoed() -> None:
    with pytest.raises(PolicyError, match=r"options\.api_key_env: .*never the key itself") as info:
        policy_yaml(
            """
            output:
              - use: classifier
                options:
                  api: openai_moderation
                  base_url: http://127.0.0.1:8000/v1
                  model: omni-moderation-latest
                  api_key_env: sk-live-abc123
            """
        )
    assert "sk-live-abc123" not in str(info.value)


def test_policy_errors_name_the_option() -> None:
    with pytest.raises(PolicyError, match=r"output\[0\]\.options\.actions.*cannot be redacted"):
        policy_yaml(
            """
            output:
              - use: classifier
                options:
                  api: openai_moderation
                  base_url: http://127.0.0.1:8000/v1
                  model: omni-moderation-latest
                  actions: {{hate: redact}}
            """
        )
