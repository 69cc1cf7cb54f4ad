"""Pages for restorative processes: harm, referral, the process page, preparation, safety, the
conference screen, agreement, follow-up, closure, credentials.

Thin: parse input, call a service or selector, render. Outsiders get 404; someone who can see a
process but does not facilitate it gets 403 on every write.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.drafts import clear_after_save, draft_key
from hononga.core.errors import ConflictError, PracticeError
from hononga.core.request import AuthedRequest
from hononga.relationships.models import Relationship
from hononga.restorative import access, lifecycle, pdf, selectors, services
from hononga.restorative.forms import (
    ConferenceDateForm,
    ConferenceForm,
    CredentialEditForm,
    CredentialEndForm,
    CredentialForm,
    FgcStageForm,
    FollowUpRecordForm,
    FollowUpScheduleForm,
    HarmForm,
    ItemForm,
    ItemStatusForm,
    ParticipantAddForm,
    ParticipantRemoveForm,
    PreparationForm,
    ReassignForm,
    ReferForm,
    SafetyForm,
    StateFilterForm,
    TransitionForm,
)
from hononga.restorative.models import (
    CREDENTIAL_NEEDED,
    PRINCIPAL_ROLES,
    AgreementItem,
    FacilitatorCredential,
    FollowUp,
    Participant,
    ProcessKind,
    RestorativeProcess,
    State,
)
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Person

PAGE_SIZE = 25


def _apply_errors(form: Any, error: PracticeError) -> None:
    placed = False
    for field, messages_ in error.errors.items():
        target = field if field in form.fields and not form.fields[field].widget.is_hidden else None
        for message in messages_:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _members(whanau: Any) -> Any:
    return (
        Person.objects.filter(memberships__whanau=whanau, memberships__archived_at__isnull=True)
        .distinct()
        .order_by("preferred_name", "id")
    )


def _process_for_writer(request: AuthedRequest, pk: int) -> RestorativeProcess:
    process = access.get_process_for_user(request.user, pk)
    if not access.can_run_process(request.user, process):
        raise PermissionDenied(_("Only the process's facilitator can change it."))
    return process


def _part_for_writer(request: AuthedRequest, records: Any, pk: int) -> Any:
    """A participant, agreement item or follow-up of a process the user may see (404 otherwise)
    and runs (403 otherwise)."""
    found = records.filter(
        pk=pk, process__in=access.processes_for_user(request.user).values("pk")
    ).first()
    if found is None:
        raise Http404
    if not access.can_run_process(request.user, found.process):
        raise PermissionDenied(_("Only the process's facilitator can change it."))
    return found


def _view_event(request: AuthedRequest, target: Any, whanau_id: int, summary: str) -> None:
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=target,
        whanau_id=whanau_id,
        summary=summary,
        request=request,
    )


# --- Lists ------------------------------------------------------------------------------------


@login_required
def process_list_view(request: AuthedRequest) -> HttpResponse:
    whanau_access.refuse_practice_lead(request.user)
    form = StateFilterForm(request.GET or None)
    state, mine = "", False
    if form.is_bound and form.is_valid():
        state = form.cleaned_data["state"]
        mine = form.cleaned_data["mine"]
    processes = selectors.process_list(user=request.user, state=state, mine=mine)
    page = Paginator(processes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    encoded = urlencode(query)
    today = timezone.localdate()
    reviews = list(selectors.plans_due_for_review(user=request.user, today=today)[:10])
    harm_whanau = list(
        whanau_access.whanau_editable_by(request.user)
        .filter(archived_at__isnull=True, status="open")
        .order_by("name")[:20]
    )
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary="Listed restorative processes",
        request=request,
    )
    return render(
        request,
        "restorative/list.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(query),
            "querystring_without_page": f"{encoded}&" if encoded else "",
            "reviews": reviews,
            "today": today,
            "harm_whanau": harm_whanau,
        },
    )


# --- Harm -------------------------------------------------------------------------------------


@login_required
def harm_create_view(request: AuthedRequest, whanau_pk: int) -> HttpResponse:
    whanau = whanau_access.get_whanau_for_user(request.user, whanau_pk)
    if not access.can_record_harm(request.user, whanau):
        raise PermissionDenied(_("You cannot record harm for this whānau."))
    querysets = {
        "members": _members(whanau),
        "relationships": Relationship.objects.filter(
            whanau=whanau, archived_at__isnull=True, ended__isnull=True
        ).select_related("person_a", "person_b"),
    }
    form = HarmForm(request.POST or None, **querysets)
    key = draft_key(request.user, "harm", "whanau", whanau.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            harm = services.harm_create(
                actor=request.user,
                whanau_id=whanau.pk,
                fields={k: data[k] for k in ("what", "occurred_on", "severity")},
                harmed_ids=[p.pk for p in data["harmed"]],
                responsible_ids=[p.pk for p in data["responsible"]],
                relationship_ids=[r.pk for r in data["relationships"]],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Harm recorded."))
            clear_after_save(request, key)
            return redirect("restorative:harm", pk=harm.pk)
    return render(
        request,
        "restorative/harm_form.html",
        {
            "form": form,
            "whanau": whanau,
            "draft_key": key,
            "restore_draft": request.method != "POST",
        },
    )


@login_required
def harm_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    harm = access.get_harm_for_user(request.user, pk)
    if not access.can_record_harm(request.user, harm.whanau):
        raise PermissionDenied(_("You cannot change this harm record."))
    whanau = harm.whanau
    querysets = {
        "members": _members(whanau),
        "relationships": Relationship.objects.filter(
            whanau=whanau, archived_at__isnull=True
        ).select_related("person_a", "person_b"),
    }
    conflict = None
    if request.method == "POST":
        form = HarmForm(request.POST, **querysets)
        version = request.POST.get("version", "")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.harm_update(
                    actor=request.user,
                    harm_id=harm.pk,
                    expected_version=int(version) if version.isdigit() else 0,
                    changes={k: data[k] for k in ("what", "occurred_on", "severity")},
                    harmed_ids=[p.pk for p in data["harmed"]],
                    responsible_ids=[p.pk for p in data["responsible"]],
                    relationship_ids=[r.pk for r in data["relationships"]],
                    request=request,
                )
            except ConflictError as error:
                conflict = error
                form.add_error(None, error.message)
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Harm record saved."))
                clear_after_save(request, draft_key(request.user, "harm", harm.pk))
                return redirect("restorative:harm", pk=harm.pk)
    else:
        version = str(harm.version)
        form = HarmForm(
            initial={
                "what": harm.what,
                "occurred_on": harm.occurred_on,
                "severity": harm.severity,
                "harmed": list(harm.harmed.all()),
                "responsible": list(harm.responsible.all()),
                "relationships": list(harm.relationships.all()),
            },
            **querysets,
        )
    return render(
        request,
        "restorative/harm_form.html",
        {
            "form": form,
            "whanau": whanau,
            "harm": harm,
            "version": conflict.current_version if conflict else version,
            "conflict": conflict,
            "draft_key": draft_key(request.user, "harm", harm.pk),
            "restore_draft": request.method != "POST",
        },
    )


@login_required
def harm_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    harm = access.get_harm_for_user(request.user, pk)
    _view_event(request, harm, harm.whanau_id, f"Viewed harm in {harm.whanau.name}")
    processes = list(
        access.processes_for_user(request.user)
        .filter(harm=harm)
        .select_related("facilitator")
        .order_by("-id")
    )
    return render(
        request,
        "restorative/harm.html",
        {
            "harm": harm,
            "whanau": harm.whanau,
            "harmed": list(harm.harmed.all()),
            "responsible": list(harm.responsible.all()),
            "relationships": list(harm.relationships.select_related("person_a", "person_b")),
            "processes": processes,
            "can_change": access.can_record_harm(request.user, harm.whanau),
            # One harm, one open process: another referral only once it has ended.
            "can_refer": access.can_record_harm(request.user, harm.whanau)
            and services.open_process_for(harm.pk) is None,
            "history": harm.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@login_required
def refer_view(request: AuthedRequest, pk: int) -> HttpResponse:
    harm = access.get_harm_for_user(request.user, pk)
    if not access.can_record_harm(request.user, harm.whanau):
        raise PermissionDenied(_("You cannot refer this harm."))
    form = ReferForm(request.POST or None, facilitators=services.facilitators())
    under_way = services.open_process_for(harm.pk)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            process = services.process_create(
                actor=request.user,
                harm_id=harm.pk,
                kind=form.cleaned_data["kind"],
                facilitator_id=form.cleaned_data["facilitator"].pk,
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
            status = error.status
            under_way = services.open_process_for(harm.pk)
        else:
            messages.success(request, _("Referred for a restorative process."))
            return redirect("restorative:process", pk=process.pk)
    can_see_under_way = (
        under_way is not None
        and access.processes_for_user(request.user).filter(pk=under_way.pk).exists()
    )
    return render(
        request,
        "restorative/refer.html",
        {
            "form": form,
            "harm": harm,
            "whanau": harm.whanau,
            "under_way": under_way,
            "can_see_under_way": can_see_under_way,
        },
        status=status,
    )


# --- The process page -------------------------------------------------------------------------


def _process_context(request: AuthedRequest, process: RestorativeProcess) -> dict[str, Any]:
    detail = selectors.process_detail(process.pk)
    today = timezone.localdate()
    can_run = access.can_run_process(request.user, detail)
    participants = list(detail.participants.all())
    steps = lifecycle.next_steps(detail, today=today) if not detail.is_finished else []
    safety = detail.safety_assessments.select_related("assessed_by").first()
    items = list(detail.agreement_items.all())
    statements = selectors.agreement_item_statements([item.pk for item in items])
    for item in items:
        item.correction_statements = statements.get(item.pk, [])  # type: ignore[attr-defined]
    return {
        "process": detail,
        "whanau": detail.whanau,
        "participants": participants,
        "principals": [p for p in participants if p.role in PRINCIPAL_ROLES],
        "items": items,
        "follow_ups": list(detail.follow_ups.all()),
        "safety": safety,
        "steps": steps,
        "can_run": can_run,
        "can_stop": can_run and not detail.is_finished,
        "can_remove": can_run and detail.state in services.REMOVAL_STATES,
        "can_reassign": access.can_reassign(request.user, detail),
        "can_plan_conference": can_run and detail.state in services.CONFERENCE_PLANNING_STATES,
        "removed": list(
            Participant.all_objects.filter(process=detail, removed_at__isnull=False)
            .select_related("person", "removed_by")
            .order_by("removed_at")
        ),
        "stop_needs_safety": detail.state not in lifecycle.BEFORE_HELD,
        "states": [
            State.REFERRED,
            State.PREPARING,
            State.READY,
            State.HELD,
            State.MONITORING,
            State.CLOSED,
        ],
        "history": detail.history.select_related("history_user", "facilitator").order_by(
            "-history_date"
        )[:20],
        "today": today,
    }


@login_required
def process_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    process = access.get_process_for_user(request.user, pk)
    _view_event(request, process, process.whanau_id, "Viewed a restorative process")
    return render(request, "restorative/process.html", _process_context(request, process))


@login_required
@require_POST
def transition_view(request: AuthedRequest, pk: int) -> HttpResponse:
    process = _process_for_writer(request, pk)
    form = TransitionForm(request.POST)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.process_transition(
                actor=request.user,
                process_id=process.pk,
                expected_version=data["version"],
                target=data["target"],
                reason=data["reason"],
                outcome_summary=data["outcome_summary"] if data["target"] == State.CLOSED else None,
                on_safety_grounds=data["on_safety_grounds"],
                request=request,
            )
        except PracticeError as error:
            status = error.status
            form.add_error(None, error.message)
            for message in error.errors.get("state", []):
                form.add_error(None, message)
        else:
            label = State(data["target"]).label.lower()
            messages.success(request, _("The process is now %(state)s.") % {"state": label})
            return redirect("restorative:process", pk=process.pk)
    context = _process_context(request, process)
    context["transition_form"] = form
    # A refused move keeps what was typed (the outcome summary, the reason for stopping).
    target = request.POST.get("target", "")
    if target == State.CLOSED:
        context["typed_outcome_summary"] = request.POST.get("outcome_summary", "")
    elif target == State.NOT_PROCEEDING:
        context["typed_reason"] = request.POST.get("reason", "")
        context["typed_on_safety_grounds"] = bool(request.POST.get("on_safety_grounds"))
        context["open_stop"] = True
    return render(request, "restorative/process.html", context, status=status)


@login_required
def reassign_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Administrators (any process) and supervisors (their teams' whānau) give a process
    another facilitator."""
    process = (
        access.reassignable_processes(request.user)
        .select_related("whanau", "facilitator", "harm")
        .filter(pk=pk)
        .first()
    )
    if process is None:
        if access.processes_for_user(request.user).filter(pk=pk).exists():
            raise PermissionDenied(
                _("Only an administrator or the team's supervisor can reassign a process.")
            )
        raise Http404
    candidates = services.facilitators().exclude(pk=process.facilitator_id)
    form: ReassignForm | None = ReassignForm(
        request.POST or None, facilitators=candidates, initial={"version": process.version}
    )
    if process.is_finished:
        form = None
    elif form is not None and request.method == "POST" and form.is_valid():
        try:
            services.process_reassign(
                actor=request.user,
                process_id=process.pk,
                expected_version=form.cleaned_data["version"],
                facilitator_id=form.cleaned_data["facilitator"].pk,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now facilitates this process.")
                % {"name": form.cleaned_data["facilitator"].display_name},
            )
            if access.processes_for_user(request.user).filter(pk=process.pk).exists():
                return redirect("restorative:process", pk=process.pk)
            return redirect("restorative:facilitator_processes", user_pk=process.facilitator_id)
    needed = CREDENTIAL_NEEDED.get(ProcessKind(process.kind))
    return render(
        request,
        "restorative/reassign.html",
        {
            "form": form,
            "process": process,
            "needed": needed,
            # Administrators reassign without seeing the whānau (no case content without
            # breaking glass): the page then names the process by its number only.
            "can_see": access.processes_for_user(request.user).filter(pk=process.pk).exists(),
        },
    )


