"""Restorative processes: harm, the process and its participants, safety, voices, agreement,
follow-up (see DESIGN.md, "Restorative processes").

The lifecycle rules live in one place, hononga.restorative.lifecycle; pages and API both call
hononga.restorative.services, which uses it.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hononga.core.models import CaseRecord
from hononga.relationships.models import Relationship
from hononga.whanau.models import TEXT_MAX, Person, Whanau

SHORT_MAX = 300
RATING_MIN = 0
RATING_MAX = 10


class CredentialLevel(models.TextChoices):
    CONVERSATION = "conversation", _("Restorative conversation")
    CONFERENCE = "conference", _("Formal conference")
    FAMILY_GROUP_CONFERENCE = "fgc", _("Family group conference")


class FacilitatorCredential(models.Model):
    """A facilitator's credential at one level, managed by administrators."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitator_credentials",
        verbose_name=_("facilitator"),
    )
    level = models.CharField(_("level"), max_length=20, choices=CredentialLevel.choices)
    issued = models.DateField(_("issued"))
    expires = models.DateField(_("expires"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Ended early (withdrawn, the facilitator left): not current from this day on.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended early"), max_length=TEXT_MAX, blank=True)
    # Optimistic concurrency, as for case records: two administrators cannot overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user_id", "level", "-expires"]
        verbose_name = _("facilitator credential")
        indexes = [
            # "Does this facilitator hold a current credential of this level?"
            models.Index(fields=["user", "level", "expires"], name="credential_current_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires__gt=models.F("issued")),
                name="credential_expires_after_issue",
                violation_error_message=_("A credential expires after it was issued."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("issued"), ended_on__lte=models.F("expires")),
                name="credential_ends_within_its_term",
                violation_error_message=_(
                    "A credential ends early on a day between its issue and its expiry."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_level_display()} (to {self.expires:%Y-%m-%d})"

    def is_current(self, on: date) -> bool:
        return self.issued <= on <= self.expires and (self.ended_on is None or on < self.ended_on)

    @property
    def last_day(self) -> date:
        """The last day it is current: the day before it ended early, or its expiry."""
        return self.ended_on - timedelta(days=1) if self.ended_on else self.expires


def current_credentials_q(on: date) -> Q:
    """Credentials current on a day (a filter for FacilitatorCredential querysets)."""
    return Q(issued__lte=on, expires__gte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")


class HarmStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROCESS = "in_process", _("In a restorative process")
    RESOLVED = "resolved", _("Resolved")


class Harm(CaseRecord):
    """Something that happened that harmed people."""

    whanau = models.ForeignKey(
        Whanau, on_delete=models.PROTECT, related_name="harms", verbose_name=_("whānau")
    )
    what = models.TextField(_("what happened"), max_length=TEXT_MAX)
    occurred_on = models.DateField(_("when it happened"))
    harmed = models.ManyToManyField(
        Person, related_name="harms_suffered", verbose_name=_("who was harmed")
    )
    responsible = models.ManyToManyField(
        Person, related_name="harms_responsible", blank=True, verbose_name=_("who was responsible")
    )
    relationships = models.ManyToManyField(
        Relationship,
        related_name="harms",
        blank=True,
        verbose_name=_("relationships it touched"),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=HarmStatus.choices, default=HarmStatus.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("harm")

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} — {self.what[:60]}"


class ProcessKind(models.TextChoices):
    """The continuum, from informal to formal."""

    AFFECTIVE_STATEMENT = "affective_statement", _("Affective statement")
    AFFECTIVE_QUESTION = "affective_question", _("Affective question")
    IMPROMPTU_CONVERSATION = "impromptu_conversation", _("Impromptu conversation")
    CIRCLE = "circle", _("Circle")
    RESTORATIVE_MEETING = "restorative_meeting", _("Restorative meeting")
    FORMAL_CONFERENCE = "formal_conference", _("Formal conference")
    FAMILY_GROUP_CONFERENCE = "fgc", _("Family group conference")


# The kinds that need a facilitator with a current credential of a level.
CREDENTIAL_NEEDED = {
    ProcessKind.FORMAL_CONFERENCE: CredentialLevel.CONFERENCE,
    ProcessKind.FAMILY_GROUP_CONFERENCE: CredentialLevel.FAMILY_GROUP_CONFERENCE,
}


class State(models.TextChoices):
    REFERRED = "referred", _("Referred")
    PREPARING = "preparing", _("Preparing")
    READY = "ready", _("Ready")
    HELD = "held", _("Held")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")
    NOT_PROCEEDING = "not_proceeding", _("Not proceeding")


class FgcStage(models.TextChoices):
    INFORMATION = "information", _("Information sharing")
    PRIVATE_TIME = "private_time", _("Private whānau time")
    PLAN = "plan", _("Agreeing the plan")


class RestorativeProcess(CaseRecord):
    """The response to a harm: one state machine (see lifecycle.py)."""

    harm = models.ForeignKey(
        Harm, on_delete=models.PROTECT, related_name="processes", verbose_name=_("harm")
    )
    # The harm's whānau, copied so access filters need no join.
    whanau = models.ForeignKey(
        Whanau, on_delete=models.PROTECT, related_name="restorative_processes"
    )
    kind = models.CharField(_("type"), max_length=30, choices=ProcessKind.choices)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_processes",
        verbose_name=_("facilitator"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("stage"), max_length=20, choices=State.choices, default=State.REFERRED
    )
    # When the process entered the stage it is at: set by the stage-change services
    # (services.process_transition and a principal joining a ready process); "how long have
    # they waited" on the figures pages counts from it.
    stage_entered_at = models.DateTimeField(
        _("at this stage since"), default=timezone.now, editable=False
    )
    not_proceeding_reason = models.TextField(
        _("why it is not proceeding"), max_length=TEXT_MAX, blank=True
    )
    stopped_on_safety_grounds = models.BooleanField(default=False)
    fgc_stage = models.CharField(
        _("conference stage"), max_length=20, choices=FgcStage.choices, blank=True
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # When the conference is planned for (set while it is prepared): the facilitator's diary.
    conference_planned_on = models.DateField(_("conference planned for"), null=True, blank=True)
    plan_review_date = models.DateField(_("plan review date"), null=True, blank=True)
    outcome_summary = models.TextField(_("outcome"), max_length=TEXT_MAX, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("restorative process")
        indexes = [
            # The facilitator's own list of processes, by stage.
            models.Index(fields=["facilitator", "state"], name="process_facilitator_idx"),
            models.Index(fields=["whanau", "state"], name="process_whanau_idx"),
            # Family group conference plans due for review.
            models.Index(fields=["kind", "plan_review_date"], name="process_review_idx"),
            # The facilitator's diary: their conferences coming up.
            models.Index(
                fields=["facilitator", "conference_planned_on"],
                condition=Q(conference_planned_on__isnull=False),
                name="process_conference_idx",
            ),
        ]
        constraints = [
            # One harm, one response under way: two open processes could each be closed or
            # stopped without the other, and the harm's status would say the wrong thing.
            models.UniqueConstraint(
                fields=["harm"],
                condition=~Q(state__in=["closed", "not_proceeding"]),
                name="one_open_process_per_harm",
                violation_error_message=_("This harm already has a restorative process under way."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.whanau} ({self.get_state_display()})"

    @property
    def is_family_group_conference(self) -> bool:
        return self.kind == ProcessKind.FAMILY_GROUP_CONFERENCE

    @property
    def is_finished(self) -> bool:
        return self.state in (State.CLOSED, State.NOT_PROCEEDING)


class ParticipantRole(models.TextChoices):
    HARMED = "harmed", _("Harmed")
    RESPONSIBLE = "responsible", _("Responsible")
    SUPPORTER_HARMED = "supporter_harmed", _("Supporter of a person harmed")
    SUPPORTER_RESPONSIBLE = "supporter_responsible", _("Supporter of a person responsible")
    COMMUNITY = "community", _("Community member")
    FACILITATOR = "facilitator", _("Facilitator")
    CO_FACILITATOR = "co_facilitator", _("Co-facilitator")
    OBSERVER = "observer", _("Observer")


# Whose consent and preparation "ready" needs.
PRINCIPAL_ROLES = {ParticipantRole.HARMED, ParticipantRole.RESPONSIBLE}
SUPPORTER_ROLES = {
    ParticipantRole.SUPPORTER_HARMED,
    ParticipantRole.SUPPORTER_RESPONSIBLE,
    ParticipantRole.COMMUNITY,
}
# The order of voices at a conference: the person responsible first (DESIGN.md).
VOICE_ORDER = [
    ParticipantRole.RESPONSIBLE,
    ParticipantRole.HARMED,
    ParticipantRole.SUPPORTER_RESPONSIBLE,
    ParticipantRole.SUPPORTER_HARMED,
    ParticipantRole.COMMUNITY,
]


class CurrentParticipants(models.Manager["Participant"]):
    """Participants not removed: what every page, rule and list works with."""

    def get_queryset(self) -> models.QuerySet["Participant"]:
        return super().get_queryset().filter(removed_at__isnull=True)


class Participant(CaseRecord):
    """A person taking part, and their preparation.

    A participant added by mistake is removed softly (who, when, why) before the conference is
    held; `objects` (and so `process.participants`) no longer shows them, `all_objects` does.
    """

    process = models.ForeignKey(
        RestorativeProcess, on_delete=models.PROTECT, related_name="participants"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="restorative_participations"
    )
    role = models.CharField(_("role"), max_length=30, choices=ParticipantRole.choices)
    invited_on = models.DateField(_("invited on"), null=True, blank=True)
    consented_on = models.DateField(_("consented on"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    prepared_on = models.DateField(_("preparation meeting held on"), null=True, blank=True)
    preparation_notes = models.TextField(
        _("preparation notes"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("That taking part is voluntary, what stays confidential, their safety."),
    )
    support_person = models.CharField(_("support person"), max_length=SHORT_MAX, blank=True)
    wants_mihi = models.BooleanField(_("mihi"), default=False)
    wants_karakia = models.BooleanField(_("karakia"), default=False)
    wants_te_reo = models.BooleanField(_("te reo Māori"), default=False)
    venue = models.CharField(
        _("venue"), max_length=SHORT_MAX, blank=True, help_text=_("For example a marae.")
    )
    interpreter = models.CharField(_("interpreter needed"), max_length=SHORT_MAX, blank=True)
    accessibility = models.CharField(_("accessibility needs"), max_length=SHORT_MAX, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    removal_reason = models.TextField(_("why they were removed"), max_length=TEXT_MAX, blank=True)

    objects = CurrentParticipants()
    all_objects = models.Manager()

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["id"]
        verbose_name = _("participant")
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["process", "person"],
                condition=Q(removed_at__isnull=True),
                name="one_participation_per_person",
                violation_error_message=_("This person is already a participant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    @property
    def needs(self) -> list[str]:
        """Support person, cultural, interpreter and accessibility needs, for summaries."""
        found = [self.support_person] if self.support_person else []
        found += [
            str(label)
            for wanted, label in (
                (self.wants_mihi, _("mihi")),
                (self.wants_karakia, _("karakia")),
                (self.wants_te_reo, _("te reo Māori")),
            )
            if wanted
        ]
        if self.interpreter:
            found.append(str(_("interpreter: %(who)s") % {"who": self.interpreter}))
        return found + [n for n in (self.venue, self.accessibility) if n]

    @property
    def has_consented(self) -> bool:
        return self.consented_on is not None

    @property
    def is_prepared(self) -> bool:
        return self.prepared_on is not None


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Acceptance(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class SafetyOutcome(models.TextChoices):
    PROCEED = "proceed", _("Proceed")
    SAFEGUARDS = "safeguards", _("Proceed with safeguards")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class SafetyAssessment(models.Model):
    """A safety assessment; the latest one for a process is the one that counts."""

    process = models.ForeignKey(
        RestorativeProcess, on_delete=models.PROTECT, related_name="safety_assessments"
    )
    risk_of_further_harm = models.CharField(
        _("risk of further harm"), max_length=10, choices=Risk.choices
    )
    power_imbalance = models.CharField(_("power imbalance"), max_length=10, choices=Risk.choices)
    readiness = models.TextField(_("readiness of the participants"), max_length=TEXT_MAX)
    accepts_responsibility = models.CharField(
        _("does the person responsible accept responsibility?"),
        max_length=10,
        choices=Acceptance.choices,
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=SafetyOutcome.choices)
    safeguards = models.TextField(_("safeguards"), max_length=TEXT_MAX, blank=True)
    reason = models.TextField(_("why it is not suitable"), max_length=TEXT_MAX, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("safety assessment")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.assessed_at:%Y-%m-%d})"


class Question(models.TextChoices):
    HAPPENED = "happened", _("What happened")
    THINKING = "thinking", _("Thinking at the time")
    SINCE = "since", _("Since")
    AFFECTED = "affected", _("Who has been affected")
    REPAIR = "repair", _("Putting things right")
    PREVENT = "prevent", _("Stopping it happening again")


class Response(models.Model):
    """One participant's answer to one restorative question, in their own words."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="responses")
    question = models.CharField(max_length=20, choices=Question.choices)
    answer = models.TextField(_("in their own words"), max_length=TEXT_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["participant_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.question}"


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    VARIED = "varied", _("Varied")
    NOT_DONE = "not_done", _("Not done")


class AgreementItem(CaseRecord):
    """One specific item of the agreement: what, who does it, for whom, by when."""

    process = models.ForeignKey(
        RestorativeProcess, on_delete=models.PROTECT, related_name="agreement_items"
    )
    what = models.TextField(_("what"), max_length=TEXT_MAX)
    owner = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="items_owned",
        verbose_name=_("who does it"),
    )
    for_whom = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="items_for",
        null=True,
        blank=True,
        verbose_name=_("for whom"),
    )
    due = models.DateField(_("by when"))
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    status_reason = models.TextField(_("reason"), max_length=TEXT_MAX, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("agreement item")
        indexes = [
            # Due and overdue items on home pages.
            models.Index(fields=["status", "due"], name="item_due_idx"),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_resolved(self) -> bool:
        return self.status != ItemStatus.OPEN


class FollowUp(models.Model):
    """A follow-up with a person harmed or responsible, and how far things are put right."""

    process = models.ForeignKey(
        RestorativeProcess, on_delete=models.PROTECT, related_name="follow_ups"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="follow_ups"
    )
    scheduled_for = models.DateField(_("scheduled for"))
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("how far things have been put right (0–10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    own_words = models.TextField(_("in their own words"), max_length=TEXT_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for", "id"]
        verbose_name = _("follow-up")
        indexes = [
            # The daily follow-up reminder (hononga.notifications.events.reminders_send) walks
            # the follow-ups not yet held in id order, due by today: only the open ones are
            # indexed, so the job reads them and not every follow-up ever held (EXPLAIN on
            # PostgreSQL, 200,000 follow-ups with 4,000 open: 200,000 rows filtered → 3,715).
            models.Index(
                fields=["id", "scheduled_for"],
                condition=Q(held_at__isnull=True),
                name="followup_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=0, rating__lte=RATING_MAX),
                name="follow_up_rating_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.scheduled_for:%Y-%m-%d}"
