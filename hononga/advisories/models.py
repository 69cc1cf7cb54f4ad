from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hononga.core.models import CaseRecord, Region

from . import diseases, rules


class ImmunisationStatus(models.TextChoices):
    IMMUNE = "immune", _("Immune or up to date")
    NOT_IMMUNE = "not_immune", _("Not immune or not up to date")
    UNKNOWN = "unknown", _("Unknown")
    DECLINED = "declined", _("Declined to say")


class Condition(models.TextChoices):
    """The disease an advisory is about; each has its own screening (diseases.py)."""

    MEASLES = diseases.MEASLES, _("Measles")
    PERTUSSIS = diseases.PERTUSSIS, _("Whooping cough (pertussis)")
    INFLUENZA = diseases.INFLUENZA, _("Influenza")
    COVID = diseases.COVID, _("COVID-19")
    OTHER = diseases.OTHER, _("Another disease (general questions)")


class RecordedDisease(models.TextChoices):
    """The diseases whose immunisation status is recorded per person (with an immunity rule)."""

    MEASLES = diseases.MEASLES, _("Measles")
    PERTUSSIS = diseases.PERTUSSIS, _("Whooping cough")
    INFLUENZA = diseases.INFLUENZA, _("Influenza")


class Evidence(models.TextChoices):
    """How a status is known. Only documented evidence makes someone count as immune."""

    RECORD = (
        "record",
        _(
            "Immunisation record seen (Well Child Tamariki Ora or Plunket book, GP, or the "
            "National Immunisation Register)"
        ),
    )
    TEST = "test", _("Blood test showing immunity, or a past infection confirmed by a test")
    BORN_BEFORE_1969 = "born_before_1969", _("Born in New Zealand before 1969 (measles)")
    WORD = "word", _("Their own or their caregiver's word (not documented)")


DOCUMENTED = frozenset({Evidence.RECORD, Evidence.TEST, Evidence.BORN_BEFORE_1969})


