"""Password hashing and rules: argon2id at RFC 9106 strength, no truncation, common ones refused."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from hiring.accounts.passwords import password_problems, verify_password


def test_production_hashes_are_argon2id_with_64_mib_and_three_passes():
    # The same constructor passwords.py uses when nothing lowers the cost (only tests do).
    stored = PasswordHasher().hash("a long enough passphrase")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(stored, "a long enough passphrase")


def test_long_passwords_are_not_truncated():
    stored = PasswordHasher().hash("x" * 200 + "a")
    assert verify_password(stored, "x" * 200 + "a")
    assert not verify_password(stored, "x" * 200 + "b")
    assert not verify_password(stored, "x" * 200)


def test_rules_name_the_problem():
    assert password_problems("short") == ["use at least 8 characters"]
    assert password_problems("password123") == ["this password is too common; choose another"]
    assert password_problems("a quiet harbour at dawn") == []


def test_an_unknown_or_empty_hash_never_verifies():
    assert not verify_password("", "anything at all")
    assert not verify_password("not-a-hash", "anything at all")


@pytest.mark.parametrize(
    "common", ["liverpool1", "Liverpool1", "michelle1", "trustno1", "zaq1xsw2"]
)
def test_thousands_of_breached_passwords_are_refused(common):
    assert "this password is too common; choose another" in password_problems(common)


def test_the_common_list_is_large():
    from hiring.accounts.passwords import COMMON

    assert len(COMMON) > 8000
    assert all(len(word) >= 8 for word in COMMON)
