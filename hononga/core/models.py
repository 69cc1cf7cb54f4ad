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
