"""The audit key K: kept outside the database, identified by a key id so that keys can rotate.

Where the keys come from (settings.AUDIT_KEYS, read from the environment; see docs/audit.md):

- `AUDIT_KEYS="k2026b=<base64>,k2026a=<base64>"` with `AUDIT_KEY_ID=k2026b` (the current key,
  used for new events; the others only verify older events), or
- `AUDIT_KEY_FILE=/etc/hononga/audit-keys.json` holding
  `{"current": "k2026b", "keys": {"k2026a": "<base64>", "k2026b": "<base64>"}}`.

Production refuses to start without one (settings.py). Development makes a key file under var/
the first time it is needed; tests use a fixed test key. The keys are never in the database and
never in a backup of it.
"""

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

MIN_KEY_BYTES = 32
KEY_ID_MAX = 32


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise UnknownKeyError(key_id) from None


class UnknownKeyError(KeyError):
    """An event names a key id this installation does not hold."""


def new_key() -> str:
    """A fresh random key, base64 (what `hononga audit keygen` prints)."""
    return base64.b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode()


def _decode(key_id: str, text: str, where: str) -> bytes:
    if not key_id or len(key_id) > KEY_ID_MAX or not key_id.replace("-", "").isalnum():
        raise ImproperlyConfigured(
            f"{where}: key id {key_id!r} must be 1–{KEY_ID_MAX} letters, digits or hyphens."
        )
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{where}: key {key_id!r} is not valid base64.") from None
    if len(key) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"{where}: key {key_id!r} is {len(key)} bytes; audit keys need at least "
            f"{MIN_KEY_BYTES} (make one with `hononga audit keygen`)."
        )
    return key


def parse_key_list(text: str, where: str = "AUDIT_KEYS") -> dict[str, bytes]:
    """`id=base64,id=base64` → {id: key}."""
    keys: dict[str, bytes] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        key_id, sep, value = item.strip().partition("=")
        if not sep:
            raise ImproperlyConfigured(f"{where}: write each key as id=base64, comma-separated.")
        keys[key_id.strip()] = _decode(key_id.strip(), value, where)
    return keys


def read_key_file(path: Path) -> Keyring:
    where = f"AUDIT_KEY_FILE {path}"
    try:
        raw = json.loads(path.read_text())
        current = str(raw["current"])
        items = dict(raw["keys"])
    except FileNotFoundError:
        raise ImproperlyConfigured(f"{where} does not exist.") from None
    except (ValueError, KeyError, TypeError):
        raise ImproperlyConfigured(
            f'{where} must be JSON: {{"current": "<id>", "keys": {{"<id>": "<base64>"}}}}.'
        ) from None
    keys = {str(k): _decode(str(k), str(v), where) for k, v in items.items()}
    if current not in keys:
        raise ImproperlyConfigured(f"{where}: the current key {current!r} is not among its keys.")
    return Keyring(current=current, keys=keys)


def write_key_file(path: Path, keyring_: Keyring) -> None:
    """Write a key file readable by its owner only (used for the development key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "current": keyring_.current,
        "keys": {k: base64.b64encode(v).decode() for k, v in keyring_.keys.items()},
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(body, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@cache
def keyring() -> Keyring:
    """The configured keys (read once per process)."""
    listed = getattr(settings, "AUDIT_KEYS", "")
    key_file = getattr(settings, "AUDIT_KEY_FILE", "")
    if listed:
        keys = parse_key_list(listed)
        current = getattr(settings, "AUDIT_KEY_ID", "") or next(iter(keys), "")
        if current not in keys:
            raise ImproperlyConfigured(f"AUDIT_KEY_ID {current!r} is not among AUDIT_KEYS.")
        return Keyring(current=current, keys=keys)
    if key_file:
        path = Path(key_file)
        if not path.exists() and getattr(settings, "AUDIT_KEY_FILE_CREATE", False):
            write_key_file(path, Keyring(current="dev", keys={"dev": base64.b64decode(new_key())}))
        return read_key_file(path)
    raise ImproperlyConfigured(
        "No audit key. Set AUDIT_KEYS (with AUDIT_KEY_ID) or AUDIT_KEY_FILE: the audit trail's "
        "key, kept outside the database (docs/audit.md; `hononga audit keygen`)."
    )


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("AUDIT_KEY"):
        keyring.cache_clear()
