"""Password rules and hashing: argon2id, at least 8 characters, no truncation, no common ones."""

from __future__ import annotations

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

# The most common passwords of at least 8 characters from public breach lists; refusing them
# stops the guesses an attacker tries first (ASVS 5.0 6.2.4 asks for the top 3,000 eventually).
COMMON = frozenset(
    """
    password 12345678 123456789 1234567890 password1 password123 qwertyuiop qwerty123
    11111111 00000000 iloveyou1 abc12345 abcd1234 1q2w3e4r 1qaz2wsx qwer1234 sunshine1
    princess1 football1 baseball1 welcome1 welcome123 admin123 administrator letmein1
    passw0rd p@ssw0rd p@ssword 123123123 987654321 12341234 88888888 123qweasd
    zaq12wsx trustno1 superman1 starwars1 dragon123 monkey123 changeme changeme123
    qwertyui asdfghjk asdfghjkl zxcvbnm1 q1w2e3r4 q1w2e3r4t5 1234qwer 1q2w3e4r5t
    11223344 12121212 66666666 99999999 aaaaaaaa 1111111111 password! password12
    """.split()
)


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
