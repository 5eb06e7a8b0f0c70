"""Sending e-mail, handed to the installation's mail server over SMTP (the MAIL_* settings)
by Flask-Mailman. Password resets use it; notifications can.

`configured()` says whether this installation sends e-mail at all. `send` hands a message
to the server at once and raises `MailError` when the server cannot be reached or refuses
it; `send_each` hands several over one connection and says which were not sent. Nothing
here touches the database: a failure to send never undoes or loses a change, and the caller
says in words what happened."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from flask import current_app
from flask_mailman import EmailMultiAlternatives

from .extensions import mailer


class MailError(RuntimeError):
    """A message that could not be handed to the mail server; says why (for the log and the
    administrator, not for the person who asked)."""


def configured() -> bool:
    """Whether this installation sends e-mail: a mail server and a sender are set."""
    config = current_app.config
    return bool(config.get("MAIL_SERVER")) and bool(config.get("MAIL_DEFAULT_SENDER"))


def send(to: str | Sequence[str], subject: str, text: str, html: str | None = None,
         reply_to: str | None = None) -> None:
    """Send one message now: plain `text`, with `html` as an alternative when given, from the
    installation's sender to `to` (one address or several, who see each other). Raises
    MailError when mail is not configured, or the server does not answer or refuses it."""
    recipients = [to] if isinstance(to, str) else list(to)
    message = EmailMultiAlternatives(subject, text, current_app.config["MAIL_DEFAULT_SENDER"],
                                     recipients, reply_to=[reply_to] if reply_to else None)
    if html is not None:
        message.attach_alternative(html, "text/html")
    with _connection() as connection:
        connection.send_messages([message])


def send_each(messages: Sequence[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Send several messages (address, subject, plain text), each to its one address, over
    one connection to the mail server: a publication that tells forty residents signs in
    to the server once, not forty times. A message the server refuses (an unknown address)
    does not stop the others. Returns (address, why) of each message not sent."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    failed: list[tuple[str, str]] = []
    pending = list(messages)
    try:
        with _connection() as connection:
            while pending:
                to, subject, text = pending[0]
                try:
                    connection.send_messages([EmailMultiAlternatives(subject, text, sender,
                                                                     [to])])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                    failed.append((to, f"the mail server refused it ({exc})"))
                pending.pop(0)
    except MailError as exc:     # the server could not be reached, or went away: the rest
        failed += [(to, str(exc)) for to, _, _ in pending]
    return failed


def check() -> None:
    """Connect to the mail server and leave, sending nothing: raises MailError as `send`
    would. A page that sends mail only for some answers calls it for the others, so that
    both take the same path to the server and look alike."""
    with _connection():
        pass


@contextmanager
def _connection() -> Iterator[Any]:
    """An open connection to the mail server, closed afterwards; every failure on the way
    (connecting, TLS, signing in, sending) as a MailError in words."""
    if not configured():
        raise MailError("this installation is not set up to send e-mail (MAIL_SERVER and "
                        "MAIL_DEFAULT_SENDER)")
    config = current_app.config
    try:
        # The settings are read now (not when the app was made), each as the type SMTP
        # needs: an environment variable of digits would otherwise arrive as a number.
        with mailer.get_connection(
                host=str(config["MAIL_SERVER"]), port=int(config["MAIL_PORT"]),
                username=str(config.get("MAIL_USERNAME") or ""),
                password=str(config.get("MAIL_PASSWORD") or ""),
                use_tls=bool(config["MAIL_USE_TLS"]), use_ssl=bool(config["MAIL_USE_SSL"]),
                timeout=float(config["MAIL_TIMEOUT"])) as connection:
            yield connection
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError("the mail server did not accept MAIL_USERNAME and MAIL_PASSWORD") \
            from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError("the mail server refused the address "
                        + ", ".join(exc.recipients)) from exc
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"the mail server refused the message ({exc.smtp_code})") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"the mail server at {config['MAIL_SERVER']}:{config['MAIL_PORT']} "
                        f"did not answer ({exc})") from exc
