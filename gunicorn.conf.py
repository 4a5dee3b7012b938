"""gunicorn's settings for studyapp, read from the working directory when gunicorn starts there.

A sync worker serves one request at a time, so a slow request takes a whole worker: the timeout kills a worker
stuck longer than GUNICORN_TIMEOUT seconds (the master starts a fresh one), and PostgreSQL's statement timeout
(DB_STATEMENT_TIMEOUT_MS in settings.py, shorter on purpose) ends a runaway query first, with a 503 page.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # on restart, finish requests in flight for this long
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow for weeks.
max_requests = 2000
max_requests_jitter = 200
# Header limits well under what a proxy accepts; bodies are limited by Django (DATA_UPLOAD_MAX_MEMORY_SIZE).
limit_request_line = 8190
limit_request_fields = 100
