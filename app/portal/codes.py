"""Link codes: random, easy to type, stored only as a keyed hash.

A code is 10 characters from a 31-character alphabet without look-alikes (no 0/O, 1/I/L),
so about 49.5 bits of randomness; it is printed in two groups of five ("K7M3Q-RW9TX"). The
stored hash is HMAC-SHA256 under the app's ``SECRET_KEY``, bound to the student, so a hash
is useless without the key and a code only ever matches its own student. (Changing
``SECRET_KEY`` therefore cancels every code that has not been used yet.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from flask import current_app

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
GROUP = 5
_SEPARATORS = str.maketrans("", "", " -‐‑‒–—―−_.")


def new_code() -> str:
    """A fresh code, undecorated (``K7M3QRW9TX``)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(typed: str) -> str:
    """What a person typed, as a code: upper case, without spaces or dashes (full-width too)."""
    return unicodedata.normalize("NFKC", typed or "").translate(_SEPARATORS).upper()


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(char in ALPHABET for char in code)


def grouped(code: str) -> str:
    """``K7M3QRW9TX`` → ``K7M3Q-RW9TX``, as printed on letters."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def digest(student_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"portal-link-code:{student_id}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
