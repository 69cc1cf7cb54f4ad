"""The Hononga Relationship Check-in: its eight items and their wordings (our own wording).

The whānau-facing forms (adult/rangatahi and child) are in English and te reo Māori. The
practitioner's mirror form is in English only (staff-facing).

TE REO REVIEW: every te reo Māori string in this module is a working translation that a fluent
speaker (ideally with the agency's kaumātua or pou tikanga) must review before it is used with
whānau. `TE_REO_REVIEWED` below stays False until that review is done; the forms say so to staff.
"""

from dataclasses import dataclass

# Set to True once a fluent speaker has reviewed every te reo Māori wording in this module.
TE_REO_REVIEWED = False

MIN_ANSWERED = 6
SCALE_MIN = 0
SCALE_MAX = 10
COMMENT_MAX = 5000

ITEM_KEYS: tuple[str, ...] = (
    "safety",
    "trust",
    "respect",
    "empathy",
    "honesty",
    "responsibility",
    "power_sharing",
    "heard",
)

LANGUAGES = ("en", "mi")


@dataclass(frozen=True)
class Item:
    key: str
    quality: dict[str, str]
    adult: dict[str, str]
    child: dict[str, str]
    mirror: str


ITEMS: tuple[Item, ...] = (
    Item(
        key="safety",
        quality={"en": "safety", "mi": "haumaru"},
        adult={
            "en": "I feel safe when I work with {worker}.",
            "mi": "Ka haumaru ahau ina mahi tahi ahau me {worker}.",
        },
        child={
            "en": "I feel safe with {worker}.",
            "mi": "Ka haumaru ahau i te taha o {worker}.",
        },
        mirror="{person} would say they feel safe working with me.",
    ),
    Item(
        key="trust",
        quality={"en": "trust", "mi": "whakawhirinaki"},
        adult={
            "en": "I can rely on what {worker} tells me.",
            "mi": "Ka taea e au te whakawhirinaki ki ngā kōrero a {worker}.",
        },
        child={
            "en": "{worker} tells me the truth about what will happen.",
            "mi": "Ka kōrero pono a {worker} ki a au mō ngā mea ka puta.",
        },
        mirror="{person} would say they can rely on what I tell them.",
    ),
    Item(
        key="respect",
        quality={"en": "respect", "mi": "whakaute"},
        adult={
            "en": "{worker} treats me and my whānau with respect.",
            "mi": "He whakaute tā {worker} ki a au me tōku whānau.",
        },
        child={
            "en": "{worker} is kind to me and my family.",
            "mi": "He atawhai a {worker} ki a au me tōku whānau.",
        },
        mirror="{person} would say I treat them and their whānau with respect.",
    ),
    Item(
        key="empathy",
        quality={"en": "empathy", "mi": "ngākau aroha"},
        adult={
            "en": "{worker} understands what life is like for us.",
            "mi": "E mārama ana a {worker} ki te āhua o tō mātou ao.",
        },
        child={
            "en": "{worker} gets what it's like to be me.",
            "mi": "E mārama ana a {worker} ki te āhua o tōku ao.",
        },
        mirror="{person} would say I understand what life is like for them.",
    ),
    Item(
        key="honesty",
        quality={"en": "honesty", "mi": "pono"},
        adult={
            "en": "{worker} is straight with me, even about hard things.",
            "mi": "He pono a {worker} ki a au, ahakoa ngā kōrero uaua.",
        },
        child={
            "en": "{worker} is honest with me.",
            "mi": "He pono a {worker} ki a au.",
        },
        mirror="{person} would say I am straight with them, even about hard things.",
    ),
    Item(
        key="responsibility",
        quality={"en": "responsibility", "mi": "haepapa"},
        adult={
            "en": "{worker} does what they say they will do.",
            "mi": "Ka mahia e {worker} ngā mea i kī ai ia ka mahia.",
        },
        child={
            "en": "{worker} does what they promise.",
            "mi": "Ka mahia e {worker} āna kī taurangi.",
        },
        mirror="{person} would say I do what I say I will do.",
    ),
    Item(
        key="power_sharing",
        quality={"en": "power-sharing", "mi": "tiritiri mana"},
        adult={
            "en": "I have a real say in the decisions about me and my whānau.",
            "mi": "He reo tōku i ngā whakatau mō au me tōku whānau.",
        },
        child={
            "en": "I get a say in what happens.",
            "mi": "Ka whai reo ahau mō ngā mea ka puta.",
        },
        mirror="{person} would say they have a real say in the decisions about them.",
    ),
    Item(
        key="heard",
        quality={"en": "being heard", "mi": "te rongo i te reo"},
        adult={
            "en": "I had the time and space to say what mattered to me.",
            "mi": "I whai wā, i whai wāhi ahau ki te kōrero i ngā mea nui ki a au.",
        },
        child={
            "en": "{worker} listened to me.",
            "mi": "I whakarongo mai a {worker} ki a au.",
        },
        mirror="{person} would say they had the time and space to say what mattered to them.",
    ),
)
ITEMS_BY_KEY = {item.key: item for item in ITEMS}
assert tuple(item.key for item in ITEMS) == ITEM_KEYS  # noqa: S101  (module invariant)

