"""Heartbeats of background work: who last ran when (read by the health endpoint)."""

from datetime import datetime, timedelta

from django.utils import timezone

from hononga.core.models import Heartbeat


def beat(name: str, detail: str = "") -> None:
    """Record that `name` ran just now (one small upsert; safe to call from any process)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "detail": detail[:200]}
    )


def last_beat(name: str) -> datetime | None:
    return Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()


def is_alive(name: str, within: timedelta) -> bool:
    at = last_beat(name)
    return at is not None and timezone.now() - at <= within