@login_required
def facilitator_processes_view(request: AuthedRequest, user_pk: int) -> HttpResponse:
    """Administrators: a facilitator's unfinished processes, to reassign them (for example
    when a credential ends early or the facilitator leaves)."""
    if request.user.role != Role.ADMIN:
        raise Http404
    facilitator = User.objects.filter(pk=user_pk).first()
    if facilitator is None:
        raise Http404
    processes = (
        RestorativeProcess.objects.filter(facilitator=facilitator)
        .exclude(state__in=[State.CLOSED, State.NOT_PROCEEDING])
        # No whānau: administrators see no case content here, only what reassigning needs.
        .only("pk", "kind", "state", "whanau_id", "facilitator_id", "created_at")
        .order_by("created_at", "id")
    )
    page = Paginator(processes, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        (p, lifecycle.facilitator_credential_problem(facilitator.pk, p.kind, today=today))
        for p in page.object_list
    ]
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary=f"Listed the unfinished processes of {facilitator.username}",
        data={"processes": [p.pk for p, _problem in rows]},
        request=request,
    )
    return render(
        request,
        "restorative/facilitator_processes.html",
        {
            "facilitator": facilitator,
            "page_obj": page,
            "rows": rows,
            "querystring_without_page": "",
        },
    )


# --- Participants and preparation --------------------------------------------------------------


