import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hononga.core.models import Region


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    FACILITATOR = "facilitator", _("Facilitator")
    SUPERVISOR = "supervisor", _("Supervisor")
    PRACTICE_LEAD = "practice_lead", _("Practice lead")
    ADMIN = "admin", _("Administrator")


class Team(models.Model):
    """A site or team of practitioners."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="teams", verbose_name=_("region")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff login. One role; belongs to teams."""

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PRACTITIONER
    )
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=100,
        blank=True,
        help_text=_("What whānau call you; shown on check-in forms."),
    )
    # The language they chose with the switcher (saved by accounts.views.set_language_view):
    # their emails and notifications come in it, and it is theirs again at their next login.
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("en", "English"), ("mi", "Te reo Māori")],
        default="en",
        # Also in the database: rows written without the field (older code during a deploy,
        # migration tests at earlier states) get English.
        db_default="en",
    )
    teams = models.ManyToManyField(
        Team, blank=True, related_name="members", verbose_name=_("teams")
    )
    # A practice lead's regions: aggregate figures only, never case content (hononga.measures).
    # None ticked: they lead the whole agency.
    lead_regions = models.ManyToManyField(
        Region, blank=True, related_name="practice_leads", verbose_name=_("regions they lead")
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_practice_lead(self) -> bool:
        return self.role == Role.PRACTICE_LEAD


TOKEN_PREFIX = "hon_"  # noqa: S105  (a visible prefix, not a secret)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so a person can tell their tokens apart.
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        # 32 random bytes = 256 bits.
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.user.is_active


class SecurityPolicy(models.Model):
    """The agency's security settings, one row (pk=1), changed by administrators."""

    second_factor_required = models.BooleanField(
        _("require a second factor for every staff member"), default=False
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("security policy")

    def __str__(self) -> str:
        return "Security policy"

    @classmethod
    def current(cls) -> "SecurityPolicy":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class SecondFactorThrottle(models.Model):
    """Wrong second-factor codes in a row for one user, kept in the database so that every
    server process counts them together and logging in again with the password does not reset
    them: after too many the code page is locked for a while. A right code clears it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="second_factor_throttle",
    )
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.failures}"
