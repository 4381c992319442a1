"""A mail backend for the tests of what the sender does with each kind of SMTP reply."""

from __future__ import annotations


class ScriptedBackend:
    """A mail backend that raises ``ScriptedBackend.error`` for every message (a stand-in for the SMTP server's
    reply at login, MAIL FROM, RCPT or DATA)."""

    error: Exception | None = None
    sent: list = []

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        self.fail_silently = fail_silently

    def open(self):
        return None

    def close(self) -> None:
        return None

    def send_messages(self, messages):
        if ScriptedBackend.error is not None:
            raise ScriptedBackend.error
        ScriptedBackend.sent.extend(messages)
        return len(messages)
