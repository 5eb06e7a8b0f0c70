"""Security headers on every page (flask-talisman): a content security policy whose nonce the
page's own scripts carry, no framing by other sites, no type sniffing; session cookies that
scripts cannot read, sent only over HTTPS when the installation says it runs behind TLS."""

from __future__ import annotations

import re

from web_support import PASSWORD, program_id, sign_in

from web import create_app
from web.extensions import db


def test_pages_carry_a_policy_their_scripts_satisfy(app, client, make_user):
    make_user("pd@example.org", "Tiny IR", "program_director")
    sign_in(client, "pd@example.org")
    page = f"/programs/{program_id(app, 'Tiny IR')}/case-logs"
    response = client.get(page)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    scripts = re.findall(r"<script([^>]*)>", response.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert nonce not in client.get(page).headers["Content-Security-Policy"]   # new each time


def test_the_session_cookie_is_http_only_and_secure_behind_tls(app, client, make_user,
                                                                database_url):
    make_user("pd@example.org", "Tiny IR", "program_director")
    response = sign_in(client, "pd@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie

    behind_tls = create_app({"TESTING": True, "SECRET_KEY": "test secret",
                             "SQLALCHEMY_DATABASE_URI": database_url, "FORCE_HTTPS": True,
                             "WTF_CSRF_ENABLED": False})
    secure = behind_tls.test_client()
    assert secure.get("/healthz").status_code == 302     # to https://
    response = secure.post("/login", base_url="https://localhost",
                           data={"email": "pd@example.org", "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in secure.get("/healthz", base_url="https://localhost").headers[
        "Strict-Transport-Security"]
    with behind_tls.app_context():
        db.engine.dispose()            # its own pool: closed here, not by the collector
