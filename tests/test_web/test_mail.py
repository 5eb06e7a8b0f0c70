"""`web.mail`, the one way the app sends e-mail, against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest
from smtp_inbox import SENDER, body, free_port, smtp_server

from web import mail


@pytest.fixture
def inbox():
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture
def app_settings(inbox):
    return inbox.settings()


def test_a_message_reaches_every_recipient_with_its_text_and_html(app, inbox):
    with app.app_context():
        assert mail.configured()
        mail.send(["ana@example.org", "bo.trent@example.org"], "Schedule published",
                  "Version 2 of the schedule is out.\n",
                  html="<p>Version <b>2</b> of the schedule is out.</p>",
                  reply_to="chief@example.org")
    assert inbox.recipients == [["ana@example.org", "bo.trent@example.org"]]
    message = inbox.messages[0]
    assert message["From"] == SENDER and message["Subject"] == "Schedule published"
    assert message["Reply-To"] == "chief@example.org"
    assert body(message).strip() == "Version 2 of the schedule is out."
    html = message.get_body(preferencelist=("html",))
    assert "<b>2</b>" in html.get_content()


def test_without_a_mail_server_nothing_is_sent_and_the_caller_is_told(app, inbox):
    app.config["MAIL_SERVER"] = ""
    with app.app_context():
        assert not mail.configured()
        with pytest.raises(mail.MailError, match="not set up to send e-mail"):
            mail.send("ana@example.org", "Hello", "text")
    assert inbox.messages == []


def test_a_mail_server_that_does_not_answer_is_named_in_the_error(app, inbox):
    port = free_port()
    app.config["MAIL_PORT"] = port
    with app.app_context(), pytest.raises(mail.MailError,
                                          match=f"127.0.0.1:{port} did not answer"):
        mail.send("ana@example.org", "Hello", "text")
