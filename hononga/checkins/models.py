"""Check-ins (one rating of one relationship by one rater), one-time links, and the thresholds."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hononga.checkins.instrument import COMMENT_MAX, ITEM_KEYS, SCALE_MAX, SCALE_MIN
from hononga.core.models import CaseRecord
from hononga.relationships.models import Relationship
from hononga.whanau.models import Person


class Perspective(models.TextChoices):
    SELF = "self", _("Their own answers")
    MIRROR = "mirror", _("Practitioner's mirror")
    COLLATERAL = "collateral", _("Someone else who knows the relationship")


class Form(models.TextChoices):
    ADULT = "adult", _("Adult / rangatahi")
    CHILD = "child", _("Child (faces)")
    MIRROR = "mirror", _("Mirror (practitioner)")


class Channel(models.TextChoices):
    IN_SESSION = "in_session", _("In session")
    LINK = "link", _("One-time link")
    PHONE = "phone", _("By phone")


class Language(models.TextChoices):
    EN = "en", _("English")
    MI = "mi", _("Te reo Māori")


def _item_field(label: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)],
    )


class FlagThresholds(models.Model):
    """The thresholds that check-in flags are computed with, kept as they were in force.

    A new row is made whenever the thresholds in force change (an administrator's edit, a
    re-estimate of the agency's SD and alpha that changes them); every check-in keeps the row
    that was in force when it was recorded (`CheckIn.flagged_with`), so a later change alters
    later flags only. Rows are never changed, except `in_effect`: when an administrator
    re-flags history on purpose, every earlier row is pointed at the thresholds in force then,
    and the check-ins flagged with it are read with those (the original values stay here).
    """

    class Reason(models.TextChoices):
        FIRST = "first", _("The first thresholds")
        SETTINGS = "settings", _("An administrator changed the thresholds")
        ESTIMATES = "estimates", _("The agency's SD and alpha were re-estimated")

    low_score = models.DecimalField(max_digits=3, decimal_places=1)
    low_item = models.PositiveSmallIntegerField()
    dropped = models.DecimalField(max_digits=3, decimal_places=1)
    gap_item = models.DecimalField(max_digits=3, decimal_places=1)
    gap_mean = models.DecimalField(max_digits=3, decimal_places=1)
    rci_z = models.DecimalField(max_digits=4, decimal_places=2)
    sd = models.FloatField()
    alpha = models.FloatField()
    uses_agency_estimates = models.BooleanField(default=False)
    sample_n = models.PositiveIntegerField(default=0)
    reliable_change_floor = models.DecimalField(max_digits=3, decimal_places=1)
    # max(z · √2 · SD · √(1 − alpha), floor), as computed in Python: the SQL flag filter reads
    # it, so both compare against the very same float.
    reliable_change = models.FloatField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    in_effect = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The thresholds check-ins flagged with these are read with: these themselves, "
        "or the ones history was re-flagged with.",
    )
    reflagged_at = models.DateTimeField(null=True, blank=True)
    reflagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("flag thresholds")
        verbose_name_plural = _("flag thresholds")

    def __str__(self) -> str:
        return f"Flag thresholds {self.pk} ({self.created_at:%Y-%m-%d})"


class CheckIn(CaseRecord):
    """One rating of one relationship by one rater on the Hononga Relationship Check-in.

    `mean` is the unrounded mean of the answers (every flag compares it; `score` is the same to
    one decimal, for display). `previous_score`, `previous_mean`, `is_latest`, `is_baseline` and
    `counterpart` are derived from the other check-ins of the same relationship and kept up to
    date by the services (see services.refresh_derived), so the home page and the map read flags
    from the latest rows alone instead of walking history. `flagged_with` keeps the thresholds
    in force when the check-in was recorded.
    """

    relationship = models.ForeignKey(
        Relationship,
        on_delete=models.PROTECT,
        related_name="checkins",
        verbose_name=_("relationship"),
        db_index=False,  # covered by checkin_relationship_time_idx
    )
    rater = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="checkins_given",
        verbose_name=_("answered by"),
    )
    perspective = models.CharField(_("perspective"), max_length=12, choices=Perspective.choices)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    channel = models.CharField(_("how it was answered"), max_length=12, choices=Channel.choices)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    safety = _item_field(_("safety"))
    trust = _item_field(_("trust"))
    respect = _item_field(_("respect"))
    empathy = _item_field(_("empathy"))
    honesty = _item_field(_("honesty"))
    responsibility = _item_field(_("responsibility"))
    power_sharing = _item_field(_("power-sharing"))
    heard = _item_field(_("being heard"))
    comment = models.TextField(
        _("what would make our work together better"), max_length=COMMENT_MAX, blank=True
    )
    # "How are things for you and your whānau?" 0–10, asked with each check-in (not part of the
    # relationship score): an outcome every whānau has, even before goals are set.
    overall = _item_field(_("how things are"))
    score = models.DecimalField(
        _("score"), max_digits=3, decimal_places=1, null=True, blank=True, editable=False
    )
    mean = models.FloatField(_("mean (unrounded)"), null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("recorded by"),
    )
    link = models.ForeignKey(
        "CheckInLink",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkins",
        editable=False,
    )
    # Derived (see the class docstring).
    previous_score = models.DecimalField(
        max_digits=3, decimal_places=1, null=True, blank=True, editable=False
    )
    previous_mean = models.FloatField(null=True, blank=True, editable=False)
    is_latest = models.BooleanField(default=False, editable=False)
    # The rater's first complete (8 of 8) self-rating of this relationship: the one check-in per
    # rater and relationship that the agency's SD and alpha are estimated from.
    is_baseline = models.BooleanField(default=False, editable=False)
    flagged_with = models.ForeignKey(
        FlagThresholds,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # never looked up by thresholds: re-flagging moves FlagThresholds rows
    )
    counterpart = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The mirror for a self check-in (or the reverse) answered closest in time.",
    )

    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "previous_score",
            "previous_mean",
            "is_latest",
            "is_baseline",
            "counterpart",
            "flagged_with",
        ]
    )

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("check-in")
        indexes = [
            # Trends and the derived-field refresh: one relationship's check-ins in time order.
            models.Index(
                fields=["relationship", "answered_at"], name="checkin_relationship_time_idx"
            ),
            # Flags on the home page and the map: each rater's latest check-in per relationship.
            models.Index(
                fields=["relationship", "perspective"],
                condition=Q(is_latest=True, archived_at__isnull=True),
                name="checkin_latest_idx",
            ),
            # The reflection, supervision and team pages: the person's own scored answers on a
            # set of relationships over a period, summed by month and counted by rater, from
            # the index alone (an index-only scan; added concurrently, migration 0007).
            models.Index(
                fields=["relationship", "answered_at"],
                include=["score", "rater", "id"],
                condition=Q(perspective="self", archived_at__isnull=True, score__isnull=False),
                name="checkin_self_scored_idx",
            ),
            # API filters: one rater's check-ins; everything since a date.
            models.Index(fields=["rater", "answered_at"], name="checkin_rater_idx"),
            models.Index(fields=["answered_at"], name="checkin_answered_idx"),
            # The daily re-estimate of SD and alpha reads the baseline rows only (one per rater
            # and relationship: a few percent of all check-ins).
            models.Index(
                fields=["relationship"],
                condition=Q(is_baseline=True),
                name="checkin_baseline_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10),
                name="checkin_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rater} on {self.relationship_id} ({self.answered_at:%Y-%m-%d})"

    def items(self) -> dict[str, int | None]:
        return {key: getattr(self, key) for key in ITEM_KEYS}

    @property
    def answered_count(self) -> int:
        return sum(1 for value in self.items().values() if value is not None)

    @property
    def is_complete(self) -> bool:
        return self.answered_count == len(ITEM_KEYS)


class CheckInLink(models.Model):
    """A one-time link that lets a whānau member answer a check-in without a login.

    Only a SHA-256 hash of the token is stored: the link itself is shown once, to the
    practitioner who makes it, and cannot be recovered from the database.
    """

    # Empty until a link made to be sent is built in the sending task (the token then exists
    # only in the message); replaced by each send, so only the latest token works. NULL, not
    # "", because the column is unique and many links may be waiting for their first token.
    token_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    relationship = models.ForeignKey(
        Relationship, on_delete=models.PROTECT, related_name="checkin_links"
    )
    rater = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="checkin_links",
        verbose_name=_("for"),
    )
    perspective = models.CharField(
        _("perspective"), max_length=12, choices=Perspective.choices, default=Perspective.SELF
    )
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.ADULT)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("check-in link")
        indexes = [
            # A relationship's links, open ones first.
            models.Index(fields=["relationship", "used_at", "revoked_at"], name="checkinlink_idx"),
            # Figures (hononga.measures): links sent in a month, quarter or year.
            models.Index(fields=["created_at"], name="checkinlink_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Link for {self.rater} ({self.created_at:%Y-%m-%d})"

    def state(self, now: object = None) -> str:
        """open, used, revoked or expired."""
        moment = now or timezone.now()
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= moment:  # type: ignore[operator]
            return "expired"
        return "open"


class CheckInLinkSend(models.Model):
    """One sending of a link by text or email: who asked, and the message (with its status).

    Each send gives the link a new token, made in the sending task; the earlier one stops
    working. The rate limits count these rows.
    """

    link = models.ForeignKey(CheckInLink, on_delete=models.PROTECT, related_name="sends")
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
        verbose_name = _("check-in link sent")
        indexes = [
            # A link's sends, newest first (the relationship page; the builder's "superseded").
            models.Index(fields=["link", "-created_at"], name="checkinlinksend_link_idx"),
            # The rate limits: sends to one person, and by one user, in the last hours.
            models.Index(fields=["person", "created_at"], name="checkinlinksend_person_idx"),
            models.Index(fields=["sent_by", "created_at"], name="checkinlinksend_user_idx"),
        ]

    def __str__(self) -> str:
        return f"Link {self.link_id} by {self.channel} ({self.created_at:%Y-%m-%d})"


class CheckInSettings(models.Model):
    """The agency's thresholds (one row, pk=1), editable by administrators, every change audited.

    The agency's own SD and alpha are re-estimated daily (`hononga checkins estimate`) from
    baseline check-ins — one per rater and relationship, their first complete self-rating — and
    kept here with their sample size; they replace the defaults once there are `min_sample`.
    """

    low_score = models.DecimalField(
        _("low: score below"), max_digits=3, decimal_places=1, default=Decimal("8.0")
    )
    low_item = models.PositiveSmallIntegerField(
        _("low: any single item at or below"),
        default=5,
        validators=[MaxValueValidator(SCALE_MAX)],
    )
    dropped = models.DecimalField(
        _("dropped: score fell by at least"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    gap_item = models.DecimalField(
        _("perception gap: mirror above self on any item by at least"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    gap_mean = models.DecimalField(
        _("perception gap: mirror above self on the mean by at least"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    overdue_days = models.PositiveSmallIntegerField(
        _("overdue: days without a check-in"),
        default=42,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    rci_z = models.DecimalField(
        _("reliable change: |RCI| above"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.96"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("4"))],
    )
    default_sd = models.DecimalField(
        _("SD until the agency has enough data"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("10"))],
    )
    default_alpha = models.DecimalField(
        _("reliability (alpha) until the agency has enough data"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("0.99"))],
    )
    reliable_change_floor = models.DecimalField(
        _("reliable change: never less than (points)"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.0")), MaxValueValidator(Decimal("5.0"))],
        help_text=_(
            "Answers are whole points from 0 to 10, so a change of less than one point in the "
            "mean is within what one answer more or less explains. Near the top of the scale "
            "the agency's SD is small and the statistical threshold falls with it; the floor "
            "keeps small rises and falls from being called reliable."
        ),
    )
    min_sample = models.PositiveIntegerField(
        _("baseline check-ins needed before using the agency's own SD and alpha"),
        default=100,
        validators=[MinValueValidator(30)],
        help_text=_(
            "A baseline check-in is a person's first complete check-in (all eight answered, "
            "their own view) about one relationship."
        ),
    )
    link_expiry_days = models.PositiveSmallIntegerField(
        _("one-time links expire after (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # The agency's own estimates (see services.estimates_refresh), from baseline check-ins only.
    estimated_n = models.PositiveIntegerField(default=0, editable=False)
    estimated_sd = models.FloatField(null=True, blank=True, editable=False)
    estimated_alpha = models.FloatField(null=True, blank=True, editable=False)
    estimated_alpha_low = models.FloatField(null=True, blank=True, editable=False)
    estimated_alpha_high = models.FloatField(null=True, blank=True, editable=False)
    estimated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The thresholds in force now: what a check-in recorded now is flagged with.
    flag_thresholds = models.ForeignKey(
        FlagThresholds, on_delete=models.PROTECT, null=True, blank=True, editable=False
    )

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("check-in settings")
        verbose_name_plural = _("check-in settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="checkin_settings_single_row"),
        ]

    def __str__(self) -> str:
        return "Check-in settings"

    @property
    def uses_agency_estimates(self) -> bool:
        return (
            self.estimated_n >= self.min_sample
            and self.estimated_sd is not None
            and self.estimated_alpha is not None
            and 0 < self.estimated_alpha < 1
        )
