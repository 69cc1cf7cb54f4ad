"""API for the signed-in user, teams, and the user's own API tokens."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hononga.accounts.models import ApiToken, Role, Team, User
from hononga.accounts.services import token_revoke
from hononga.core.api import ERRORS, READ_ERRORS, PathId, reject_unknown_query
from hononga.core.pagination import Pagination

router = Router(tags=["accounts"])


class RegionOut(Schema):
    id: int
    name: str = Field(examples=["Waikato"])


class TeamOut(Schema):
    id: int
    name: str = Field(examples=["Kirikiriroa"])
    region: RegionOut


class MeOut(Schema):
    id: int
    username: str = Field(examples=["aroha"])
    display_name: str = Field(examples=["Aroha"])
    preferred_name: str
    role: Role
    teams: list[TeamOut]

    @staticmethod
    def resolve_teams(obj: User) -> list[Team]:
        return list(obj.teams.select_related("region").order_by("name"))


class TeamFilters(Schema):
    mine: bool = Field(False, description="Only the teams you belong to.")


class TokenOut(Schema):
    id: int
    name: str = Field(examples=["Nightly export script"])
    prefix: str = Field(description="The first characters of the token, to tell them apart.")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_usable: bool


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


@router.get("/me", response={200: MeOut, **READ_ERRORS}, tags=["me"], url_name="me")
def me(request: HttpRequest) -> User:
    """Who the token belongs to: role and teams."""
    return _user(request)


@router.get("/teams", response={200: list[TeamOut], **READ_ERRORS}, tags=["teams"])
@paginate(Pagination)
def list_teams(request: HttpRequest, filters: Query[TeamFilters]) -> QuerySet[Team]:
    """Teams, with their regions (read only; administrators manage them on the pages)."""
    reject_unknown_query(request, TeamFilters)
    teams = Team.objects.select_related("region").order_by("name", "id")
    if filters.mine:
        teams = teams.filter(members=_user(request))
    return teams


@router.get("/tokens", response={200: list[TokenOut], **READ_ERRORS}, tags=["tokens"])
@paginate(Pagination)
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    """Your own API tokens (never the tokens themselves: only a hash is stored).

    Tokens are created on your account page or with `hononga token create`, not through the
    API, so that a leaked token cannot mint others.
    """
    reject_unknown_query(request)
    return ApiToken.objects.filter(user=_user(request)).select_related("user").order_by("-id")


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS}, tags=["tokens"])
def revoke_token(request: HttpRequest, token_id: int = PathId) -> ApiToken:
    """Revoke one of your tokens (the one you are using, too). It stops working at once."""
    token = token_revoke(user=_user(request), token_id=token_id, request=request)
    return ApiToken.objects.select_related("user").get(pk=token.pk)
