"""Password hashing with Argon2id (argon2-cffi's RFC 9106 low-memory profile by default).

``PASSWORD_HASH_PROFILE=cheapest`` selects argon2-cffi's own profile for tests: the same
algorithm and code path with minimal cost, so a test suite that creates hundreds of users stays
fast. Production never sets it.
"""

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

PROFILES = {"default": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


@cache
def _hasher_and_dummy(profile: str) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher.from_parameters(PROFILES[profile])
    # Verifying against this when no account exists keeps unknown e-mails and wrong passwords alike
    # in timing.
    return hasher, hasher.hash("no-such-account-placeholder")


def _current() -> tuple[PasswordHasher, str]:
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "default") if has_app_context() else "default"
    return _hasher_and_dummy(profile)


def hash_password(password: str) -> str:
    return _current()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether ``password`` matches; spends the same time when there is no hash."""
    hasher, dummy = _current()
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _current()[0].check_needs_rehash(password_hash)
