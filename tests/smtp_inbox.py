"""A real SMTP server for the tests: aiosmtpd's Controller on 127.0.0.1 at a free port,
keeping every message it receives, parsed, for the test to read."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller

SENDER = "Residency <residency@example.org>"


def free_port() -> int:
    """A local port nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the server received, oldest first; `port` is where it listens."""

    def __init__(self) -> None:
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.connections: list[object] = []    # the client's address and port, per message
        self.refused: set[str] = set()         # addresses the server says it does not know

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        self.connections.append(session.peer)
        return "250 Message accepted for delivery"

    def settings(self) -> dict:
        """The app's mail settings to send here."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port,
                "MAIL_DEFAULT_SENDER": SENDER}

    def only_message_to(self, address: str) -> EmailMessage:
        """The one message received, checked to be for `address` alone."""
        assert len(self.messages) == 1, [m["Subject"] for m in self.messages]
        assert self.recipients[0] == [address]
        return self.messages[0]


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def link_in(message: EmailMessage) -> str:
    """The one web address in the message's text."""
    links = re.findall(r"https?://\S+", body(message))
    assert len(links) == 1, links
    return links[0]


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    """A running SMTP server and its inbox, stopped afterwards."""
    inbox = Inbox()
    for _attempt in range(5):
        inbox.port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
        try:
            controller.start()
        except OSError:      # another process took the port in between: another one
            continue
        break
    else:
        raise RuntimeError("no free port for the test SMTP server")
    try:
        yield inbox
    finally:
        controller.stop()
