"""The restorative questions (our wording, DESIGN.md), in the order they are asked."""

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hononga.restorative.models import ParticipantRole, Question

RESPONSIBLE = {
    Question.HAPPENED: _("Tell us in your own words what happened."),
    Question.THINKING: _("What was going on for you at the time?"),
    Question.SINCE: _("What have you thought about since?"),
    Question.AFFECTED: _("Who do you think has been affected, and how?"),
    Question.REPAIR: _("What could you do to help put things right?"),
    Question.PREVENT: _("What would help stop this happening again?"),
}
HARMED = {
    Question.HAPPENED: _("What went through your mind when you found out what had happened?"),
    Question.THINKING: _("How has this affected you and the people around you?"),
    Question.SINCE: _("What has been the hardest part for you?"),
    Question.REPAIR: _("What would help put things right for you?"),
    Question.PREVENT: _("What would help stop this happening again?"),
}
SUPPORTER = {
    Question.HAPPENED: _("What did you think when you heard about it?"),
    Question.THINKING: _("How has this affected you?"),
    Question.SINCE: _("What has been the hardest part?"),
    Question.REPAIR: _("What do you think needs to happen now?"),
    Question.PREVENT: _("What would help stop this happening again?"),
}


def questions_for(role: str) -> Mapping[Question, Promise]:
    """The questions for a participant's role, in order; none for facilitators and observers."""
    if role == ParticipantRole.RESPONSIBLE:
        return RESPONSIBLE
    if role == ParticipantRole.HARMED:
        return HARMED
    if role in (
        ParticipantRole.SUPPORTER_HARMED,
        ParticipantRole.SUPPORTER_RESPONSIBLE,
        ParticipantRole.COMMUNITY,
    ):
        return SUPPORTER
    return {}
