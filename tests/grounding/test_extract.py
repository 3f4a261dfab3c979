"""Documents found in conversations: tool results, tagged, numbered and linked documents."""

from __future__ import annotations

import json
from typing import Any

import pytest

from guardproxy.checks.base import Source
from guardproxy.grounding.extract import sources_from_conversation


def triples(sources: tuple[Source, ...]) -> list[tuple[str, str | None, str | None, str]]:
    return [(s.id, s.title, s.url, s.text) for s in sources]


def test_openai_tool_results_json_and_text() -> None:
    messages = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is new in Python?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "web_search", "arguments": "{}"},
                },
                {
                    "id": "c2",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{}"},
                },
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "c1",
            "content": json.dumps(
                {
                    "results": [
                        {
                            "title": "What's New",
                            "url": "https://docs.python.org/3/whatsnew/",
                            "content": "Python 3.13 adds a JIT.",
                        },
                        {
                            "id": "r2",
                            "name": "PEP 703",
                            "link": "https://peps.python.org/pep-0703/",
                            "snippet": "Free threading.",
                        },
                    ]
                }
            ),
        },
        {"role": "tool", "tool_call_id": "c2", "content": "Sunny, 21 degrees in Tokyo."},
    ]
    assert triples(sources_from_conversation(messages)) == [
        ("doc-1", "What's New", "https://docs.python.org/3/whatsnew/", "Python 3.13 adds a JIT."),
        ("r2", "PEP 703", "https://peps.python.org/pep-0703/", "Free threading."),
        ("doc-3", "get_weather", None, "Sunny, 21 degrees in Tokyo."),
    ]


def test_openai_content_parts_in_tool_message() -> None:
    messages = [
        {
            "role": "tool",
            "tool_call_id": "x",
            "content": [
                {"type": "text", "text": "Part one."},
                {"type": "text", "text": "Part two."},
            ],
        },
    ]
    assert triples(sources_from_conversation(messages)) == [
        ("doc-1", None, None, "Part one.\n\nPart two.")
    ]


def test_anthropic_tool_results_string_list_and_errors() -> None:
    messages = [
        {"role": "user", "content": "Find me the tallest tower."},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "t1", "name": "search", "input": {}}],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "t1",
                    "content": "The Tokyo Skytree is 634 m tall.",
                },
                {
                    "type": "tool_result",
                    "tool_use_id": "t2",
                    "content": [
                        {
                            "type": "text",
                            "text": json.dumps(
                                [
                                    {
                                        "page_content": "Burj Khalifa is 828 m.",
                                        "metadata": {
                                            "source": "https://example.ae/burj",
                                            "title": "Burj",
                                        },
                                    }
                                ]
                            ),
                        },
                        {
                            "type": "search_result",
                            "source": "https://tower.example.org",
                            "title": "Towers",
                            "content": [{"type": "text", "text": "Tall towers list."}],
                        },
                    ],
                },
                {
                    "type": "tool_result",
                    "tool_use_id": "t3",
                    "content": "timeout",
                    "is_error": True,
                },
                {"type": "text", "text": "Which is taller?"},
            ],
        },
    ]
    assert triples(sources_from_conversation(messages)) == [
        ("doc-1", None, None, "The Tokyo Skytree is 634 m tall."),
        ("doc-2", "Burj", "https://example.ae/burj", "Burj Khalifa is 828 m."),
        ("doc-3", "Towers", "https://tower.example.org", "Tall towers list."),
    ]


def test_anthropic_document_blocks_and_system_blocks() -> None:
    system = [
        {
            "type": "text",
            "text": 'Answer from the documents.\n<doc id="hr-7" title="Leave policy">Staff get 20 days.</doc>',
        }
    ]
    messages = [
        {
            "role": "user",
            "content": [
                {
                    "type": "document",
                    "source": {
                        "type": "text",
                        "media_type": "text/plain",
                        "data": "Grass is green.",
                    },
                    "title": "Grass",
                },
                {
                    "type": "document",
                    "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBER"},
                },
                {"type": "text", "text": "What colour is grass?"},
            ],
        }
    ]
    assert triples(sources_from_conversation(messages, system=system)) == [
        ("hr-7", "Leave policy", None, "Staff get 20 days."),
        ("doc-2", "Grass", None, "Grass is green."),
    ]


def test_numbered_documents() -> None:
    text = (
        "Use these documents.\n\n"
        "[1] Eiffel Tower (https://en.wikipedia.org/wiki/Eiffel_Tower)\nThe tower is 330 m tall.\n"
        "[2] Mount Fuji\nFuji is 3,776 m high.\nURL: https://en.wikipedia.org/wiki/Mount_Fuji\n\n"
        "Question: which is taller?"
    )
    found = sources_from_conversation([{"role": "user", "content": text}])
    assert [(s.id, s.title, s.url) for s in found] == [
        ("doc-1", "Eiffel Tower", "https://en.wikipedia.org/wiki/Eiffel_Tower"),
        ("doc-2", "Mount Fuji", "https://en.wikipedia.org/wiki/Mount_Fuji"),
    ]
    assert found[0].text == "The tower is 330 m tall."
    assert "Question" not in found[1].text


