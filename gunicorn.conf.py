"""Gunicorn's settings for serving the web app (docs/deploy.md):

    gunicorn -c gunicorn.conf.py

WEB_CONCURRENCY sets the number of worker processes (default 4) and WEB_BIND the address
(default 127.0.0.1:8000: behind a reverse proxy that terminates TLS); command-line options
such as `-w 8 -b 127.0.0.1:9000` override both. The app's own settings come from
RESIDENCY_* environment variables (web/__init__.py).
"""

import os

wsgi_app = "web.wsgi:app"
bind = [os.environ.get("WEB_BIND", "127.0.0.1:8000")]
# Sync workers: one request at a time each; the proxy in front buffers slow clients.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A program's case-log import (tens of thousands of rows) may take a while.
timeout = 120
# On SIGTERM, requests in progress get this long to finish before workers are stopped.
graceful_timeout = 30
# The access log (a line per request: client, time, request, status, bytes, milliseconds
# taken, the worker's process id in <>, user agent) and the error log go to standard output and
# error, which journald keeps under systemd.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms worker %(p)s "%(a)s"'
# Gunicorn 25's control socket defaults to one path per user account, which two servers on
# one host (web and a test run, say) would fight over; the app does not need it.
control_socket_disable = True
