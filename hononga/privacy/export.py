"""Subject access exports: everything held about one person (or a whānau), as JSON and a PDF.

Built by a background task (`export_build`), section by section, streaming rows to the files so
a large record never sits in memory whole; progress is saved after each section. Files go to
SHARED_STORAGE_DIR/exports/<random folder>/ (every app host reaches it) and expire.

Information about other people is withheld: another person referred to by a record appears as
"withheld: another person" (staff appear by name: they acted in their role). Free text written by
staff about several people (contact notes, relationship notes, harm descriptions) is included but
marked `"review": true` for the privacy officer to check before release. Safety assessments and
other people's answers are withheld and counted. Records marked not for sharing are listed as
withheld with the reason. The person's statements of correction go with their records.
"""

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from fpdf import FPDF

from hononga.accounts.models import User
from hononga.advisories.models import Immunisation
from hononga.audit.models import AuditEvent
from hononga.checkins.models import CheckIn, CheckInLink
from hononga.contacts.models import Contact
from hononga.goals.models import Goal, GoalLink, GoalRating, GoalStep
from hononga.messaging.models import Message
from hononga.privacy.models import (
    Correction,
    ExportStatus,
    RecordType,
    SignInCode,
    SpaceAccess,
    SubjectAccessRequest,
    Withholding,
)
from hononga.relationships.models import Consent, Relationship
from hononga.restorative.models import (
    AgreementItem,
    FollowUp,
    Harm,
    Participant,
    Response,
    SafetyAssessment,
)
from hononga.whanau.models import Membership, Person, Whanau

logger = logging.getLogger("hononga.privacy")
WITHHELD = "withheld: another person"
EXPORT_LIFETIME = timedelta(days=14)
CHUNK = 500
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


def export_dir(request: SubjectAccessRequest) -> Path:
    return Path(settings.SHARED_STORAGE_DIR) / "exports" / str(request.folder)


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


