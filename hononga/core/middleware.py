"""Request timing in the logs, and sliding sessions without a write on every request."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

timing_log = logging.getLogger("hononga.requests")

# A session's expiry is pushed forward at most this often (one write per user per interval,
# not one per request): a session then ends between SESSION_COOKIE_AGE minus this and
# SESSION_COOKIE_AGE after the last activity.
SESSION_REFRESH_SECONDS = 5 * 60
SEEN_KEY = "_hononga_seen"


class RequestTimingMiddleware:
    """Log each request's method, path, status and server time in milliseconds (first in the
    chain, so the time covers every other middleware). Paths carry record ids, never names."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        timing_log.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            elapsed,
            extra={"duration_ms": round(elapsed, 1), "status": response.status_code},
        )
        return response


class SlidingSessionMiddleware:
    """Keep an active user's session alive without saving it on every request.

    With SESSION_SAVE_EVERY_REQUEST every page wrote the session row (one UPDATE per request);
    here the session is marked changed, and so saved with a fresh expiry, only when it was last
    refreshed more than SESSION_REFRESH_SECONDS ago. After SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None:
            now = int(time.time())
            seen = session.get(SEEN_KEY)
            if not isinstance(seen, int) or now - seen >= SESSION_REFRESH_SECONDS:
                session[SEEN_KEY] = now
        return self.get_response(request)