def test_document_n_layout() -> None:
    text = "Document 1: Refunds\nRefunds take 5 days.\nDocument 2: Shipping\nShipping is free."
    found = sources_from_conversation([{"role": "system", "content": text}])
    assert [(s.title, s.text) for s in found] == [
        ("Refunds", "Refunds take 5 days."),
        ("Shipping", "Shipping is free."),
    ]


def test_doc_tags_with_attributes_and_children() -> None:
    text = (
        "<documents>\n"
        '<doc id=\'a1\' title="Q3 &amp; Q4" url="https://intra.example.co.jp/q3">Sales rose 4%.</doc>\n'
        '<document index="2"><source>https://news.example.org/item</source>'
        "<document_content>Costs fell.</document_content></document>\n"
        "<document><source>handbook.pdf</source><document_content>Be kind.</document_content></document>\n"
        "</documents>\nSummarise."
    )
    found = sources_from_conversation([{"role": "user", "content": text}])
    assert triples(found) == [
        ("a1", "Q3 & Q4", "https://intra.example.co.jp/q3", "Sales rose 4%."),
        ("doc-2", None, "https://news.example.org/item", "Costs fell."),
        ("doc-3", "handbook.pdf", None, "Be kind."),
    ]


def test_markdown_headings_with_links() -> None:
    text = (
        "## [Python re](https://docs.python.org/3/library/re.html)\nRegular expressions.\n\n"
        "### 2. [PEP 8](https://peps.python.org/pep-0008/)\nStyle guide.\n\n"
        "## Notes\nnot a source heading"
    )
    found = sources_from_conversation([{"role": "user", "content": text}])
    assert triples(found) == [
        ("doc-1", "Python re", "https://docs.python.org/3/library/re.html", "Regular expressions."),
        ("doc-2", "PEP 8", "https://peps.python.org/pep-0008/", "Style guide."),
    ]


@pytest.mark.parametrize(
    "system",
    [
        "You are a support bot.\n\nContext:\nOur shop opens at 9 am.\nReturns are free.",
        "参考資料\uff1a\nOur shop opens at 9 am.\nReturns are free.",
    ],
)
def test_system_prompt_context_block(system: str) -> None:
    found = sources_from_conversation(
        [{"role": "system", "content": system}, {"role": "user", "content": "When do you open?"}]
    )
    assert triples(found) == [("doc-1", None, None, "Our shop opens at 9 am.\nReturns are free.")]


def test_context_in_user_message_stops_at_the_question() -> None:
    text = "Context: The museum closes at 6 pm.\n\nQuestion: when does it close?"
    found = sources_from_conversation([{"role": "user", "content": text}])
    assert triples(found) == [("doc-1", None, None, "The museum closes at 6 pm.")]


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "user", "content": "What is the capital of France? Sources say Paris."}],
        [{"role": "user", "content": "Can you check [1] in my essay?"}],
        [
            {"role": "system", "content": "You are concise."},
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
        ],
        [{"role": "assistant", "content": "[1] Paris\nParis is the capital."}],
    ],
)
def test_questions_and_answers_are_not_sources(messages: list[Any]) -> None:
    assert sources_from_conversation(messages) == ()


def test_replayed_web_search_results_give_titles_and_urls() -> None:
    messages = [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me search."},
                {
                    "type": "web_search_tool_result",
                    "tool_use_id": "s",
                    "content": [
                        {
                            "type": "web_search_result",
                            "url": "https://www.jma.go.jp/",
                            "title": "JMA",
                            "encrypted_content": "xyz",
                        }
                    ],
                },
            ],
        }
    ]
    assert triples(sources_from_conversation(messages)) == [
        ("doc-1", "JMA", "https://www.jma.go.jp/", "JMA")
    ]


def test_repeated_ids_get_a_suffix() -> None:
    content = json.dumps([{"id": "a", "text": "One."}, {"id": "a", "text": "Two."}])
    found = sources_from_conversation([{"role": "tool", "tool_call_id": "x", "content": content}])
    assert [s.id for s in found] == ["a", "a-2"]


@pytest.mark.parametrize(
    ("messages", "system"),
    [
        (None, None),
        ("text", 42),
        ([None, 3, "x", {"role": "user", "content": {"odd": 1}}], [{"type": "image"}]),
        (
            [
                {"role": "tool", "content": None},
                {"role": "user", "content": [{"type": "tool_result", "content": 5}]},
            ],
            None,
        ),
        (
            [
                {
                    "role": "user",
                    "content": [
                        {"type": "document", "source": "nope"},
                        {"type": "search_result", "content": None},
                    ],
                }
            ],
            {"x": 1},
        ),
        ([{"role": "tool", "content": "{not json"}], None),
    ],
)
def test_odd_shapes_never_raise(messages: Any, system: Any) -> None:
    found = sources_from_conversation(messages, system)
    assert all(isinstance(s, Source) for s in found)