class Serializer:
    """Turns rows into dicts, withholding other people and naming staff."""

    def __init__(self, subject_ids: set[int]) -> None:
        self.subject_ids = subject_ids
        self._users: dict[int, str] = {}

    def user(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self._users:
            found = User.objects.filter(pk=user_id).first()
            self._users[user_id] = found.display_name if found else f"user {user_id}"
        return self._users[user_id]

    def person(self, person_id: int | None) -> Any:
        if person_id is None:
            return None
        return "this person" if person_id in self.subject_ids else WITHHELD

    def row(self, instance: models.Model, *, skip: Iterable[str] = ()) -> dict[str, Any]:
        skipped = set(skip) | {"search_key", "token_hash", "code_hash"}
        data: dict[str, Any] = {}
        for field in instance._meta.concrete_fields:
            if field.name in skipped:
                continue
            if isinstance(field, models.ForeignKey):
                raw = getattr(instance, field.attname)
                target = field.related_model
                if target is Person:
                    data[field.name] = self.person(raw)
                elif target is User:
                    data[field.name] = self.user(raw)
                else:
                    data[field.name] = raw
            else:
                data[field.name] = _value(getattr(instance, field.attname))
        return data

    def history(self, model: type[models.Model], ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """Each record's change history (who, when, what the values were)."""
        found: dict[int, list[dict[str, Any]]] = {}
        historical = getattr(model, "history", None)
        if historical is None or not ids:
            return found
        for row in historical.model.objects.filter(id__in=ids).order_by("id", "history_date"):
            entry = {
                "when": _value(row.history_date),
                "change": {"+": "created", "~": "changed", "-": "deleted"}.get(
                    row.history_type, row.history_type
                ),
                "by": self.user(row.history_user_id),
                "values": self.row(
                    row,
                    skip={
                        "history_id",
                        "history_date",
                        "history_type",
                        "history_user",
                        "history_change_reason",
                        "id",
                    },
                ),
            }
            found.setdefault(row.id, []).append(entry)
        return found


Section = tuple[str, str, Callable[[], Iterator[dict[str, Any]]]]


def _chunks(queryset: models.QuerySet[Any]) -> Iterator[list[Any]]:
    """Keyset pages by id: bounded memory whatever the size."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def person_sections(person: Person, ser: Serializer) -> list[Section]:
    withheld = {
        (w.record_type, w.record_id): w.reason
        for w in Withholding.objects.filter(person=person, lifted_at__isnull=True)
    }
    statements: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for c in Correction.objects.filter(person=person):
        statements.setdefault((c.record_type, c.record_id), []).append(
            {"status": c.status, "statement": c.statement, "decided": _value(c.decided_at)}
        )

    # A restorative process marked not for sharing: every record of it is withheld.
    processes = {
        record_id: reason
        for (record_type, record_id), reason in withheld.items()
        if record_type == RecordType.PROCESS
    }

    def rows(
        queryset: models.QuerySet[Any],
        record_type: str,
        *,
        review: bool = False,
        skip: Iterable[str] = (),
        process_of: Callable[[Any], int] | None = None,
    ) -> Iterator[dict[str, Any]]:
        model = queryset.model
        for batch in _chunks(queryset):
            history = ser.history(model, [r.pk for r in batch])
            for record in batch:
                key = (record_type, record.pk)
                reason = withheld.get(key)
                if reason is None and process_of is not None:
                    reason = processes.get(process_of(record))
                if reason is not None:
                    yield {"id": record.pk, "withheld": True, "reason": reason}
                    continue
                data = ser.row(record, skip=skip)
                if review:
                    data["review"] = True
                if history.get(record.pk):
                    data["history"] = history[record.pk]
                if statements.get(key):
                    data["corrections"] = statements[key]
                yield data

    def details() -> Iterator[dict[str, Any]]:
        yield from rows(Person.objects.filter(pk=person.pk), "person")

    def relationships() -> Iterator[dict[str, Any]]:
        yield from rows(
            Relationship.objects.filter(Q(person_a=person) | Q(person_b=person)),
            "relationship",
            review=True,
        )

    def checkins() -> Iterator[dict[str, Any]]:
        yield from rows(CheckIn.objects.filter(rater=person), "checkin", skip={"counterpart"})

    def links() -> Iterator[dict[str, Any]]:
        yield from rows(CheckInLink.objects.filter(rater=person), "checkinlink")

    def contacts() -> Iterator[dict[str, Any]]:
        yield from rows(Contact.objects.filter(participants=person), "contact", review=True)

    def harms() -> Iterator[dict[str, Any]]:
        yield from rows(
            Harm.objects.filter(Q(harmed=person) | Q(responsible=person)).distinct(),
            "harm",
            review=True,
        )

    def participations() -> Iterator[dict[str, Any]]:
        yield from rows(
            Participant.all_objects.filter(person=person),
            "participant",
            process_of=lambda r: r.process_id,
        )

    def responses() -> Iterator[dict[str, Any]]:
        yield from rows(
            Response.objects.filter(participant__person=person).select_related("participant"),
            "response",
            process_of=lambda r: r.participant.process_id,
        )

    def agreement_items() -> Iterator[dict[str, Any]]:
        yield from rows(
            AgreementItem.objects.filter(Q(owner__person=person) | Q(for_whom__person=person)),
            "agreementitem",
            process_of=lambda r: r.process_id,
        )

    def goals() -> Iterator[dict[str, Any]]:
        yield from rows(Goal.objects.filter(holder=person), "goal")

    def goals_naming() -> Iterator[dict[str, Any]]:
        # Held by the whānau together or by someone else, naming this person: about several
        # people, so marked for review.
        yield from rows(
            Goal.objects.filter(concerns_people=person).exclude(holder=person).distinct(),
            "goal",
            review=True,
        )

    def goal_ratings() -> Iterator[dict[str, Any]]:
        yield from rows(
            GoalRating.objects.filter(Q(rated_by=person) | Q(goal__holder=person)), "goalrating"
        )

    def follow_ups() -> Iterator[dict[str, Any]]:
        yield from rows(
            FollowUp.objects.filter(participant__person=person),
            "followup",
            process_of=lambda r: r.process_id,
        )

    def safety() -> Iterator[dict[str, Any]]:
        count = SafetyAssessment.objects.filter(process__participants__person=person).count()
        if count:
            yield {"withheld": True, "count": count, "reason": "Safety assessments (s 49, 57)."}

    def simple(queryset: models.QuerySet[Any], record_type: str) -> Callable[[], Iterator[Any]]:
        return lambda: rows(queryset, record_type)

    def messages() -> Iterator[dict[str, Any]]:
        for batch in _chunks(Message.objects.filter(person=person)):
            for m in batch:
                yield {
                    "id": m.pk,
                    "channel": m.channel,
                    "purpose": m.purpose,
                    "status": m.status,
                    "to": m.to,
                    "created": _value(m.created_at),
                    "sent": _value(m.sent_at),
                }

    def space() -> Iterator[dict[str, Any]]:
        access = SpaceAccess.objects.filter(person=person).first()
        if access is not None:
            yield ser.row(access, skip={"failed_tries", "locked_until"})
        for used in SignInCode.objects.filter(person=person, used_at__isnull=False).values_list(
            "used_at", flat=True
        ):
            yield {"signed_in": _value(used)}

    def audit() -> Iterator[dict[str, Any]]:
        """Who viewed or changed the person's record, and what they did in their space."""
        condition = Q(target_type="person", target_id=str(person.pk)) | Q(
            actor_username=f"person:{person.pk}"
        )
        last = 0
        while True:
            batch = list(
                AuditEvent.objects.filter(condition, pk__gt=last)
                .order_by("pk")
                .values("pk", "at", "actor_username", "action", "summary")[:CHUNK]
            )
            if not batch:
                return
            for event in batch:
                yield {
                    "when": _value(event["at"]),
                    "who": event["actor_username"],
                    "action": event["action"],
                    "what": event["summary"],
                }
            last = batch[-1]["pk"]

    return [
        ("details", "Details", details),
        ("memberships", "Whānau", simple(Membership.objects.filter(person=person), "membership")),
        ("relationships", "Relationships", relationships),
        ("consents", "Consents", simple(Consent.objects.filter(person=person), "consent")),
        (
            "immunisations",
            "Immunisation",
            simple(Immunisation.objects.filter(person=person), "immunisation"),
        ),
        ("checkins", "Check-in answers", checkins),
        ("checkin_links", "Check-in links", links),
        ("contacts", "Contacts", contacts),
        ("harms", "Harms", harms),
        ("participations", "Restorative processes", participations),
        ("responses", "What they said in restorative processes", responses),
        ("agreement_items", "Agreement items", agreement_items),
        ("follow_ups", "Follow-ups", follow_ups),
        ("goals", "Goals", goals),
        ("goals_naming", "Goals that name them", goals_naming),
        (
            "goal_steps",
            "Goal steps",
            simple(GoalStep.objects.filter(goal__holder=person), "goalstep"),
        ),
        ("goal_ratings", "Goal ratings", goal_ratings),
        ("goal_links", "Goal links", simple(GoalLink.objects.filter(rater=person), "goallink")),
        ("safety_assessments", "Safety assessments", safety),
        (
            "corrections",
            "Requests for correction",
            simple(Correction.objects.filter(person=person), "correction"),
        ),
        ("messages", "Messages sent", messages),
        ("whanau_space", "Whānau space", space),
        ("audit", "Who viewed or changed the record", audit),
    ]


class PdfWriter:
    def __init__(self, title: str) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        self.pdf.set_font("DejaVu", "B", 18)
        self.text(title)
        self.pdf.set_font("DejaVu", "", 9)

    def text(self, value: str) -> None:
        self.pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")

    def heading(self, value: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font("DejaVu", "B", 13)
        self.text(value)
        self.pdf.set_font("DejaVu", "", 9)

    def record(self, data: dict[str, Any]) -> None:
        self.pdf.ln(1)
        for key, value in data.items():
            if key == "history":
                self.text(f"  history: {len(value)} change(s)")
                for entry in value:
                    self.text(f"    {entry['when']} {entry['change']} by {entry['by'] or '—'}")
                continue
            shown = (
                json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
            )
            self.text(f"  {key}: {'—' if shown in (None, '') else shown}"[:2000])


def _write_subject(
    out: Any, pdf: PdfWriter, sections: list[Section], progress: Callable[[str, int], None]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    out.write("{")
    for index, (key, title, rows) in enumerate(sections):
        out.write(("," if index else "") + json.dumps(key) + ":[")
        pdf.heading(title)
        count = 0
        for data in rows():
            out.write(("," if count else "") + json.dumps(data, ensure_ascii=False, default=str))
            pdf.record(data)
            count += 1
        if not count:
            pdf.text("  (nothing held)")
        out.write("]")
        counts[key] = count
        progress(key, count)
    out.write("}")
    return counts


def build(request: SubjectAccessRequest) -> dict[str, Any]:
    folder = export_dir(request)
    folder.mkdir(parents=True, exist_ok=True)
    whanau = request.whanau
    people: list[Person]
    if request.person is not None:
        people = [request.person]
        title = f"Information held about {request.person.full_name}"
    elif whanau is not None:
        people = list(Person.objects.filter(memberships__whanau=whanau).distinct().order_by("id"))
        title = f"Information held about the {whanau.name}"
    else:
        raise ValueError("An export needs a person or a whānau.")
    ser = Serializer({p.pk for p in people})
    total = len(people) * len(person_sections(people[0], ser)) if people else 0
    if whanau is not None:
        total += 1
    SubjectAccessRequest.objects.filter(pk=request.pk).update(total=total, progress=0)
    done = 0

    def progress(_key: str, _count: int) -> None:
        nonlocal done
        done += 1
        SubjectAccessRequest.objects.filter(pk=request.pk).update(progress=done)

    pdf = PdfWriter(title)
    released: dict[str, Any] = {}
    json_path = folder / "export.json"
    with json_path.open("w", encoding="utf-8") as out:
        out.write(
            '{"request":'
            + json.dumps(
                {
                    "id": request.pk,
                    "received_on": _value(request.received_on),
                    "due_on": _value(request.due_on),
                    "made_at": _value(timezone.now()),
                    "note": "Information about other people is withheld; entries marked review are "
                    "checked by the privacy officer before release.",
                }
            )
            + ',"subjects":['
        )
        if whanau is not None:
            ser_whanau = ser.row(whanau)
            ser_whanau["history"] = ser.history(Whanau, [whanau.pk]).get(whanau.pk, [])
            out.write(json.dumps({"whanau": ser_whanau}, ensure_ascii=False, default=str))
            pdf.heading("The whānau")
            pdf.record(ser_whanau)
            progress("whanau", 1)
        for index, person in enumerate(people):
            if index or whanau is not None:
                out.write(",")
            out.write('{"person_id":' + str(person.pk) + ',"records":')
            pdf.heading(f"— {person.full_name} —")
            counts = _write_subject(out, pdf, person_sections(person, ser), progress)
            out.write("}")
            released[str(person.pk)] = counts
        out.write("]}")
    pdf.pdf.output(str(folder / "export.pdf"))
    return released


@task(queue_name="default")
def export_build(request_id: int) -> None:
    """Build the export files (safe to run again: it rewrites them)."""
    request = SubjectAccessRequest.objects.select_related("person", "whanau").get(pk=request_id)
    if request.status in {ExportStatus.READY, ExportStatus.EXPIRED}:
        return
    SubjectAccessRequest.objects.filter(pk=request.pk).update(status=ExportStatus.RUNNING)
    try:
        released = build(request)
    except Exception as error:
        logger.exception("Export %s failed", request.pk)
        SubjectAccessRequest.objects.filter(pk=request.pk).update(
            status=ExportStatus.FAILED, error=type(error).__name__
        )
        raise
    now = timezone.now()
    with transaction.atomic():
        SubjectAccessRequest.objects.filter(pk=request.pk).update(
            status=ExportStatus.READY,
            finished_at=now,
            expires_at=now + EXPORT_LIFETIME,
            released=released,
        )
