from django.http import HttpRequest
from ninja import Router

router = Router(tags=["accounts"])


@router.get("/me", url_name="me")
def me(request: HttpRequest) -> dict[str, str]:
    return {"username": request.user.get_username()}
