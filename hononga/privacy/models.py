"""Privacy rights: the whānau space (IPP 6), corrections (IPP 7), subject access exports and
retention (IPP 9).

- SpaceAccess: whether a person may sign in to the whānau space. Off until a practitioner opens
  it after a safety check (reason recorded); closing it takes effect on the person's next request.
- SignInCode: a one-time code sent to the person's consented phone or email. Only its hash is
  kept; it expires 10 minutes after it was made, and wrong tries are counted per person.
- Withholding: a record a practitioner marked "not for sharing" (with a reason): the whānau space
  and the person's export leave it out.
- Correction: "this is not right" from the whānau space, and its decision.
- SubjectAccessRequest: an export of everything held about a person or a whānau.
- RetentionRule, LegalHold, DisposalRun, Disposal: disposal under a disposal authority.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hononga.whanau.models import Person, Whanau

TEXT_MAX = 2000


class SpaceAccess(models.Model):
    """Whether one person may sign in to the whānau space, and who decided."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="space_access")
    is_open = models.BooleanField(default=False)
    reason = models.TextField(
        _("safety check and reason"),
        max_length=TEXT_MAX,
        help_text=_(
            "What you checked: who can see this person's phone and email, and that nobody "
            "they need protecting from can sign in with them."
        ),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(_("why it is closed"), max_length=TEXT_MAX, blank=True)
    # Wrong codes in a row; at the limit the person waits until `locked_until`.
    failed_tries = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("whānau space access")

    def __str__(self) -> str:
        return f"{self.person_id}: {'open' if self.is_open else 'closed'}"


class SignInCode(models.Model):
    """One code sent to a person. The code exists only in the message; the hash is kept."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10)
    # The sign-in attempt in the browser session that asked for it (a random id, not a secret).
    attempt = models.UUIDField(default=uuid.uuid4, db_index=True)
    code_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # set when the code is made
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "-created_at"], name="signincode_person_idx")]

    def __str__(self) -> str:
        return f"code for {self.person_id} ({self.created_at:%Y-%m-%d %H:%M})"


class RecordType(models.TextChoices):
    PERSON = "person", _("Your details")
    MEMBERSHIP = "membership", _("Whānau you belong to")
    RELATIONSHIP = "relationship", _("A relationship")
    CHECKIN = "checkin", _("A check-in answer")
    CONTACT = "contact", _("A meeting or call")
    AGREEMENT_ITEM = "agreementitem", _("An agreement item")
    CONSENT = "consent", _("A consent")
    IMMUNISATION = "immunisation", _("An immunisation record")
    GOAL = "goal", _("A goal")
    # A restorative process as a whole: its agreement, its PDF copy, its meetings.
    PROCESS = "process", _("A restorative process")


class Withholding(models.Model):
    """A record marked not for sharing with the person it concerns (with the reason)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    record_id = models.BigIntegerField()
    reason = models.TextField(_("why it is not shared"), max_length=TEXT_MAX)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "record_type"], name="withholding_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "record_type", "record_id"],
                condition=Q(lifted_at__isnull=True),
                name="one_live_withholding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} withheld from {self.person_id}"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    CORRECTED = "corrected", _("Corrected")
    NOT_CORRECTED = "not_corrected", _("Not corrected: statement of correction attached")


