from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hononga.core.models import CaseRecord, Region
from hononga.whanau.models import ImmunisationStatus

from . import rules


class RuleTable(models.Model):
    """One version of the screening rule table. Versions are never changed once used."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    rows = models.JSONField(_("rows"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("screening rule table")

    def __str__(self) -> str:
        return f"Rule table v{self.version}"


class Condition(models.TextChoices):
    MEASLES = "measles", _("Measles")
    PERTUSSIS = "pertussis", _("Whooping cough")
    INFLUENZA = "influenza", _("Influenza")
    COVID = "covid", _("COVID-19")
    OTHER = "other", _("Other")


class Advisory(CaseRecord):
    title = models.CharField(_("title"), max_length=200)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    regions = models.ManyToManyField(Region, related_name="advisories", verbose_name=_("regions"))
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"), null=True, blank=True, help_text=_("Leave empty if open."))
    guidance = models.TextField(_("guidance"))
    rule_table = models.ForeignKey(
        RuleTable, on_delete=models.PROTECT, related_name="advisories", verbose_name=_("rules")
    )
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


class PeopleImmunisation(models.TextChoices):
    ALL_IMMUNE = "all_immune", _("Everyone who will be present is immune")
    SOME_NOT_IMMUNE = "some_not_immune", _("Someone present is not immune")
    SOME_UNKNOWN = "some_unknown", _("Someone's status is unknown")


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
    people_present = models.ManyToManyField(
        "whanau.Person", blank=True, related_name="screenings", verbose_name=_("people present")
    )
    fever = models.BooleanField(_("fever"))
    cough = models.BooleanField(_("cough"))
    rash = models.BooleanField(_("rash"))
    exposure = models.BooleanField(_("known exposure in the last 14 days"))
    people_immunisation = models.CharField(
        _("immunisation of the people present"),
        max_length=20,
        choices=PeopleImmunisation.choices,
    )
    practitioner_immunisation = models.CharField(
        _("your immunisation"), max_length=20, choices=ImmunisationStatus.choices
    )
    vulnerable_pepi = models.BooleanField(_("pēpi too young to be immunised"))
    vulnerable_pregnant = models.BooleanField(_("someone pregnant and not immune"))
    vulnerable_immunocompromised = models.BooleanField(_("someone immunocompromised"))
    vulnerable_housing = models.BooleanField(_("overcrowded or emergency housing"))
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

    def answers(self) -> rules.Answers:
        return rules.Answers(
            fever=self.fever,
            cough=self.cough,
            rash=self.rash,
            exposure=self.exposure,
            people_immunisation=self.people_immunisation,
            practitioner_immunisation=self.practitioner_immunisation,
            vulnerable_pepi=self.vulnerable_pepi,
            vulnerable_pregnant=self.vulnerable_pregnant,
            vulnerable_immunocompromised=self.vulnerable_immunocompromised,
            vulnerable_housing=self.vulnerable_housing,
        )


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
