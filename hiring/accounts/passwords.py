"""Password rules and hashing: argon2id, at least 8 characters, no truncation, no common ones."""

from __future__ import annotations

import gzip
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


def password_problems(password: str) -> list[str]:
    """What is wrong with a new password, in words for a form; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"use at most {MAX_LENGTH} characters")
    if password.lower() in COMMON:
        problems.append("this password is too common; choose another")
    return problems


def hash_password(password: str) -> str:
    """An argon2id hash of the whole password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; an empty or unknown hash still costs one hash (even timing)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