class Immunisation(CaseRecord):
    """One person's immunisation status for one disease, recorded with consent (for anyone who
    can give it), how it is known, and when. A screening reads only its own disease's record."""

    person = models.ForeignKey(
        "whanau.Person", on_delete=models.PROTECT, related_name="immunisations"
    )
    disease = models.CharField(_("disease"), max_length=20, choices=RecordedDisease.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ImmunisationStatus.choices,
        default=ImmunisationStatus.UNKNOWN,
    )
    evidence = models.CharField(
        _("how it is known"), max_length=20, choices=Evidence.choices, blank=True
    )
    source = models.CharField(
        _("details"),
        max_length=200,
        blank=True,
        help_text=_("For example: Well Child book seen at the visit, MMR doses 2012 and 2015."),
    )
    as_at = models.DateField(_("as at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["person_id", "disease"]
        verbose_name = _("immunisation status")
        verbose_name_plural = _("immunisation statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "disease"], name="one_immunisation_status_per_disease"
            ),
        ]
        indexes = [
            # The advisory report: people whose status for a disease is unknown.
            models.Index(fields=["disease", "status"], name="immunisation_disease_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.disease}: {self.status}"


class RuleTable(models.Model):
    """One version of one disease's screening rule table. Versions are never changed once used:
    when the rows in diseases.py change, the next screening stores a new version."""

    disease = models.CharField(_("disease"), max_length=20, default=diseases.MEASLES)
    version = models.PositiveIntegerField(_("version"))
    rows = models.JSONField(_("rows"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["disease", "-version"]
        verbose_name = _("screening rule table")
        constraints = [
            models.UniqueConstraint(
                fields=["disease", "version"], name="one_rule_table_version_per_disease"
            ),
        ]

    def __str__(self) -> str:
        return f"Rule table {self.disease} v{self.version}"


class Advisory(CaseRecord):
    title = models.CharField(_("title"), max_length=200)
    condition = models.CharField(_("disease"), max_length=20, choices=Condition.choices)
    disease_name = models.CharField(
        _("name of the disease"),
        max_length=100,
        blank=True,
        help_text=_("Needed when the disease is not in the list."),
    )
    regions = models.ManyToManyField(Region, related_name="advisories", verbose_name=_("regions"))
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"), null=True, blank=True, help_text=_("Leave empty if open."))
    guidance = models.TextField(_("guidance"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-starts", "pk"]
        verbose_name = _("advisory")
        verbose_name_plural = _("advisories")

    def __str__(self) -> str:
        return self.title

    def is_active_on(self, day: object) -> bool:
        return self.starts <= day and (self.ends is None or self.ends >= day)  # type: ignore[operator]

    @property
    def disease(self) -> diseases.Disease:
        return diseases.for_condition(self.condition)

    @property
    def disease_label(self) -> str:
        if self.condition == Condition.OTHER and self.disease_name:
            return self.disease_name
        return str(self.get_condition_display())


class PeopleImmunisation(models.TextChoices):
    """What the recorded status of the people present adds up to (never what was said)."""

    ALL_IMMUNE = rules.ALL_IMMUNE, _("Everyone present has recorded evidence of immunity")
    SOME_NOT_IMMUNE = rules.SOME_NOT_IMMUNE, _("Someone present is recorded as not immune")
    SOME_UNKNOWN = rules.SOME_UNKNOWN, _("Someone present has no recorded evidence of immunity")
    NOT_READ = "", _("Not part of this disease's rules")


class Recommendation(models.TextChoices):
    PROCEED = rules.PROCEED, rules.RECOMMENDATIONS[rules.PROCEED]
    OUTDOORS = rules.OUTDOORS, rules.RECOMMENDATIONS[rules.OUTDOORS]
    REMOTE = rules.REMOTE, rules.RECOMMENDATIONS[rules.REMOTE]
    POSTPONE = rules.POSTPONE, rules.RECOMMENDATIONS[rules.POSTPONE]


class PlannedMode(models.TextChoices):
    """The in-person modes (contacts.models.Mode values) that need a screening."""

    HOME_VISIT = "home_visit", _("Home visit")
    OFFICE = "office", _("Office")
    SCHOOL = "school", _("School")
    OUTDOOR = "outdoor", _("Outdoors")
    OTHER = "other", _("Other in person")


class Screening(CaseRecord):
    advisory = models.ForeignKey(Advisory, on_delete=models.PROTECT, related_name="screenings")
    rule_table = models.ForeignKey(RuleTable, on_delete=models.PROTECT, related_name="screenings")
    rule_row = models.PositiveSmallIntegerField(_("rule row"))
    whanau = models.ForeignKey("whanau.Whanau", on_delete=models.PROTECT, related_name="screenings")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screenings"
    )
    planned_mode = models.CharField(_("planned mode"), max_length=20, choices=PlannedMode.choices)
    disease = models.CharField(_("disease"), max_length=20, default=diseases.MEASLES)
    people_present = models.ManyToManyField(
        "whanau.Person", blank=True, related_name="screenings", verbose_name=_("people present")
    )
    # The yes/no answers to the disease's questions, by question key (diseases.py).
    answers = models.JSONField(_("answers"), default=dict)
    # Each person present: the recorded status the recommendation rested on, and whether it
    # counted as evidence of immunity (kept as it was at the screening).
    evidence = models.JSONField(_("evidence"), default=list)
    people_immunisation = models.CharField(
        _("immunisation of the people present (from their records)"),
        max_length=20,
        choices=PeopleImmunisation.choices,
        blank=True,
    )
    # What anyone said about immunity during the screening: kept as a claim, never evidence.
    immunity_claim = models.TextField(_("what people said about immunity"), blank=True)
    practitioner_immunisation = models.CharField(
        _("your immunisation"), max_length=20, choices=ImmunisationStatus.choices, blank=True
    )
    recommended_mode = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices
    )
    outcome = models.TextField(_("outcome"), blank=True)
    actual_mode = models.CharField(_("mode actually used"), max_length=20, blank=True)
    contact = models.OneToOneField(
        "contacts.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("screening")

    def question_answers(self) -> list[tuple[str, bool | None]]:
        """Each question the screening asked (in its disease's wording) and the answer."""
        disease = diseases.for_condition(self.disease)
        asked = [(str(q.text), self.answers.get(q.key)) for q in disease.questions()]
        known = set(disease.question_keys())
        # Answers to questions since reworded or removed are still shown, by their key.
        asked += [(key, value) for key, value in self.answers.items() if key not in known]
        return asked


class Override(models.Model):
    """An in-person contact recorded under an active advisory without a screening."""

    advisory = models.ForeignKey(Advisory, on_delete=models.PROTECT, related_name="overrides")
    contact = models.OneToOneField(
        "contacts.Contact", on_delete=models.PROTECT, related_name="advisory_override"
    )
    whanau = models.ForeignKey("whanau.Whanau", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("urgent reason"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Override for contact {self.contact_id}"
