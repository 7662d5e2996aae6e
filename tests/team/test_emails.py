"""The fast path for email addresses answers exactly as pydantic's EmailStr does."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, EmailStr, ValidationError

from team.emails import Email


class _Library(BaseModel):
    email: EmailStr


class _Ours(BaseModel):
    email: Email


def _answer(model: type[BaseModel], value: str) -> tuple[str, str]:
    try:
        return ("ok", model(email=value).email)  # type: ignore[call-arg, attr-defined]
    except ValidationError as error:
        return ("refused", "; ".join(e["msg"] for e in error.errors()))


PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "0",
        ".",
        "..",
        "-",
        "_",
        "+",
        "'",
        "@",
        " ",
        "é",
        "\u00df",
        '"',
        "(",
        "x" * 30,
        "example",
        "com",
        "localhost",
        "test",
        "invalid",
        "local",
        "xn--bcher-kva",
        "123",
        "[1.2.3.4]",
        "Name <",
        ">",
        "\u202e",
        "\n",
        "ARPA",
        "onion",
        "co.uk",
    ]
)
texts = st.lists(PIECES, max_size=14).map("".join)


@settings(max_examples=500)
@given(st.one_of(st.emails(), texts, st.text(max_size=80)))
@example("person1@example.com")
@example("Person.One+x@Example.COM")
@example("a..b@example.com")
@example(".a@example.com")
@example("a@-example.com")
@example("a@example")
@example("a@localhost")
@example("a@x.test")
@example("a@123.456")
@example("a" * 64 + "@example.com")
@example("a" * 65 + "@example.com")
@example("a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 57 + ".com")
@example("a@" + "b" * 64 + ".com")
@example("Yuki <yuki@example.com>")
@example(" yuki@example.com")
def test_every_address_gets_the_libraries_answer(value: str) -> None:
    assert _answer(_Ours, value) == _answer(_Library, value)


def test_the_schema_is_the_libraries() -> None:
    ours = _Ours.model_json_schema()["properties"]["email"]
    assert ours == _Library.model_json_schema()["properties"]["email"]
    assert ours["format"] == "email"
