"""Privacy by design: hundreds of generated personal values go through the proxy in both
directions; none appears in the audit log, while an auditor with the key can still confirm
that a given value was redacted at a given place."""

from __future__ import annotations

import json
import random

import aiohttp

from guardproxy.audit.record import keyed_digest
from tests.conftest import Proxy

FIRST = [
    "Olivia",
    "Mateo",
    "Hannah",
    "Kenji",
    "Amara",
    "Lukas",
    "Priya",
    "Diego",
    "Ingrid",
    "Tomasz",
]
LAST = ["Fernandes", "Okafor", "Lindqvist", "Nakamura", "Brennan", "Kowalski", "Haddad", "Moreau"]


def luhn_card(rng: random.Random) -> str:
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    digits.append((10 - total % 10) % 10)
    s = "".join(map(str, digits))
    return " ".join(s[i : i + 4] for i in range(0, 16, 4))


def corpus(n: int, seed: int = 7) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{last.lower()}{rng.randrange(100, 999)}@example.org"
        phone = (
            f"+1 {rng.randrange(201, 989)}-{rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}"
        )
        card = luhn_card(rng)
        text = (
            f"Please contact {first} {last} at {email} or {phone}; "
            f"the card on file ends the same way as {card}."
        )
        out.append((text, [email, phone, card]))
    return out


async def test_no_raw_value_reaches_the_audit_log(proxy: Proxy) -> None:
    items = corpus(120)
    async with aiohttp.ClientSession() as s:
        for i, (text, _) in enumerate(items):
            policy = ("default", "monitor", "strict")[i % 3]
            async with s.post(
                proxy.server.make_url("/v1/chat/completions"),
                json={
                    "model": "m",
                    "stream": i % 2 == 0,
                    "messages": [{"role": "user", "content": text}],
                },
                headers={"x-mock-reply": text, "X-Guard-Policy": policy},
            ) as r:
                assert r.status == 200
                await r.read()
    log = "".join(p.read_text() for p in proxy.audit_dir.glob("audit-*"))
    assert log.count("\n") >= len(items)
    for _, values in items:
        for value in values:
            assert value not in log
            assert value.replace(" ", "") not in log
            assert value.split("@")[0] not in log


async def test_an_auditor_with_the_key_can_confirm_a_redaction(proxy: Proxy) -> None:
    text, (email, _, _) = corpus(1, seed=11)[0]
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.server.make_url("/guard/analyze"), json={"text": text}) as r,
    ):
        decision_id = (await r.json())["decision_id"]
    record = await proxy.runtime.audit.get(decision_id)
    assert record is not None
    expected = keyed_digest(proxy.runtime.hmac_key, email)
    hits = [f for f in record["choices"][0]["findings"] if f.get("value_hmac") == expected]
    assert len(hits) == 1 and hits[0]["category"] == "EMAIL_ADDRESS"
    assert text[hits[0]["start"] : hits[0]["end"]] == email
    assert email not in json.dumps(record)
