"""The audit trail's format (shared/DESIGN.md, "The audit trail's format"), as pure functions.

- An event's **content** is the fields in CONTENT_FIELDS. Its **canonical content** is that
  content as compact JSON with sorted keys, `at` in UTC ISO 8601 with microseconds, plus
  `"v": 1` (the format version).
- Its **digest** = HMAC-SHA256(K[key_id], canonical content), hex. Written with the event, in
  the change's own transaction.
- The sealer gives sealed events consecutive **seal** numbers 1, 2, 3 … and a
  **link** = HMAC-SHA256(K[key_id], previous link ‖ "|" ‖ seal ‖ "|" ‖ digest), hex, where the
  previous link of seal 1 is GENESIS_LINK. key_id is the event's own key id, so an event
  verifies under the key it was written with after the current key changes.

Nothing here touches the database; the data generator (hononga/synthetic) and the migration of
the old hash chain use these functions too (see docs/audit.md).
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from hononga.audit.keys import keyring

FORMAT_VERSION = 1
GENESIS_LINK = "0" * 64

# The fields an event's digest covers, in the model and in bulk-created rows alike.
CONTENT_FIELDS = (
    "at",
    "actor_id",
    "actor_username",
    "action",
    "target_type",
    "target_id",
    "whanau_id",
    "summary",
    "reason",
    "ip_address",
    "data",
)


def normalise_data(data: Any) -> dict[str, Any]:
    """The event's `data` as it will read back from the database (JSON round trip)."""
    value = json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))
    if not isinstance(value, dict):
        return {"value": value}
    return value


def canonical_content(content: dict[str, Any]) -> bytes:
    """The bytes a digest is computed over. `content` holds every name in CONTENT_FIELDS."""
    at = content["at"]
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise ValueError("Audit event times must be timezone-aware.")
        at = at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = {name: content[name] for name in CONTENT_FIELDS}
    payload["at"] = at
    payload["v"] = FORMAT_VERSION
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def hmac_hex(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def digest_for(content: dict[str, Any], key_id: str | None = None) -> tuple[str, str]:
    """(key_id, digest) of an event's content under `key_id` (default: the current key).

    For bulk writers (the data generator): build each row's content, call this, and store both
    values in the row's `key_id` and `digest`; leave `seal` and `link` empty for the sealer.
    `data` must already be normalised (normalise_data) so that it reads back identically.
    """
    ring = keyring()
    key_id = key_id or ring.current
    return key_id, hmac_hex(ring.key(key_id), canonical_content(content))


def link_for(key: bytes, previous_link: str, seal: int, digest: str) -> str:
    return hmac_hex(key, f"{previous_link}|{seal}|{digest}".encode())


def sign(key: bytes, payload: dict[str, Any]) -> str:
    """HMAC of a JSON document (checkpoints, redactions)."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac_hex(key, body.encode())


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def redaction_mac(
    key_id: str, *, event_id: int, digest: str, rule: str, redacted_at: datetime
) -> str:
    """`key_id:hmac` over what a redaction says: only the key holder can make one."""
    key = keyring().key(key_id)
    payload = {
        "event": event_id,
        "digest": digest,
        "rule": rule,
        "at": redacted_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    return f"{key_id}:{sign(key, payload)}"
