"""The Flask extensions, created once and bound to an app in `create_app`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so migrations can alter them on every database (SQLite included).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
# The models' base class: `db.Model` (Flask-SQLAlchemy's, built from Base at run time), which
# a type checker cannot follow; for it, Base says the same.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
# Storage from RATELIMIT_STORAGE_URI: memory by default, Redis in production.
limiter = Limiter(key_func=get_remote_address)
# Outgoing e-mail (SMTP, the MAIL_* settings); `web.mail` is the one way to send.
mailer = Mail()
# Security headers (CSP with a nonce for our inline scripts, frame and type options,
# referrer policy); HTTPS and secure cookies when FORCE_HTTPS is set (behind TLS).
talisman = Talisman()
# Compression of the browser libraries (the charting bundle: 1.5 MB, about 0.5 MB sent).
# Pages are not compressed: a page holding a secret (a CSRF token) and text a visitor chose
# must not be compressed together (the BREACH attack), and pages are small.
compress = Compress()
COMPRESSED_TYPES = ["text/javascript", "image/svg+xml"]

# Plotly injects its own <style> elements and the templates size charts inline, so styles
# may be inline; scripts only from this site or carrying the page's nonce.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}