# The words around the questions on the whānau-facing forms, in both languages. Kept here, with
# the items, so a te reo page is te reo throughout and one reviewer sees every string.
TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "How are we working together?", "mi": "Kei te pēhea tā tāua mahi tahi?"},
    "intro_adult": {
        "en": (
            "{worker} would like to know how your work together is going. Choose a number from "
            "0 (not at all) to 10 (completely) for each sentence. You can skip any you would "
            "rather not answer, but please answer at least 6 of the 8."
        ),
        "mi": (
            "E hiahia ana a {worker} ki te mōhio he pēhea tā kōrua mahi tahi. Kōwhiria he nama "
            "mai i te 0 (kāore rawa) ki te 10 (ae rawa) mō ia rerenga. Ka āhei koe ki te waiho i "
            "ētahi, engari me whakautu kia 6 o ngā 8."
        ),
    },
    "intro_child": {
        "en": (
            "Tell us how it is with {worker}. Pick a face for each one. "
            "0 is not at all. 10 is totally. You can skip some."
        ),
        "mi": (
            "Kōrero mai mō {worker}. Kōwhiria he kanohi mō ia kōrero. "
            "Ko te 0 he kāore rawa. Ko te 10 he āe rawa. Ka āhei koe ki te waiho i ētahi."
        ),
    },
    # A collateral rater's link does not name the person they are answering about: a link can
    # be forwarded, and the page shows nothing about the whānau but the worker's name.
    "intro_collateral": {
        "en": (
            "{worker} would like to know how you see their work with the person you know "
            "(the one {worker} asked you about). Answer each sentence as you think it is for "
            "them. You can skip any, but please answer at least 6 of the 8."
        ),
        "mi": (
            "E hiahia ana a {worker} ki te mōhio ki tāu e kite ana mō tā rātou mahi tahi ki te "
            "tangata e mōhio ana koe (te tangata i pātai ai a {worker} ki a koe). Whakautua ia "
            "rerenga i tōu whakaaro mō rātou. Me whakautu kia 6 o ngā 8."
        ),
    },
    "comment": {
        "en": "What would make our work together better?",
        "mi": "He aha ka pai ake ai tā tāua mahi tahi?",
    },
    "comment_hint": {
        "en": "You don't have to write anything. Anything you write goes to {worker}.",
        "mi": "Kāore he take kia tuhi koe. Ka tae ngā kōrero katoa ka tuhia e koe ki a {worker}.",
    },
    "question_of": {"en": "Question {n} of {total}", "mi": "Pātai {n} o {total}"},
    # The overall outcome item (own wording, not a licensed scale), asked after the eight.
    "overall": {
        "en": "How are things for you and your whānau?",
        "mi": "Kei te pēhea ngā āhuatanga mōu me tō whānau?",
    },
    "overall_child": {"en": "How are things at home?", "mi": "Kei te pēhea ngā mea i te kāinga?"},
    "overall_low": {"en": "really hard", "mi": "uaua rawa"},
    "overall_high": {"en": "really good", "mi": "pai rawa"},
    "overall_bad_value": {
        "en": "Choose a whole number from 0 to 10, or skip it.",
        "mi": "Kōwhiria he tau tōpū mai i te 0 ki te 10, waiho rānei.",
    },
    "not_at_all": {"en": "not at all", "mi": "kāore rawa"},
    "completely": {"en": "completely", "mi": "āe rawa"},
    "skip": {"en": "Skip this one", "mi": "Waiho tēnei"},
    "read_aloud": {"en": "Read aloud", "mi": "Pānuihia mai"},
    "send": {"en": "Send my answers", "mi": "Tukua aku whakautu"},
    "next": {"en": "Next", "mi": "Panuku"},
    "back": {"en": "Back", "mi": "Hoki"},
    "thanks_title": {"en": "Thank you", "mi": "Ngā mihi"},
    "thanks_body": {
        "en": "Your answers have gone to {worker}. You can close this page now.",
        "mi": "Kua tae ō whakautu ki a {worker}. Ka āhei koe ki te kati i tēnei whārangi ināianei.",
    },
    "thanks_body_plain": {
        "en": "Your answers have been sent. You can close this page now.",
        "mi": "Kua tukuna ō whakautu. Ka āhei koe ki te kati i tēnei whārangi ināianei.",
    },
    "error_title": {"en": "There is a problem", "mi": "He raru kei konei"},
    "too_few": {
        "en": "Please answer at least {min} of the {total} sentences. You have answered {n}.",
        "mi": "Me whakautu kia {min} o ngā rerenga {total}. Kua whakautua e koe ko {n}.",
    },
    "bad_value": {
        "en": "Choose a whole number from 0 to 10.",
        "mi": "Kōwhiria he tau tōpū mai i te 0 ki te 10.",
    },
    "comment_too_long": {
        "en": "Please keep your answer under 5000 characters.",
        "mi": "Kia iti iho i te 5000 ngā pū o tō whakautu.",
    },
    "language_switch": {"en": "Kōrero Māori", "mi": "In English"},
    "link_unknown_title": {"en": "This link doesn't work", "mi": "Kāore tēnei hononga e mahi"},
    "link_unknown_body": {
        "en": (
            "We couldn't find this check-in. Check that the whole link was copied, or ask the "
            "person who sent it for a new one."
        ),
        "mi": (
            "Kāore i kitea tēnei pātai. Tirohia mēnā i tāruatia te hononga katoa, ki te kore, "
            "tonoa he hononga hou i te tangata nāna i tuku."
        ),
    },
    "link_used_title": {"en": "You've already answered", "mi": "Kua whakautua kē e koe"},
    "link_used_body": {
        "en": "Thank you — this check-in has already been answered. Each link works once.",
        "mi": "Ngā mihi — kua whakautua kē tēnei. Kotahi noa te whakamahinga o ia hononga.",
    },
    "link_expired_title": {"en": "This link has expired", "mi": "Kua pau te wā o tēnei hononga"},
    "link_expired_body": {
        "en": (
            "Links only last a short while, to keep your answers safe. Ask the person who sent "
            "it for a new one if you'd still like to answer."
        ),
        "mi": (
            "He poto noa te roa o ngā hononga, hei tiaki i ō whakautu. Tonoa he hononga hou mēnā "
            "e hiahia tonu ana koe ki te whakautu."
        ),
    },
    "link_closed_title": {"en": "This link is closed", "mi": "Kua katia tēnei hononga"},
    "link_closed_body": {
        "en": (
            "This check-in is no longer open. If you'd like to tell us how things are going, "
            "ask the person who sent it for a new link."
        ),
        "mi": (
            "Kua kore tēnei e tuwhera. Mēnā e hiahia ana koe ki te kōrero mai, tonoa he hononga "
            "hou i te tangata nāna i tuku."
        ),
    },
    "slow_down_title": {"en": "Please wait a moment", "mi": "Taihoa ake"},
    "slow_down_body": {
        "en": "There have been too many tries from this device. Please try again in a few minutes.",
        "mi": "He maha rawa ngā nganatanga mai i tēnei pūrere. Whakamātauria anō ā ngā meneti.",
    },
}

# Face labels for the child form, lowest to highest (five bands over 0–10).
FACE_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("very sad", "sad", "okay", "happy", "very happy"),
    "mi": ("pōuri rawa", "pōuri", "pai noa", "harikoa", "harikoa rawa"),
}


def text(key: str, language: str, **values: object) -> str:
    """A form string in the language, with {worker}/{person}/{n}… filled in."""
    wording = TEXT[key].get(language) or TEXT[key]["en"]
    return wording.format(**values) if values else wording


def wording(key: str, form: str, language: str, *, worker: str, person: str = "") -> str:
    """One item's sentence for a form ("adult", "child" or "mirror") in a language."""
    item = ITEMS_BY_KEY[key]
    if form == "mirror":
        return item.mirror.format(person=person or "They")
    forms = item.child if form == "child" else item.adult
    sentence = forms.get(language) or forms["en"]
    return sentence.format(worker=worker)


def quality(key: str, language: str = "en") -> str:
    item = ITEMS_BY_KEY[key]
    return item.quality.get(language) or item.quality["en"]


def face_band(value: int) -> int:
    """Which of the five faces (0 saddest … 4 happiest) a 0–10 answer shows."""
    return min(4, max(0, round(value * 4 / SCALE_MAX)))
