"""What whānau read when they rate their goals (English and te reo Māori), in one place.

TE REO REVIEW: the te reo Māori here is a working translation awaiting a fluent speaker's
review, like the check-in's (hononga.checkins.instrument.TE_REO_REVIEWED).
"""

from typing import Any

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Your goals", "mi": "Ō whāinga"},
    "intro": {
        "en": "For each goal, how close are you to it now? 0 means not at all close, "
        "10 means you are there.",
        "mi": "Mō ia whāinga, kei hea koe ināianei? Ko te 0 he tawhiti rawa, ko te 10 kua tae "
        "kē koe.",
    },
    "intro_child": {
        "en": "How close are you to each goal? Pick a face.",
        "mi": "Kei hea koe mō ia whāinga? Kōwhiria he kanohi.",
    },
    "question": {"en": "How close are you to this goal?", "mi": "Kei hea koe mō tēnei whāinga?"},
    "whanau_goal": {"en": "Your whānau's goal", "mi": "Te whāinga a tō whānau"},
    "goal_of": {"en": "Goal {n} of {total}", "mi": "Whāinga {n} o {total}"},
    "not_close": {"en": "not at all close", "mi": "tawhiti rawa"},
    "there": {"en": "I'm there", "mi": "kua tae"},
    "send": {"en": "Send", "mi": "Tukua"},
    "next": {"en": "Next", "mi": "Panuku"},
    "back": {"en": "Back", "mi": "Hoki"},
    "error_title": {"en": "There is a problem", "mi": "He raru kei konei"},
    "bad_value": {
        "en": "Choose a whole number from 0 to 10.",
        "mi": "Kōwhiria he tau tōpū mai i te 0 ki te 10.",
    },
    "none_answered": {
        "en": "Choose how close you are to at least one goal.",
        "mi": "Kōwhiria kei hea koe mō tētahi whāinga kotahi, neke atu rānei.",
    },
    "not_yours": {
        "en": "That goal cannot be rated here.",
        "mi": "Kāore e taea te whakatau i tēnei whāinga i konei.",
    },
    "not_active": {
        "en": "That goal is no longer active, so it cannot be rated.",
        "mi": "Kua kore tēnei whāinga e hohe ana, nō reira kāore e taea te whakatau.",
    },
    "thanks_title": {"en": "Thank you", "mi": "Ngā mihi"},
    "thanks_body": {
        "en": "Your answers have been sent. You can close this page.",
        "mi": "Kua tukuna ō whakautu. Ka taea e koe te kati i tēnei whārangi.",
    },
    "sent_by": {
        "en": "{name} sent you this link.",
        "mi": "Nā {name} tēnei hononga i tuku atu ki a koe.",
    },
    "handover_thanks": {
        "en": "Your answers are saved. Please give the device back.",
        "mi": "Kua tiakina ō whakautu. Whakahokia atu te pūrere.",
    },
    "give_back": {"en": "Give the device back", "mi": "Whakahokia te pūrere ki te kaimahi"},
    "after_checkin": {
        "en": "Thank you. Two more minutes: your goals.",
        "mi": "Ngā mihi. E rua anō meneti: ō whāinga.",
    },
}

FACE_WORDS = {
    "en": ("far away", "a little way", "halfway", "close", "there"),
    "mi": ("tawhiti rawa", "he iti nei", "haurua", "tata", "kua tae"),
}


def text(key: str, language: str = "en", **values: Any) -> str:
    entry = TEXT[key]
    return entry.get(language, entry["en"]).format(**values)
