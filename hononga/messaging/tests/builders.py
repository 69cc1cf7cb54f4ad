"""A message builder for the tests: makes a 'one-time' code at send time, as features will."""

import secrets

from hononga.messaging.models import Message
from hononga.messaging.rendering import Content

ISSUED: list[str] = []


def build_code_message(message: Message, *, greeting: str) -> Content:
    code = secrets.token_urlsafe(12)
    ISSUED.append(code)
    link = f"https://hononga.example.org/c/{code}"
    return Content(
        subject="Your link",
        text=f"{greeting}, open {link} to answer.",
        html=f'<p>{greeting}, <a href="{link}">open your link</a> ({link}).</p>',
        secrets=(link,),
    )