@login_required
def participant_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    process = _process_for_writer(request, pk)
    form = ParticipantAddForm(request.POST or None, members=_members(process.whanau))
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_add(
                actor=request.user,
                process_id=process.pk,
                person_id=form.cleaned_data["person"].pk,
                role=form.cleaned_data["role"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Participant added."))
            if process.state == State.READY and participant.role in PRINCIPAL_ROLES:
                messages.warning(
                    request,
                    _(
                        "The process is back to preparing: %(name)s must consent and be prepared "
                        "before it is ready again."
                    )
                    % {"name": participant.person.full_name},
                )
            return redirect("restorative:process", pk=process.pk)
    return render(
        request,
        "restorative/simple_form.html",
        {
            "form": form,
            "process": process,
            "whanau": process.whanau,
            "title": _("Add a participant"),
            "submit": _("Add participant"),
            "intro": _(
                "A person harmed or responsible added once the process is ready sends it back to "
                "preparing: they consent and are prepared before the conference, like everyone "
                "else."
            )
            if process.state == State.READY
            else "",
        },
    )


@login_required
def participant_remove_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remove a participant added by mistake, with the reason (before the conference)."""
    participant = _part_for_writer(
        request, Participant.objects.select_related("process__whanau", "person"), pk
    )
    process = participant.process
    form = ParticipantRemoveForm(request.POST or None, initial={"version": participant.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_remove(
                actor=request.user,
                participant_id=participant.pk,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is no longer a participant.") % {"name": participant.person.full_name},
            )
            return redirect("restorative:process", pk=process.pk)
    return render(
        request,
        "restorative/simple_form.html",
        {
            "form": form,
            "process": process,
            "whanau": process.whanau,
            "title": _("Remove %(name)s from the process") % {"name": participant.person.full_name},
            "intro": _(
                "Only for a participant added by mistake, before the conference is held. The "
                "record is kept with your reason and shown on the process page; the person can "
                "be added again later."
            ),
            "submit": _("Remove participant"),
            "danger": True,
        },
    )


@login_required
def preparation_view(request: AuthedRequest, pk: int) -> HttpResponse:
    participant = _part_for_writer(
        request,
        Participant.objects.select_related("process__whanau", "person", "consent_recorded_by"),
        pk,
    )
    process = participant.process
    if request.method == "POST":
        form = PreparationForm(request.POST, instance=participant)
        # The instance is changed by the form; the service works on a fresh copy.
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in PreparationForm.Meta.fields}
            try:
                services.participant_prepare(
                    actor=request.user,
                    participant_id=participant.pk,
                    expected_version=form.cleaned_data["version"],
                    changes=changes,
                    request=request,
                )
            except ConflictError as error:
                form.add_error(None, error.message)
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Preparation saved."))
                clear_after_save(request, draft_key(request.user, "preparation", participant.pk))
                return redirect("restorative:process", pk=process.pk)
    else:
        form = PreparationForm(instance=participant, initial={"version": participant.version})
    return render(
        request,
        "restorative/preparation.html",
        {
            "form": form,
            "participant": participant,
            "process": process,
            "whanau": process.whanau,
            "draft_key": draft_key(request.user, "preparation", participant.pk),
            "restore_draft": request.method != "POST",
        },
    )


# --- Safety -----------------------------------------------------------------------------------


@login_required
def safety_view(request: AuthedRequest, pk: int) -> HttpResponse:
    process = _process_for_writer(request, pk)
    form = SafetyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.safety_assess(
                actor=request.user,
                process_id=process.pk,
                fields={name: form.cleaned_data[name] for name in SafetyForm.Meta.fields},
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Safety assessment saved."))
            clear_after_save(request, draft_key(request.user, "safety", process.pk))
            return redirect("restorative:process", pk=process.pk)
    return render(
        request,
        "restorative/simple_form.html",
        {
            "form": form,
            "process": process,
            "whanau": process.whanau,
            "title": _("Safety assessment"),
            "submit": _("Save the assessment"),
            "draft_key": draft_key(request.user, "safety", process.pk),
            "restore_draft": request.method != "POST",
            "intro": _(
                "Risk of further harm, power imbalance, readiness, and whether the person "
                "responsible accepts responsibility. You can stop the process on safety grounds "
                "at any point from the process page."
            ),
        },
    )


# --- Conference -------------------------------------------------------------------------------


@login_required
def conference_view(request: AuthedRequest, pk: int) -> HttpResponse:
    process = _process_for_writer(request, pk)
    participants = selectors.participants_in_voice_order(process)
    form = ConferenceForm(request.POST or None, participants=participants)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.responses_record(
                actor=request.user, process_id=process.pk, answers=form.answers(), request=request
            )
        except PracticeError as error:
            for field, messages_ in error.errors.items():
                name = f"p{field.replace('-', '_')}"
                for message in messages_:
                    form.add_error(name if name in form.fields else None, message)
            if not error.errors:
                form.add_error(None, error.message)
        else:
            messages.success(
                request,
                ngettext("%(n)s answer saved.", "%(n)s answers saved.", saved) % {"n": saved},
            )
            clear_after_save(request, draft_key(request.user, "conference", process.pk))
            return redirect("restorative:conference", pk=process.pk)
    if request.method != "POST":
        _view_event(request, process, process.whanau_id, "Opened the conference screen")
    all_participants = process.participants.select_related("person")
    return render(
        request,
        "restorative/conference.html",
        {
            "form": form,
            "groups": [(p, [form[name] for name in names]) for p, names in form.groups],
            "process": process,
            "whanau": process.whanau,
            "item_form": ItemForm(participants=all_participants),
            "stage_form": FgcStageForm(initial={"fgc_stage": process.fgc_stage}),
            "items": list(
                process.agreement_items.select_related("owner__person", "for_whom__person")
            ),
            "open": process.state in services.CONFERENCE_STATES,
            "draft_key": draft_key(request.user, "conference", process.pk),
            "restore_draft": request.method != "POST",
            "answers_version": selectors.answers_version(process),
        },
    )


@login_required
@require_POST
def fgc_stage_view(request: AuthedRequest, pk: int) -> HttpResponse:
    process = _process_for_writer(request, pk)
    form = FgcStageForm(request.POST)
    try:
        if not form.is_valid():
            raise PracticeError(_("Choose a stage of the conference."))
        services.process_set_fgc_stage(
            actor=request.user,
            process_id=process.pk,
            stage=form.cleaned_data["fgc_stage"],
            request=request,
        )
    except PracticeError as error:
        messages.error(request, error.message)
    return redirect("restorative:conference", pk=process.pk)


@login_required
@require_POST
def conference_date_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """The date the conference is planned for, set where it is prepared (the process page). A
    refused date is shown beside the field, with what was typed, on the process page."""
    process = _process_for_writer(request, pk)
    form = ConferenceDateForm(request.POST)
    status = 200
    if not form.is_valid():
        if "conference_planned_on" in form.errors:
            form.errors["conference_planned_on"] = form.error_class(
                [_("Enter the date as a day, month and year, for example 28/02/2027.")]
            )
        if "version" in form.errors:
            del form.errors["version"]
            form.add_error(None, _("This page is out of date. Reload it and try again."))
        status = 422
    else:
        try:
            services.process_plan_conference(
                actor=request.user,
                process_id=process.pk,
                expected_version=form.cleaned_data["version"],
                planned_on=form.cleaned_data["conference_planned_on"],
                request=request,
            )
        except ConflictError:
            messages.error(
                request,
                _("Someone changed this process since you opened it. Check and try again."),
            )
        except PracticeError as error:
            status = error.status
            _apply_errors(form, error)
        else:
            messages.success(request, _("The planned conference date was saved."))
    if status == 200:
        return redirect(reverse("restorative:process", args=[process.pk]) + "#conference-title")
    context = _process_context(request, process)
    context["conference_form"] = form
    context["typed_conference_date"] = request.POST.get("conference_planned_on", "")[:40]
    return render(request, "restorative/process.html", context, status=status)


# --- Agreement --------------------------------------------------------------------------------


@login_required
def item_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    process = _process_for_writer(request, pk)
    participants = process.participants.select_related("person")
    form = ItemForm(request.POST or None, participants=participants)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_create(
                actor=request.user,
                process_id=process.pk,
                what=data["what"],
                owner_id=data["owner"].pk,
                for_whom_id=data["for_whom"].pk if data["for_whom"] else None,
                due=data["due"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Agreement item added."))
            back = (
                "restorative:conference"
                if request.POST.get("from") == "conference"
                else ("restorative:process")
            )
            return redirect(back, pk=process.pk)
    return render(
        request,
        "restorative/simple_form.html",
        {
            "form": form,
            "process": process,
            "whanau": process.whanau,
            "title": _("Add an agreement item"),
            "submit": _("Add the item"),
            "intro": _("Agreement items are specific: what, who does it, for whom, by when."),
        },
    )


@login_required
def item_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _part_for_writer(
        request,
        AgreementItem.objects.select_related(
            "process__whanau", "owner__person", "for_whom__person"
        ),
        pk,
    )
    process = item.process
    conflict = None
    if request.method == "POST":
        form = ItemStatusForm(request.POST)
        if form.is_valid():
            try:
                services.item_update(
                    actor=request.user,
                    item_id=item.pk,
                    expected_version=form.cleaned_data["version"],
                    changes={
                        "status": form.cleaned_data["status"],
                        "status_reason": form.cleaned_data["status_reason"],
                    },
                    request=request,
                )
            except ConflictError as error:
                conflict = error
                form.add_error(None, error.message)
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Agreement item saved."))
                return redirect("restorative:process", pk=process.pk)
    else:
        form = ItemStatusForm(
            initial={
                "version": item.version,
                "status": item.status,
                "status_reason": item.status_reason,
            }
        )
    return render(
        request,
        "restorative/item.html",
        {
            "form": form,
            "item": item,
            "process": process,
            "whanau": process.whanau,
            "conflict": conflict,
        },
    )


# --- Follow-up --------------------------------------------------------------------------------


def _principal_participants(process: RestorativeProcess) -> Any:
    return process.participants.filter(role__in=PRINCIPAL_ROLES).select_related("person")


@login_required
def follow_up_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    process = _process_for_writer(request, pk)
    form = FollowUpScheduleForm(request.POST or None, participants=_principal_participants(process))
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_schedule(
                actor=request.user,
                process_id=process.pk,
                participant_id=form.cleaned_data["participant"].pk,
                scheduled_for=form.cleaned_data["scheduled_for"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Follow-up scheduled."))
            return redirect("restorative:process", pk=process.pk)
    return render(
        request,
        "restorative/simple_form.html",
        {
            "form": form,
            "process": process,
            "whanau": process.whanau,
            "title": _("Schedule a follow-up"),
            "submit": _("Schedule"),
            "intro": _(
                "Follow-up with the people harmed is what most predicts whether they feel the "
                "process was worth it."
            ),
        },
    )


@login_required
def follow_up_view(request: AuthedRequest, pk: int) -> HttpResponse:
    follow_up = _part_for_writer(
        request, FollowUp.objects.select_related("process__whanau", "participant__person"), pk
    )
    process = follow_up.process
    form = FollowUpRecordForm(
        request.POST or None,
        initial={"rating": follow_up.rating, "own_words": follow_up.own_words},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(
                actor=request.user,
                follow_up_id=follow_up.pk,
                rating=form.cleaned_data["rating"],
                own_words=form.cleaned_data["own_words"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Follow-up recorded."))
            clear_after_save(request, draft_key(request.user, "follow-up", follow_up.pk))
            return redirect("restorative:process", pk=process.pk)
    return render(
        request,
        "restorative/simple_form.html",
        {
            "form": form,
            "process": process,
            "whanau": process.whanau,
            "title": _("Follow-up with %(name)s")
            % {"name": follow_up.participant.person.full_name},
            "submit": _("Save the follow-up"),
            "draft_key": draft_key(request.user, "follow-up", follow_up.pk),
            "restore_draft": request.method != "POST",
            # Each recording adds a history row: a draft older than the last one is not restored.
            "draft_version": follow_up.history.count(),
        },
    )


# --- The agreement as a PDF -------------------------------------------------------------------


@login_required
def agreement_pdf_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """The plain-language agreement, one copy per participant (?participant=<id>)."""
    process = access.get_process_for_user(request.user, pk)
    detail = selectors.process_detail(process.pk)
    participants = list(detail.participants.all())
    chosen = request.GET.get("participant", "")
    copy_for = next((p for p in participants if str(p.pk) == chosen), None)
    if chosen and copy_for is None:
        raise Http404
    content = pdf.agreement_pdf(detail, copy_for=copy_for)
    record_event(
        actor=request.user,
        action=Action.EXPORT,
        target=process,
        whanau_id=process.whanau_id,
        summary="Exported a restorative agreement (PDF)",
        data={"participant": copy_for.pk if copy_for else None},
        request=request,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{process.pk}.pdf"'
    return response


# --- Facilitator credentials ------------------------------------------------------------------


@login_required
def credentials_view(request: AuthedRequest) -> HttpResponse:
    if request.user.role != Role.ADMIN:
        raise Http404
    form = CredentialForm(request.POST or None, facilitators=services.facilitators())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.credential_create(
                actor=request.user,
                user_id=data["user"].pk,
                level=data["level"],
                issued=data["issued"],
                expires=data["expires"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Credential recorded."))
            return redirect("restorative:credentials")
    credentials = FacilitatorCredential.objects.select_related("user").order_by(
        "user__username", "level", "-expires"
    )
    page = Paginator(credentials, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "restorative/credentials.html",
        {
            "form": form,
            "page_obj": page,
            "today": timezone.localdate(),
            "querystring_without_page": "",
        },
    )


def _admin_credential(request: AuthedRequest, pk: int) -> FacilitatorCredential:
    if request.user.role != Role.ADMIN:
        raise Http404
    credential = FacilitatorCredential.objects.select_related("user").filter(pk=pk).first()
    if credential is None:
        raise Http404
    return credential


def _credential_page(
    request: AuthedRequest,
    credential: FacilitatorCredential,
    *,
    edit_form: CredentialEditForm | None = None,
    end_form: CredentialEndForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    if edit_form is None:
        edit_form = CredentialEditForm(
            initial={
                "version": credential.version,
                "level": credential.level,
                "issued": credential.issued,
                "expires": credential.expires,
            },
            prefix="edit",
        )
    if end_form is None and credential.ended_on is None:
        end_form = CredentialEndForm(
            initial={"version": credential.version, "ended_on": today}, prefix="end"
        )
    affected = services.processes_needing_credential(credential)
    return render(
        request,
        "restorative/credential.html",
        {
            "credential": credential,
            "edit_form": edit_form,
            "end_form": end_form if credential.ended_on is None else None,
            "affected": list(affected[: PAGE_SIZE + 1]),
            "page_size": PAGE_SIZE,
            "history": credential.history.select_related("history_user").order_by("-history_date")[
                :20
            ],
            "today": today,
        },
        status=status,
    )


@login_required
def credential_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """One credential: correct it, end it early, and see the processes that rely on it."""
    credential = _admin_credential(request, pk)
    if request.method != "POST":
        return _credential_page(request, credential)
    form = CredentialEditForm(request.POST, prefix="edit")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.credential_update(
                actor=request.user,
                credential_id=credential.pk,
                expected_version=data["version"],
                changes={k: data[k] for k in ("level", "issued", "expires")},
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Credential saved."))
            return redirect("restorative:credential", pk=credential.pk)
    return _credential_page(request, credential, edit_form=form, status=422)


@login_required
@require_POST
def credential_end_view(request: AuthedRequest, pk: int) -> HttpResponse:
    credential = _admin_credential(request, pk)
    form = CredentialEndForm(request.POST, prefix="end")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.credential_end(
                actor=request.user,
                credential_id=credential.pk,
                expected_version=data["version"],
                ended_on=data["ended_on"],
                reason=data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The credential has ended. Reassign any process below that needs it."),
            )
            return redirect("restorative:credential", pk=credential.pk)
    return _credential_page(request, credential, end_form=form, status=422)
