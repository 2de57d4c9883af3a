"""The redactor: every spelling of a secret, whole or cut short, and nothing else."""

from __future__ import annotations

from cockpit.text.redact import REDACTED, Redactor

TOKEN = "eyJhbGciOiJIUzI1NiJ9.s3cr3t\n"


def test_every_spelling_of_a_secret_is_replaced() -> None:
    redact = Redactor([TOKEN, "Bearer " + TOKEN])
    assert redact("Illegal header value b'Bearer eyJhbGciOiJIUzI1NiJ9.s3cr3t\\n'") == (
        f"Illegal header value b'{REDACTED}'"
    )
    assert redact('{"auth": "eyJhbGciOiJIUzI1NiJ9.s3cr3t\\n"}') == f'{{"auth": "{REDACTED}"}}'
    assert redact("token=eyJhbGciOiJIUzI1NiJ9.s3cr3t&x=1") == f"token={REDACTED}&x=1"


def test_a_secret_cut_short_by_an_excerpt_is_replaced_too() -> None:
    redact = Redactor(["key-4f9a2c7d1e8b"])
    assert redact("sent key-4f9a2c…") == f"sent {REDACTED}…"
    assert redact("sent key-4f9a") == f"sent {REDACTED}"
    # The same beginning in the middle of other text is not the secret.
    assert redact("monkey-4f is here") == "monkey-4f is here"


def test_text_without_a_secret_is_returned_as_is() -> None:
    redact = Redactor(["key-4f9a2c7d1e8b"])
    text = "nothing to see here"
    assert redact(text) is text
    assert not Redactor([]) and Redactor([]).forms == []
    assert Redactor(["ab"]).forms == []  # too short to look for
