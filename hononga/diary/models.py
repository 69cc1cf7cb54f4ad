"""A private calendar feed of a user's diary: a token in the URL (only its hash kept), revocable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DiaryFeed(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live feed a user: making a new one revokes the old.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="diary_feed_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"Diary feed of {self.user_id}"
