"""Writes for accounts: API tokens, users and teams. Every write is audited."""

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import ApiToken, Role, Team, User, hash_token
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import NotFound, PracticeError
from hononga.core.models import Region
from hononga.core.services import validate

MAX_LIVE_TOKENS = 20


def token_create(
    *,
    user: User,
    name: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    source: str = "",
) -> tuple[ApiToken, str]:
    """Create a token; return it with the raw value, which is shown once and never stored.

    `actor` is who made it (default: the user themself); `source` notes where, such as
    "command line", in the audit event.
    """
    name = name.strip()
    if not name or len(name) > 100:
        message = _("Give the token a name of 1 to 100 characters, such as what will use it.")
        raise PracticeError(message, errors={"name": [message]})
    if not user.is_active:
        raise PracticeError(_("This account is not active."))
    with transaction.atomic():
        if ApiToken.objects.usable().filter(user=user).count() >= MAX_LIVE_TOKENS:
            raise PracticeError(
                _("You have %(n)s tokens in use; revoke one first.") % {"n": MAX_LIVE_TOKENS}
            )
        raw = ApiToken.generate()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            token_hash=hash_token(raw),
            prefix=raw[:10],
            expires_at=timezone.now() + settings.API_TOKEN_LIFETIME,
        )
        record_event(
            actor=actor or user,
            action=Action.TOKEN,
            target=token,
            summary=f"Created API token {token.prefix}… for {user.username}"
            + (f" ({source})" if source else ""),
            data={"user": user.username, **({"source": source} if source else {})},
            request=request,
        )
    return token, raw


def token_revoke(
    *,
    user: User,
    token_id: int,
    actor: User | None = None,
    request: HttpRequest | None = None,
    source: str = "",
) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise NotFound(_("That token was not found."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event(
                actor=actor or user,
                action=Action.TOKEN,
                target=token,
                summary=f"Revoked API token {token.prefix}… of {user.username}"
                + (f" ({source})" if source else ""),
                data={"user": user.username, **({"source": source} if source else {})},
                request=request,
            )
    return token


# --- Users and teams (administrators) ------------------------------------------------------------

USER_FIELDS = ("first_name", "last_name", "preferred_name", "email", "role", "is_active")


def _require_admin(actor: User) -> None:
    if not (actor.is_active and actor.role == Role.ADMIN):
        raise NotFound(_("Not found."))


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        messages = [str(m) for m in error.messages]
        raise PracticeError(messages[0], errors={"password": messages}) from None


def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    role: str,
    teams: list[Team] | None = None,
    lead_regions: list[Region] | None = None,
    first_name: str = "",
    last_name: str = "",
    preferred_name: str = "",
    email: str = "",
    request: HttpRequest | None = None,
) -> User:
    """An administrator adds a staff login. The password is hashed (argon2) at once."""
    _require_admin(actor)
    user = User(
        username=username.strip(),
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_name=preferred_name.strip(),
        email=email.strip(),
    )
    validate(user, exclude=["password"])
    _check_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the username was taken between the check and the save
            message = _("A user with that username already exists.")
            raise PracticeError(message, errors={"username": [message]}) from None
        user.teams.set(teams or [])
        regions = lead_regions if role == Role.PRACTICE_LEAD else []
        user.lead_regions.set(regions or [])
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=user,
            summary=f"Created user {user.username} ({user.role})",
            data={
                "teams": sorted(t.pk for t in teams or []),
                "lead_regions": sorted(r.pk for r in regions or []),
            },
            request=request,
        )
    return user


def user_update(
    *,
    actor: User,
    user: User,
    changes: dict[str, Any],
    teams: list[Team] | None = None,
    lead_regions: list[Region] | None = None,
    password: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Change a user's details, role, teams or active state; optionally set a new password.

    Users are never deleted (the audit trail and case history name them); they are deactivated.
    """
    _require_admin(actor)
    if user.pk == actor.pk and (
        changes.get("is_active") is False or changes.get("role", Role.ADMIN) != Role.ADMIN
    ):
        message = _(
            "You cannot deactivate yourself or remove your own administrator role: "
            "ask another administrator."
        )
        raise PracticeError(message, errors={"__all__": [message]})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        diff: dict[str, list[Any]] = {}
        for name in USER_FIELDS:
            if name in changes:
                value = changes[name]
                value = value.strip() if isinstance(value, str) else value
                old = getattr(user, name)
                if old != value:
                    diff[name] = [old, value]
                    setattr(user, name, value)
        validate(user, exclude=["password"])
        if password:
            _check_password(password, user)
            user.set_password(password)
            diff["password"] = ["…", "(new password set)"]
        if teams is not None:
            old_teams = sorted(user.teams.values_list("pk", flat=True))
            new_teams = sorted(t.pk for t in teams)
            if old_teams != new_teams:
                user.teams.set(teams)
                diff["teams"] = [old_teams, new_teams]
        if user.role != Role.PRACTICE_LEAD:
            lead_regions = []  # only a practice lead leads regions
        if lead_regions is not None:
            old_regions = sorted(user.lead_regions.values_list("pk", flat=True))
            new_regions = sorted(r.pk for r in lead_regions)
            if old_regions != new_regions:
                user.lead_regions.set(lead_regions)
                diff["lead_regions"] = [old_regions, new_regions]
        if not diff:
            return user
        user.save()
        if diff.get("is_active") == [True, False]:
            summary = f"Deactivated user {user.username}"
        elif diff.get("is_active") == [False, True]:
            summary = f"Reactivated user {user.username}"
        else:
            summary = f"Changed user {user.username}: {', '.join(sorted(diff))}"
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=user,
            summary=summary,
            data={"changes": {k: v for k, v in diff.items() if k != "password"}},
            request=request,
        )
    return user


def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    return user_update(actor=actor, user=user, changes={"is_active": False}, request=request)


def _region(region: Region | None, new_region: str) -> Region:
    new_region = new_region.strip()
    if new_region:
        if len(new_region) > 100:
            message = _("A region name has at most 100 characters.")
            raise PracticeError(message, errors={"new_region": [message]})
        found, _created = Region.objects.get_or_create(name=new_region)
        return found
    if region is None:
        message = _("Choose a region, or name a new one.")
        raise PracticeError(message, errors={"region": [message]})
    return region


def team_create(
    *,
    actor: User,
    name: str,
    region: Region | None,
    new_region: str = "",
    request: HttpRequest | None = None,
) -> Team:
    _require_admin(actor)
    with transaction.atomic():
        team = Team(name=name.strip(), region=_region(region, new_region))
        validate(team)
        team.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=team,
            summary=f"Created team {team.name} in {team.region.name}",
            request=request,
        )
    return team


def team_update(
    *,
    actor: User,
    team: Team,
    name: str,
    region: Region | None,
    new_region: str = "",
    request: HttpRequest | None = None,
) -> Team:
    _require_admin(actor)
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        old = {"name": team.name, "region": team.region.name}
        team.name = name.strip()
        team.region = _region(region, new_region)
        validate(team)
        new = {"name": team.name, "region": team.region.name}
        if old == new:
            return team
        team.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=team,
            summary=f"Changed team {team.name}",
            data={"changes": {k: [old[k], new[k]] for k in old if old[k] != new[k]}},
            request=request,
        )
    return team
