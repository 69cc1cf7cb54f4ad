import re
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hononga.accounts.models import Team
from hononga.core.models import CaseRecord, Region
from hononga.core.text import fold

NAME_MAX = 200
TEXT_MAX = 5000


class WhanauStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Whanau(CaseRecord):
    """A whānau group the agency works with (a "case")."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    search_key = models.CharField(max_length=NAME_MAX, editable=False, db_index=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="whanau", verbose_name=_("team")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="whanau", verbose_name=_("region")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WhanauStatus.choices, default=WhanauStatus.OPEN
    )
    summary = models.TextField(
        _("summary"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_(
            "Who the whānau are and what they want from us, in their words where possible."
        ),
    )

    history = HistoricalRecords(excluded_fields=["search_key", "updated_at"])

    class Meta:
        ordering = ["search_key", "id"]
        verbose_name = _("whānau")
        verbose_name_plural = _("whānau")
        indexes = [
            # Supervisors' lists: their teams' whānau by status, by name.
            models.Index(fields=["team", "status", "search_key"], name="whanau_team_idx"),
            models.Index(fields=["region", "status"], name="whanau_region_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # Folding can lengthen a name (ligatures expand); the key only needs a prefix to search.
        self.search_key = fold(self.name)[:NAME_MAX]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PersonKind(models.TextChoices):
    TAMARIKI = "tamariki", _("Tamaiti (child)")
    RANGATAHI = "rangatahi", _("Rangatahi (young person)")
    PARENT = "parent", _("Parent")
    CAREGIVER = "caregiver", _("Caregiver")
    OTHER_WHANAU = "other_whanau", _("Other whānau")
    PROFESSIONAL = "professional", _("Professional")
    COMMUNITY = "community", _("Community member")
    PRACTITIONER = "practitioner", _("Practitioner")


class Person(CaseRecord):
    """Anyone in a whānau's map. A person can belong to several whānau (Membership)."""

    preferred_name = models.CharField(_("preferred name"), max_length=NAME_MAX)
    other_names = models.CharField(
        _("other names"),
        max_length=NAME_MAX,
        blank=True,
        help_text=_("Family name, legal name or other names used."),
    )
    search_key = models.CharField(max_length=2 * NAME_MAX + 1, editable=False, db_index=True)
    kind = models.CharField(_("who they are"), max_length=20, choices=PersonKind.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    languages = models.CharField(
        _("languages"),
        max_length=NAME_MAX,
        blank=True,
        help_text=_("For example: te reo Māori, English, Samoan."),
    )
    phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        db_index=True,
        help_text=_("For check-in links by text message."),
    )
    email = models.EmailField(_("email"), max_length=254, blank=True)
    iwi = models.CharField(_("iwi"), max_length=NAME_MAX, blank=True)
    hapu = models.CharField(_("hapū"), max_length=NAME_MAX, blank=True)
    # A practitioner's own Person record, so the practitioner–whānau relationship is an
    # ordinary Relationship.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="person",
    )
    # Immunisation status is recorded per disease, with consent and evidence:
    # advisories.Immunisation (person.immunisations).

    history = HistoricalRecords(excluded_fields=["search_key", "updated_at"])

    class Meta:
        ordering = ["search_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # Likely-duplicate check: same date of birth.
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.preferred_name} {self.other_names}".strip()

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(self.full_name)[: 2 * NAME_MAX + 1]
        # Digits only (and a leading +), so the duplicate check can compare numbers.
        self.phone = re.sub(r"(?!^\+)[^\d]", "", self.phone.strip())
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Membership(CaseRecord):
    """A person's belonging to a whānau."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    whanau = models.ForeignKey(Whanau, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        _("role in the whānau"),
        max_length=100,
        blank=True,
        help_text=_("For example: mother, koro, eldest son, foster carer."),
    )
    started = models.DateField(_("from"), null=True, blank=True)
    ended = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["whanau", "person__search_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "whanau"],
                condition=Q(archived_at__isnull=True),
                name="one_live_membership_per_person_whanau",
            ),
            models.CheckConstraint(
                condition=Q(ended__isnull=True)
                | Q(started__isnull=True)
                | Q(ended__gte=models.F("started")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.whanau}"


class AllocationQuerySet(models.QuerySet["Allocation"]):
    def current(self, on: date | None = None) -> "AllocationQuerySet":
        day = on or timezone.localdate()
        return self.filter(archived_at__isnull=True, started__lte=day).filter(
            Q(ended__isnull=True) | Q(ended__gte=day)
        )


class Allocation(CaseRecord):
    """A staff member allocated to work with a whānau, from a date until a date."""

    whanau = models.ForeignKey(Whanau, on_delete=models.PROTECT, related_name="allocations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("staff member"),
    )
    started = models.DateField(_("from"))
    ended = models.DateField(_("until"), null=True, blank=True)

    objects = AllocationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-started", "id"]
        indexes = [
            # Access checks: "is this user allocated to this whānau today?"
            models.Index(fields=["user", "whanau"], name="allocation_user_whanau_idx"),
            models.Index(fields=["whanau", "ended"], name="allocation_whanau_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(ended__gte=models.F("started")),
                name="allocation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.whanau}"


class BreakGlassGrant(models.Model):
    """Time-limited access, with a stated reason, to a whānau the user would not otherwise see.

    Logged in the audit trail and shown to the whānau's supervisors.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    whanau = models.ForeignKey(Whanau, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField(_("reason"), max_length=2000)
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "whanau", "expires_at"], name="breakglass_idx")]

    def __str__(self) -> str:
        return f"{self.user} → {self.whanau} ({self.granted_at:%Y-%m-%d})"
