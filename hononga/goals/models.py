"""The whānau plan: goals in their holders' own words, steps, and ratings of progress 0–10.

A goal's wording is never rewritten: a new wording is a new goal that `replaces` the old one
(status "changed"), so the history keeps both. `baseline_*`, `latest_*` and `rating_count` are
derived from the goal's ratings and kept up to date by the services (see
services.refresh_goal), so plans and lists read them without walking ratings.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hononga.accounts.models import Team
from hononga.checkins.models import CheckInLink
from hononga.core.models import CaseRecord, Region
from hononga.goals.outcomes import SCALE_MAX, SCALE_MIN
from hononga.relationships.models import Relationship
from hononga.whanau.models import Person, Whanau

WORDING_MAX = 500
WHY_MAX = 2000
STEP_MAX = 300
WHO_MAX = 200


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MET = "met", _("Met")
    CHANGED = "changed", _("Changed (new wording)")
    SET_ASIDE = "set_aside", _("Set aside")


class RatingChannel(models.TextChoices):
    IN_SESSION = "in_session", _("In session")
    LINK = "link", _("One-time link")


class Goal(CaseRecord):
    whanau = models.ForeignKey(
        Whanau,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("whānau"),
        db_index=False,  # covered by goal_whanau_idx
    )
    # Empty: the goal is the whānau's together.
    holder = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals_held",
        verbose_name=_("whose goal"),
        db_index=False,  # covered by goal_holder_idx
    )
    wording = models.TextField(_("the goal, in their words"), max_length=WORDING_MAX)
    why = models.TextField(_("why it matters to them"), max_length=WHY_MAX, blank=True)
    set_on = models.DateField(_("set on"), default=timezone.localdate)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    status_reason = models.TextField(_("reason"), max_length=WHY_MAX, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
        editable=False,
    )
    concerns_people = models.ManyToManyField(
        Person, blank=True, related_name="goals_concerning", verbose_name=_("people it concerns")
    )
    concerns_relationships = models.ManyToManyField(
        Relationship,
        blank=True,
        related_name="goals",
        verbose_name=_("relationships it concerns"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # Derived from the ratings (see the module docstring).
    baseline_rating = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    baseline_at = models.DateTimeField(null=True, blank=True, editable=False)
    latest_rating = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    latest_rated_at = models.DateTimeField(null=True, blank=True, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    # The practitioner allocated to the whānau when the baseline was given: the goal holder's
    # group in what the agency learns (hononga.goals.learning).
    baseline_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "baseline_rating",
            "baseline_at",
            "latest_rating",
            "latest_rated_at",
            "rating_count",
            "baseline_practitioner",
        ]
    )

    class Meta:
        ordering = ["status", "-set_on", "-id"]
        verbose_name = _("goal")
        indexes = [
            # The whānau plan: a whānau's goals, active first.
            models.Index(fields=["whanau", "status"], name="goal_whanau_idx"),
            # A holder's goals (API filter, "more than three active" note, learning).
            models.Index(fields=["holder", "status"], name="goal_holder_idx"),
            # The API's status filter across every visible whānau.
            models.Index(fields=["status", "id"], name="goal_status_idx"),
            # The learning job: goals with a baseline and a later rating.
            models.Index(
                fields=["holder"],
                condition=Q(rating_count__gte=2),
                name="goal_rated_twice_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_date__gte=models.F("set_on")),
                name="goal_target_after_set",
            ),
        ]

    def __str__(self) -> str:
        return self.wording[:60]

    @property
    def is_active(self) -> bool:
        return self.status == GoalStatus.ACTIVE and self.archived_at is None


class GoalStep(CaseRecord):
    """Who does what by when, towards a goal; ticked off with the date."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="steps")
    what = models.CharField(_("what"), max_length=STEP_MAX)
    who = models.CharField(_("who does it"), max_length=WHO_MAX)
    by_when = models.DateField(_("by when"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["done_on", "by_when", "id"]
        verbose_name = _("step")

    def __str__(self) -> str:
        return self.what[:60]


class GoalLink(models.Model):
    """A one-time link for a whānau member to rate their goals without a login.

    Combined with a check-in: the link shares its token with the check-in link
    (`checkin_link`), so one address carries both (the check-in first, then the goals). Only a
    hash of the token is stored.
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    whanau = models.ForeignKey(Whanau, on_delete=models.PROTECT, related_name="goal_links")
    rater = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="goal_links")
    goals = models.ManyToManyField(Goal, related_name="links")
    form = models.CharField(max_length=10, default="adult")
    language = models.CharField(max_length=5, default="en")
    checkin_link = models.OneToOneField(
        CheckInLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goal_link",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["whanau", "-created_at"], name="goallink_whanau_idx")]

    def __str__(self) -> str:
        return f"Goal link for {self.rater} ({self.created_at:%Y-%m-%d})"

    def state(self) -> str:
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class GoalLinkSend(models.Model):
    """One sending of a goal link by text or email (hononga.goals.sending): who asked, and the
    message with its status. Each send gives the link a new token, made in the sending task;
    the earlier one stops working. The rate limits count these rows with check-in link sends."""

    link = models.ForeignKey(GoalLink, on_delete=models.PROTECT, related_name="sends")
    # The link's rater, copied so the per-person limit needs no join.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("sent by"), max_length=10)
    message = models.OneToOneField(
        "messaging.Message", on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("goal link sent")
        indexes = [
            # A link's sends, newest first (the plan's open links; the builder's "superseded").
            models.Index(fields=["link", "-created_at"], name="goallinksend_link_idx"),
            # The rate limits: sends to one person, and by one user, in the last hours.
            models.Index(fields=["person", "created_at"], name="goallinksend_person_idx"),
            models.Index(fields=["sent_by", "created_at"], name="goallinksend_user_idx"),
        ]

    def __str__(self) -> str:
        return f"Goal link {self.link_id} sent by {self.channel}"


class GoalRating(models.Model):
    """ "How close are you to this goal?" 0–10, by the goal's holder; the first is the baseline."""

    goal = models.ForeignKey(
        Goal,
        on_delete=models.PROTECT,
        related_name="ratings",
        db_index=False,  # covered by goalrating_goal_time_idx
    )
    value = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    # Empty for a goal the whānau holds together (rated together).
    rated_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="goal_ratings"
    )
    channel = models.CharField(_("how"), max_length=12, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link = models.ForeignKey(
        GoalLink, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )

    class Meta:
        ordering = ["rated_at", "id"]
        verbose_name = _("goal rating")
        indexes = [
            # A goal's ratings in time order (chart, baseline, latest).
            models.Index(fields=["goal", "rated_at"], name="goalrating_goal_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="goalrating_value_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} on goal {self.goal_id} ({self.rated_at:%Y-%m-%d})"


class HolderOutcome(models.Model):
    """One goal holder in what the agency learns; rebuilt daily by `hononga goals learn`
    (hononga.goals.learning). Never read per practitioner."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    baseline_on = models.DateField()
    goal_change = models.FloatField()
    early_quality = models.FloatField()
    goals = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # The figures for a team or a region, optionally over a period of baselines.
            models.Index(fields=["team", "baseline_on"], name="holderoutcome_team_idx"),
            models.Index(fields=["region", "baseline_on"], name="holderoutcome_region_idx"),
            models.Index(fields=["baseline_on"], name="holderoutcome_baseline_idx"),
            # The thirds: cut points by early quality.
            models.Index(fields=["early_quality", "id"], name="holderoutcome_quality_idx"),
        ]

    def __str__(self) -> str:
        return f"Outcome of person {self.person_id}"


class OutcomeFigures(models.Model):
    """The figures of one scope (the agency, a region or a team), precomputed daily."""

    class Scope(models.TextChoices):
        AGENCY = "agency", _("The agency")
        REGION = "region", _("A region")
        TEAM = "team", _("A team")

    scope = models.CharField(max_length=10, choices=Scope.choices)
    scope_id = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()
    n = models.PositiveIntegerField(default=0)
    r = models.FloatField(null=True, blank=True)
    r_low = models.FloatField(null=True, blank=True)
    r_high = models.FloatField(null=True, blank=True)
    thirds = models.JSONField(default=list)
    model_status = models.CharField(max_length=20, blank=True)
    model_estimate = models.FloatField(null=True, blank=True)
    model_low = models.FloatField(null=True, blank=True)
    model_high = models.FloatField(null=True, blank=True)
    groups = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id"], name="outcomefigures_one_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"Outcome figures ({self.scope} {self.scope_id or ''})"
