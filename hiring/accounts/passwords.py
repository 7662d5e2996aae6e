"""Password rules and hashing: argon2id, at least 8 characters, no truncation, no common ones,
nothing built from the user's own name or email or from this service's name."""

from __future__ import annotations

import gzip
import re
import secrets
import unicodedata
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, used to keep timing even")


def set_cost(*, time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Change the argon2id cost for new hashes; only the test suite lowers it, to stay fast.

    Verification reads the parameters from each stored hash, so hashes of any cost still verify.
    """
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _DUMMY_HASH = _hasher.hash("not a real password, used to keep timing even")


MIN_LENGTH = 8
MAX_LENGTH = 1024  # argon2 hashes any length; the cap only stops request-sized inputs


def _common_passwords() -> frozenset[str]:
    """The 8,354 most common passwords of at least 8 characters, lowercased (data/README.md).

    Read once at import: a set lookup per password check, about 0.5 MB of memory.
    """
    data = files("hiring.accounts").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").splitlines())


# Refusing them stops the guesses an attacker tries first (ASVS 5.0, 6.2.4: the top 3,000 at
# least).
COMMON = _common_passwords()


# ASVS 5.0, 6.2.11: words an attacker guesses first for *this* service, besides the user's own.
# Compared after `_letters` (so "Team-Gaps", "hiring gap" and "HiringGaps" all match); the
# singular stems also catch the plurals.
PRODUCT_WORDS = ("teamgap", "hiringgap")
# Parts of a name or email shorter than this are only refused as the whole password: refusing
# every password *containing* "al" or "bob" would refuse half the good passphrases.
MIN_CONTEXT_WORD = 4
# The usual character swaps, so that "H1ring-G4p" is seen as "hiringgap" too.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_WORDS = re.compile(r"[^\W_]+")
CONTEXT_PROBLEM = "do not use your name, your email address or the name of this service in it"


def _letters(text: str) -> str:
    """`text` casefolded and compatibility-normalised, with everything but letters and digits
    dropped: spaces and punctuation do not make a guessable password any harder to guess."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def context_words(*, email: str = "", name: str = "") -> frozenset[str]:
    """The words a password may not be or contain: the product's names, the user's email, its
    local part and the parts of both, the user's name and its parts (each as `_letters`)."""
    local = email.split("@", 1)[0]
    candidates = [email, local, name, *_WORDS.findall(local), *_WORDS.findall(name)]
    words = {_letters(word) for word in candidates}
    return frozenset(PRODUCT_WORDS) | {word for word in words if word}


def _uses_context(password: str, words: frozenset[str]) -> bool:
    """Whether the password is, or contains, one of `words`, before or after undoing the usual
    character swaps (short words only count when they are the whole password)."""
    plain = _letters(password)
    swapped = _letters(unicodedata.normalize("NFKC", password).casefold().translate(_LEET))
    for word in words:
        if plain == word or swapped == word:
            return True
        if len(word) >= MIN_CONTEXT_WORD and (word in plain or word in swapped):
            return True
    return False


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, in words for a form; empty when it is acceptable.

    `email` and `name` are the user's, whose password this is to be: every place that sets a
    password passes them, so that one rule refuses "grace.hopper1" for Grace Hopper everywhere.
    """
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"use at most {MAX_LENGTH} characters")
    if password.lower() in COMMON:
        problems.append("this password is too common; choose another")
    elif _uses_context(password, context_words(email=email, name=name)):
        problems.append(CONTEXT_PROBLEM)
    return problems


def generate_password(email: str, name: str) -> str:
    """A strong password (about 120 random bits) for an admin to pass on once.

    Drawn again in the rare case that it happens to hold the user's name or email, so that a
    generated password never fails the rules a chosen one must meet.
    """
    while True:
        password = secrets.token_urlsafe(15)
        if not password_problems(password, email=email, name=name):
            return password


def hash_password(password: str) -> str:
    """An argon2id hash of the whole password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; an empty or unknown hash still costs one hash (even timing)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
