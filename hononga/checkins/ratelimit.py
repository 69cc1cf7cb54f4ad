"""A fixed-window rate limit on Django's cache, for the public one-time-link pages and endpoint.

Why not a library: django-ratelimit (well kept) does the same on the same cache, but a counter
per key and window is a dozen lines and adds no dependency. Like django-ratelimit, the limit is
only as shared as the cache: with the default per-process memory cache each server process
counts on its own, so the effective limit is the limit × processes — still far too few tries
to guess a 256-bit token, which is the point. Configure a shared cache (Redis, database) to make
it exact.
"""

import time

from django.core.cache import cache
from django.http import HttpRequest

# Per client address. A household sharing one address answers a handful of links at most.
PUBLIC_POSTS_PER_WINDOW = 10
PUBLIC_VIEWS_PER_WINDOW = 60
WINDOW_SECONDS = 10 * 60


def client_key(request: HttpRequest) -> str:
    # REMOTE_ADDR is set correctly by the deployment behind its proxy (see README); a client's
    # own X-Forwarded-For is never trusted.
    return request.META.get("REMOTE_ADDR") or "unknown"


def allow(scope: str, key: str, limit: int, window: int = WINDOW_SECONDS) -> bool:
    """Count one hit; False once more than `limit` hits fall in the current window."""
    bucket = f"checkins:rl:{scope}:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window + 1)
        return True
    return count <= limit


def allow_public_post(request: HttpRequest) -> bool:
    return allow("post", client_key(request), PUBLIC_POSTS_PER_WINDOW)


def allow_public_view(request: HttpRequest) -> bool:
    return allow("view", client_key(request), PUBLIC_VIEWS_PER_WINDOW)
