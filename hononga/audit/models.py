from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hononga.audit.chain import CONTENT_FIELDS


class Action(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    ARCHIVE = "archive", _("archived")
    EXPORT = "export", _("exported")
    BREAK_GLASS = "break_glass", _("broke glass")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed to log in")
    LOGOUT = "logout", _("logged out")
    TOKEN = "token", _("managed a token")
    SETTINGS = "settings", _("changed settings")


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    """Who viewed, changed, exported or broke glass on what, when and why.

    Append-only: rows are never updated or deleted by the app, the admin or the API. Each row
    carries an HMAC of its content under a key kept outside the database; the sealer chains the
    rows in seal order and writes signed checkpoints outside the database, so `hononga audit
    verify` finds any alteration, removal or wipe (docs/audit.md).
    Plain ids instead of foreign keys, so that nothing about a target can cascade into the trail.
    """

    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    # The whānau the event concerns, for "everything that happened to this whānau" and for
    # supervisors' views of their teams' whānau.
    whanau_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The format (hononga/audit/chain.py, docs/audit.md): digest = HMAC(K[key_id], content),
    # written with the event; seal and link are set afterwards by the sealer, never by writers.
    key_id = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    seal = models.BigIntegerField(null=True, blank=True, unique=True)
    link = models.CharField(max_length=64, blank=True)
    # Retention (redact()): the personal content is gone, the digest stays; which rule and when,
    # signed with K so that nobody without the key can pass an alteration off as a redaction.
    redacted_at = models.DateTimeField(null=True, blank=True)
    redaction_rule = models.CharField(max_length=100, blank=True)
    redaction_mac = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The audit page's filters: by whānau, by actor, by action, newest first.
            models.Index(fields=["whanau_id", "-id"], name="audit_whanau_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # The sealer's work list: only the few events not yet sealed.
            models.Index(
                fields=["id"], condition=models.Q(seal__isnull=True), name="audit_unsealed_idx"
            ),
        ]

    def __str__(self) -> str:
        # Without the summary: the string shows up in admin titles and logs, where words about
        # a case must not (hononga.audit.redaction).
        target = f" {self.target_type} {self.target_id}".rstrip() if self.target_type else ""
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}{target}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def content(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    @property
    def sealed(self) -> bool:
        return self.seal is not None
