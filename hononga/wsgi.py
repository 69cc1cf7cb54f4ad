import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
application = get_wsgi_application()

# The server does not start without the audit trail's key (gunicorn runs no system checks).
from hononga.audit.keys import keyring  # noqa: E402

keyring()

# Every view and the API are imported now, not by each worker's first request (about a second of
# CPU and a slow first page per worker): with `gunicorn --preload` once, in the master, before it
# forks the workers. No database connection is opened by this.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018

# What exists now (modules, settings, URL patterns, views: about 200,000 objects) lives as long
# as the process. Frozen, the garbage collector's full collections no longer walk it: one request
# in a hundred or so paid about 90 ms of CPU for walking it (the home page's p95 at national size
# was that collection), 7 ms now. With --preload this is done in the master before the fork, so
# the workers' collections never write to these shared pages either.
import gc  # noqa: E402

gc.collect()
gc.freeze()
