"""Relationships between people (the ecomap) and consent per person and purpose."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hononga.core.models import CaseRecord
from hononga.whanau.models import TEXT_MAX, Person, Whanau


class RelationshipKind(models.TextChoices):
    WHANAU = "whanau", _("Whānau")
    PROFESSIONAL = "professional", _("Professional")
    COMMUNITY = "community", _("Community")
    PEER = "peer", _("Peer")


class Strength(models.TextChoices):
    STRONG = "strong", _("Strong")
    MODERATE = "moderate", _("Moderate")
    TENUOUS = "tenuous", _("Tenuous")


class Stress(models.TextChoices):
    NONE = "none", _("No stress")
    SOME = "some", _("Some stress")
    HIGH = "high", _("High stress")


class Support(models.TextChoices):
    """Which way support and energy flow; `a` and `b` are the relationship's two people."""

    A_TO_B = "a_to_b", _("First person supports the second")
    B_TO_A = "b_to_a", _("Second person supports the first")
    BOTH = "both", _("Both ways")
    NONE = "none", _("Neither, or not known")

    @classmethod
    def reversed(cls, value: str) -> str:
        return {cls.A_TO_B: cls.B_TO_A, cls.B_TO_A: cls.A_TO_B}.get(cls(value), cls(value))


class Relationship(CaseRecord):
    """A relationship between two people, drawn on one whānau's map.

    The pair is stored in a fixed order (person_a has the lower id, the support direction
    flipped to match), so "no two active relationships of the same kind between the same two
    people" is one unique constraint whichever order the people were entered in.
    A relationship that ends keeps its record (ended date); nothing is deleted, only archived.
    """

    whanau = models.ForeignKey(
        Whanau,
        on_delete=models.PROTECT,
        related_name="relationships",
        verbose_name=_("whānau"),
        db_index=False,  # covered by relationship_whanau_idx
    )
    person_a = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="relationships_as_a",
        verbose_name=_("first person"),
        db_index=False,  # covered by relationship_person_a_idx
    )
    person_b = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="relationships_as_b",
        verbose_name=_("second person"),
        db_index=False,  # covered by relationship_person_b_idx
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RelationshipKind.choices)
    strength = models.CharField(
        _("strength"), max_length=10, choices=Strength.choices, default=Strength.MODERATE
    )
    stress = models.CharField(
        _("stress"), max_length=10, choices=Stress.choices, default=Stress.NONE
    )
    support = models.CharField(
        _("direction of support"), max_length=10, choices=Support.choices, default=Support.BOTH
    )
    started = models.DateField(_("started"), null=True, blank=True)
    ended = models.DateField(_("ended"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=TEXT_MAX, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["id"]
        verbose_name = _("relationship")
        indexes = [
            # The map: a whānau's relationships, active ones first.
            models.Index(fields=["whanau", "ended"], name="relationship_whanau_idx"),
            # A person's relationships (API filter) and the duplicate check.
            models.Index(fields=["person_a", "kind"], name="relationship_person_a_idx"),
            models.Index(fields=["person_b", "kind"], name="relationship_person_b_idx"),
        ]
        constraints = [
            # Also forbids a relationship of a person with themselves.
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")),
                name="relationship_pair_in_order",
                violation_error_message=_("A relationship needs two different people."),
            ),
            models.UniqueConstraint(
                fields=["person_a", "person_b", "kind"],
                condition=Q(ended__isnull=True, archived_at__isnull=True),
                name="one_active_relationship_per_pair_and_kind",
                violation_error_message=_(
                    "These two people already have an active relationship of this kind."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended__isnull=True)
                | Q(started__isnull=True)
                | Q(ended__gte=F("started")),
                name="relationship_ends_after_start",
                violation_error_message=_("A relationship cannot end before it started."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a} — {self.person_b} ({self.get_kind_display()})"

    @property
    def is_active(self) -> bool:
        return self.ended is None and self.archived_at is None

    def supporter_ids(self) -> set[int]:
        """The people who give support, for arrows and sentences."""
        return {
            Support.A_TO_B: {self.person_a_id},
            Support.B_TO_A: {self.person_b_id},
            Support.BOTH: {self.person_a_id, self.person_b_id},
        }.get(Support(self.support), set())


class ConsentPurpose(models.TextChoices):
    CHECK_INS = "check_ins", _("Contact for relationship check-ins")
    SHARING = "sharing", _("Sharing information with another agency")
    RESTORATIVE = "restorative", _("Taking part in a restorative process")
    IMMUNISATION = "immunisation", _("Recording their immunisation status")
    # Per channel: a message to a person needs their consent for the way it reaches them.
    CONTACT_TEXT = "contact_text", _("Contact by text message")
    CONTACT_EMAIL = "contact_email", _("Contact by email")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Consent(models.Model):
    """One statement of consent, given or withdrawn, by a person for one purpose.

    Append-only: a change of mind is a new row, so the history is the rows themselves (no
    version or simple-history needed). The current state for a purpose is its latest row by
    date (then by id, for two on the same day).
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consents", db_index=False
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    status = models.CharField(_("consent"), max_length=10, choices=ConsentStatus.choices)
    date = models.DateField(_("date"))
    note = models.TextField(
        _("note"),
        max_length=2000,
        blank=True,
        help_text=_("How it was given or withdrawn, and anything the person asked for."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("consent")
        indexes = [
            # consent_current(person, purpose): the latest row for one person and purpose.
            models.Index(fields=["person", "purpose", "-date", "-id"], name="consent_current_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_purpose_display()} {self.get_status_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Consent records are append-only: record a new one instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