class Correction(models.Model):
    """A person's request to correct something held about them (Privacy Act 2020, IPP 7).

    Decided by the practitioner or supervisor: corrected (what was changed is noted), or not
    corrected (the reason is given, and the person's own words are attached to the record as a
    statement of correction, shown with it everywhere from then on).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="corrections")
    # The whānau whose staff decide it (the person's whānau when they asked).
    whanau = models.ForeignKey(Whanau, on_delete=models.PROTECT, related_name="corrections")
    record_type = models.CharField(_("what"), max_length=20, choices=RecordType.choices)
    record_id = models.BigIntegerField()
    record_label = models.CharField(max_length=300, blank=True)  # what the person saw
    what_is_wrong = models.TextField(_("what is not right"), max_length=TEXT_MAX)
    should_say = models.TextField(_("what it should say"), max_length=TEXT_MAX, blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("answer due"))
    reminded_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(
        _("what was changed, or why not"), max_length=TEXT_MAX, blank=True
    )
    statement = models.TextField(_("statement of correction"), max_length=TEXT_MAX, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("correction request")
        indexes = [
            models.Index(fields=["whanau", "status", "due_on"], name="correction_whanau_idx"),
            models.Index(fields=["status", "due_on"], name="correction_due_idx"),
            models.Index(fields=["record_type", "record_id"], name="correction_record_idx"),
            models.Index(fields=["person", "-asked_at"], name="correction_person_idx"),
        ]

    def __str__(self) -> str:
        return f"Correction {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == CorrectionStatus.OPEN


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class SubjectAccessRequest(models.Model):
    """A request for everything held about a person (or a whānau), and the export made for it."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    whanau = models.ForeignKey(
        Whanau, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("the request"), max_length=TEXT_MAX)
    received_on = models.DateField(_("request received on"))
    due_on = models.DateField(_("due"))
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # The folder under SHARED_STORAGE_DIR/exports: random, so names reveal nothing.
    folder = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # What was released and what withheld: counts per record type.
    released = models.JSONField(default=dict, blank=True)
    released_on = models.DateField(_("released to the person on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("subject access request")
        permissions = [
            (
                "privacy_officer",
                "Privacy officer: subject access exports, retention (every use audited)",
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="sar_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(whanau__isnull=False),
                name="sar_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.status})"


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Delete")
    DEIDENTIFY = "deidentify", _("De-identify")


class RetentionTarget(models.TextChoices):
    CHECKIN_LINKS = "checkin_links", _("Check-in links, used, revoked or expired")
    SIGN_IN_CODES = "sign_in_codes", _("Whānau space sign-in codes")
    EXPORTS = "exports", _("Subject access export files")
    CLOSED_WHANAU = "closed_whanau", _("A closed whānau's case records")


class RetentionRule(models.Model):
    """One rule of the agency's retention schedule, citing the disposal authority it implements."""

    target = models.CharField(
        _("records"), max_length=30, choices=RetentionTarget.choices, unique=True
    )
    keep_days = models.PositiveIntegerField(_("kept for (days)"))
    action = models.CharField(_("then"), max_length=12, choices=RetentionAction.choices)
    authority = models.CharField(
        _("disposal authority"),
        max_length=200,
        help_text=_("The authority issued under the Public Records Act 2005, e.g. DA 123."),
    )
    authority_class = models.CharField(_("class"), max_length=100)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["target"]
        verbose_name = _("retention rule")

    def __str__(self) -> str:
        return f"{self.get_target_display()}: {self.keep_days} days ({self.authority})"


class LegalHold(models.Model):
    """Keeps a whānau's or a person's records from disposal until lifted."""

    whanau = models.ForeignKey(
        Whanau, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField(_("reason"), max_length=TEXT_MAX)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("legal hold")
        indexes = [
            models.Index(fields=["whanau", "lifted_at"], name="hold_whanau_idx"),
            models.Index(fields=["person", "lifted_at"], name="hold_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(whanau__isnull=False),
                name="hold_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"Hold {self.pk}"


class DisposalRun(models.Model):
    """One run of `hononga retention` (a dry run reports; a real run disposes)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField()
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{'Dry run' if self.dry_run else 'Disposal'} {self.started_at:%Y-%m-%d %H:%M}"


class Disposal(models.Model):
    """What was disposed of, when, and under which rule (no personal content)."""

    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="disposals")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="disposals")
    record_type = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    action = models.CharField(max_length=12, choices=RetentionAction.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id"], name="disposal_record_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.record_type} {self.record_id}"
