"""REDIS_URL puts the cache (the public-link rate limits) on Redis for every app host."""

import os
import subprocess
import sys


def _cache_backend(extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "hononga.settings", **extra_env})
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_redis_url_makes_the_cache_shared():
    backend = _cache_backend({"REDIS_URL": "redis://cache.internal:6379/2"})
    assert backend == "django.core.cache.backends.redis.RedisCache redis://cache.internal:6379/2"


def test_without_it_the_embedded_default_stays():
    assert _cache_backend({}).startswith("django.core.cache.backends.locmem.LocMemCache")
