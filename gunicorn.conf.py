"""gunicorn settings, read by `gunicorn -c gunicorn.conf.py wsgi:app` (see README).

The timeout comes from the same setting as the app's (config.py, REQUEST_TIMEOUT_SECONDS). Long
work runs as jobs outside the web workers (`flask --app wsgi jobs work`), so a request never needs
it. Command-line options (e.g. --workers, --bind) still override these.
"""

from config import request_timeout_seconds

timeout = request_timeout_seconds()
# A worker asked to stop (deploy, reload) may finish the request it is on for this long.
graceful_timeout = 30
