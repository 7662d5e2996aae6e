"""Email addresses, as every input takes them: pydantic's `EmailStr` rules (the `email-validator`
library's), answered faster for the common case.

`email-validator` checks the domain of every address afresh (IDNA tables, reserved names), some
60 µs an address: a 100,000-member file spent 6 of its 29 seconds there, on the same one or two
domains. So an address made only of the plain ASCII characters of a dot-atom (`a.b+c@x.org`)
has its local part checked here by the RFC's grammar and its domain checked by the library once
(cached); anything else (quotes, non-ASCII, a display name, spaces, a refused domain) goes to
the library whole, so what is accepted, how it is normalised and what a refusal says are the
library's. A property test holds the two paths to the same answers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic.networks import validate_email

# RFC 5322's atext, in dot-atoms: what email-validator accepts unquoted in ASCII local parts.
_PLAIN = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>[A-Za-z0-9.-]+)"
)
# email-validator's limits on the local part and the whole address (RFC 5321).
LOCAL_MAX = 64
ADDRESS_MAX = 254


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    """The normalised form of an ASCII domain the library accepts, or None when it refuses it
    (the caller then asks the library about the whole address, for its own words)."""
    try:
        _, normalised = validate_email(f"a@{domain}")
    except ValueError:
        return None
    return normalised.split("@", 1)[1]


def normalise_email(value: str) -> str:
    """The address as `EmailStr` would give it, or pydantic's error for it (a ValueError)."""
    plain = _PLAIN.fullmatch(value)
    if plain is not None and len(plain["local"]) <= LOCAL_MAX and len(value) <= ADDRESS_MAX:
        domain = _domain(plain["domain"])
        if domain is not None:
            return f"{plain['local']}@{domain}"
    return validate_email(value)[1]


Email = Annotated[
    str,
    AfterValidator(normalise_email),
    WithJsonSchema({"type": "string", "format": "email"}),
]
