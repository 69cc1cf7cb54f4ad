"""Contacts: records of practice, each with the practitioner's reflection on support and control.

The social discipline window (see DESIGN.md, "Support and control"): support and control are
rated 0–10; 0–5 is low, 6–10 is high. The quadrant follows from the two ratings and is never
typed in: `quadrant()` is the one place the rule lives, `Contact.save()` stores its answer so
lists and reports can filter and GROUP BY it in the database, and a check constraint keeps the
stored value honest even for rows written without save() (bulk loads, benchmarks).
"""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hononga.core.models import CaseRecord
from hononga.relationships.models import Relationship
from hononga.whanau.models import TEXT_MAX, Person, Whanau

RATING_MIN = 0
RATING_MAX = 10
HIGH_FROM = 6  # 6–10 is high, 0–5 is low, on both axes
PURPOSE_MAX = 300


class Mode(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    OFFICE = "office", _("Office")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    OUTDOOR = "outdoor", _("Outdoors")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


IN_PERSON_MODES = {Mode.HOME_VISIT, Mode.OFFICE, Mode.OUTDOOR, Mode.SCHOOL, Mode.OTHER}


class DecisionsWith(models.TextChoices):
    YES = "yes", _("Yes — decisions were made with them")
    NO = "no", _("No — decisions were made without them")
    NOT_APPLICABLE = "not_applicable", _("No decisions were made")


class Quadrant(models.TextChoices):
    WITH = "with", _("WITH")
    TO = "to", _("TO")
    FOR = "for", _("FOR")
    NOT = "not", _("NOT")


QUADRANT_ORDER = [Quadrant.WITH, Quadrant.TO, Quadrant.FOR, Quadrant.NOT]

QUADRANT_DESCRIPTIONS = {
    Quadrant.WITH: _("restorative, collaborative: high support, high control"),
    Quadrant.TO: _("punitive, authoritarian: low support, high control"),
    Quadrant.FOR: _("permissive, paternalistic: high support, low control"),
    Quadrant.NOT: _("neglectful, absent: low support, low control"),
}

# One line each, to reflect on (not to judge by).
QUADRANT_PROMPTS = {
    Quadrant.WITH: _(
        "WITH: support and expectations together. What helped the whānau lead, and how will "
        "you keep it going?"
    ),
    Quadrant.TO: _(
        "TO: more control than support. What support could you offer next time while still "
        "holding the limits?"
    ),
    Quadrant.FOR: _(
        "FOR: support without expectations. What could the whānau do for themselves next "
        "time, with you alongside?"
    ),
    Quadrant.NOT: _(
        "NOT: little support or control. What got in the way, and what does the whānau need "
        "from you next?"
    ),
}


def is_high(rating: int) -> bool:
    return rating >= HIGH_FROM


def quadrant(support: int, control: int) -> Quadrant:
    """The quadrant of the social discipline window for a support and a control rating."""
    for name, value in (("support", support), ("control", control)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be a whole number")
        if not RATING_MIN <= value <= RATING_MAX:
            raise ValueError(f"{name} must be between {RATING_MIN} and {RATING_MAX}")
    if is_high(control):
        return Quadrant.WITH if is_high(support) else Quadrant.TO
    return Quadrant.FOR if is_high(support) else Quadrant.NOT


def _rating_field(label: Any, help_text: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text=help_text,
    )


def _quadrant_rule() -> Q:
    high_s, low_s = Q(support__gte=HIGH_FROM), Q(support__lt=HIGH_FROM)
    high_c, low_c = Q(control__gte=HIGH_FROM), Q(control__lt=HIGH_FROM)
    return (
        (Q(quadrant=Quadrant.WITH) & high_s & high_c)
        | (Q(quadrant=Quadrant.TO) & low_s & high_c)
        | (Q(quadrant=Quadrant.FOR) & high_s & low_c)
        | (Q(quadrant=Quadrant.NOT) & low_s & low_c)
    )


# Kept by name so the services can write one history row per save *after* the participants
# and relationships are set (simple-history would otherwise add a row per many-to-many change).
CONTACT_HISTORY = HistoricalRecords(
    excluded_fields=["updated_at"], m2m_fields=["participants", "relationships"]
)


class Contact(CaseRecord):
    """One contact between a practitioner and (some of) a whānau, with their reflection."""

    whanau = models.ForeignKey(
        Whanau,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("whānau"),
        db_index=False,  # covered by contact_whanau_time_idx
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("practitioner"),
        db_index=False,  # covered by contact_practitioner_time_idx
    )
    occurred_at = models.DateTimeField(_("when"))
    mode = models.CharField(_("how"), max_length=20, choices=Mode.choices)
    participants = models.ManyToManyField(
        Person, related_name="contacts", verbose_name=_("who took part")
    )
    relationships = models.ManyToManyField(
        Relationship,
        related_name="contacts",
        blank=True,
        verbose_name=_("relationships this contact was about"),
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=PURPOSE_MAX,
        help_text=_("A few words: why you met or talked."),
    )
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True)
    own_words = models.TextField(
        _("in their own words"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("What tamariki or whānau said, as they said it."),
    )
    decisions_with = models.CharField(
        _("were decisions made with the people concerned?"),
        max_length=20,
        choices=DecisionsWith.choices,
    )
    support = _rating_field(
        _("support you gave (0–10)"),
        _("Encouragement, care, help. 0 = none, 10 = a great deal; 6 or more is high."),
    )
    control = _rating_field(
        _("control you exercised (0–10)"),
        _("Limits, expectations, accountability. 0 = none, 10 = a great deal; 6 or more is high."),
    )
    # Derived from support and control in save(); never typed in (see the module docstring).
    quadrant = models.CharField(
        _("quadrant"), max_length=4, choices=Quadrant.choices, editable=False
    )

    history = CONTACT_HISTORY

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("contact")
        indexes = [
            # A whānau's contacts, newest first (the whānau panel and the list filtered by whānau).
            models.Index(fields=["whanau", "-occurred_at"], name="contact_whanau_time_idx"),
            # Reflection and supervision: one practitioner's (or a team's) contacts in a period,
            # grouped by month and quadrant; also "last mode used" on the form.
            models.Index(
                fields=["practitioner", "occurred_at"], name="contact_practitioner_time_idx"
            ),
            # The list filtered by date range alone, and by quadrant.
            models.Index(fields=["occurred_at"], name="contact_time_idx"),
            models.Index(fields=["quadrant", "occurred_at"], name="contact_quadrant_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(support__gte=RATING_MIN, support__lte=RATING_MAX),
                name="contact_support_in_range",
                violation_error_message=_("Support is a number from 0 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(control__gte=RATING_MIN, control__lte=RATING_MAX),
                name="contact_control_in_range",
                violation_error_message=_("Control is a number from 0 to 10."),
            ),
            models.CheckConstraint(
                condition=_quadrant_rule(),
                name="contact_quadrant_follows_ratings",
                violation_error_message=_("The quadrant follows from the two ratings."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} — {self.whanau} ({self.occurred_at:%Y-%m-%d})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.quadrant = quadrant(self.support, self.control)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def quadrant_prompt(self) -> str:
        return str(QUADRANT_PROMPTS[Quadrant(self.quadrant)]) if self.quadrant else ""

    @property
    def quadrant_description(self) -> str:
        return str(QUADRANT_DESCRIPTIONS[Quadrant(self.quadrant)]) if self.quadrant else ""


def save_with_history(contact: Contact, history_type: str, set_related: Any) -> None:
    """Save the contact and its many-to-many links, then write exactly one history row."""
    contact.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        contact.save()
        set_related()
    finally:
        del contact.skip_history_when_saving  # type: ignore[attr-defined]
    CONTACT_HISTORY.create_historical_record(contact, history_type)
