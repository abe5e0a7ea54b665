"""Test doubles used through settings (email backends)."""

import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("The mail server refused the connection")


class SlowFileBackend(FileBackend):
    """Writes each message to its own file, slowly, so a test can kill a worker mid-sweep."""

    def send_messages(self, email_messages):
        for message in email_messages:
            time.sleep(0.01)
            name = message.extra_headers.get("Message-ID", "x").strip("<>").replace("@", "_")
            path = Path(self.file_path) / f"{name}-{time.monotonic_ns()}.eml"
            path.write_bytes(message.message().as_bytes())
        return len(email_messages)


class UnreachableEmailBackend(BaseEmailBackend):
    """A mail server that cannot be reached at all."""

    def open(self):
        raise ConnectionRefusedError("The mail server refused the connection")

    def send_messages(self, email_messages):
        self.open()
