from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A region of the country; teams and whānau belong to one."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")

    def __str__(self) -> str:
        return self.name


class CaseRecord(models.Model):
    """Base for case records: optimistic-locking version, timestamps and archiving.

    `version` goes up by one on every change; an edit that carries an older version is refused
    (see hononga.core.concurrency) so that nobody's work is overwritten silently.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Heartbeat(models.Model):
    """When a background process (the task worker, the audit sealer, a scheduled job) last ran.

    The health endpoint reads these to tell a load balancer or an operator that background work
    is alive; `beat(name)` in hononga.core.heartbeat writes them.
    """

    name = models.CharField(max_length=60, primary_key=True)
    at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
