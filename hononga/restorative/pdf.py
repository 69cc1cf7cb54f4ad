"""The agreement as a plain-language, printable PDF with English and te reo Māori headings.

fpdf2 with DejaVu Sans embedded (static/fonts, with its licence), so macrons print as written.
"""

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF

from hononga.restorative.models import ItemStatus, Participant, RestorativeProcess

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# (English, te reo Māori): the Māori headings stay as they are whatever the page language.
HEADINGS = {
    "title": (gettext_lazy("Our agreement"), "Tā mātou whakaaetanga"),
    "copy": (gettext_lazy("This copy is for"), "Mō"),
    "what": (gettext_lazy("What happened"), "I ahatia"),
    "who": (gettext_lazy("Who took part"), "Ko wai i whai wāhi mai"),
    "agreed": (gettext_lazy("What we agreed"), "Ngā mea i whakaaetia"),
    "follow": (gettext_lazy("What happens next"), "Ā muri ake nei"),
}


def _heading(pdf: FPDF, key: str) -> None:
    english, maori = HEADINGS[key]
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, f"{english} / {maori}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)


def _text(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def agreement_pdf(process: RestorativeProcess, *, copy_for: Participant | None = None) -> bytes:
    """`process` with participants and agreement items prefetched (selectors.process_detail)."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"{HEADINGS['title'][0]} / {HEADINGS['title'][1]}")
    pdf.set_lang("en-NZ")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 20)
    title = HEADINGS["title"]
    _text(pdf, f"{title[0]} / {title[1]}")
    pdf.set_font("DejaVu", "", 11)
    _text(pdf, f"{process.whanau.name} · {process.get_kind_display()}")
    if copy_for is not None:
        copy = HEADINGS["copy"]
        _text(pdf, f"{copy[0]} / {copy[1]}: {copy_for.person.full_name}")
    _text(pdf, f"{timezone.localdate():%d %B %Y}")

    _heading(pdf, "what")
    _text(pdf, process.harm.what)

    _heading(pdf, "who")
    for participant in process.participants.all():
        _text(pdf, f"• {participant.person.full_name} — {participant.get_role_display()}")
    _text(pdf, f"• {process.facilitator.display_name} — {_('facilitator')}")

    _heading(pdf, "agreed")
    items = list(process.agreement_items.all())
    if not items:
        _text(pdf, _("Nothing has been agreed yet."))
    for number, item in enumerate(items, start=1):
        pdf.set_font("DejaVu", "B", 11)
        _text(pdf, f"{number}. {item.what}")
        pdf.set_font("DejaVu", "", 11)
        line = _("Who does it: %(who)s. By: %(due)s.") % {
            "who": item.owner.person.full_name,
            "due": f"{item.due:%d %B %Y}",
        }
        if item.for_whom is not None:
            line += " " + _("For: %(whom)s.") % {"whom": item.for_whom.person.full_name}
        if item.status != ItemStatus.OPEN:
            line += " " + _("Status: %(status)s.") % {"status": item.get_status_display()}
            if item.status_reason:
                line += f" ({item.status_reason})"
        _text(pdf, line)

    _heading(pdf, "follow")
    _text(
        pdf,
        _(
            "%(name)s will keep in touch with each of you to see how things are going, and will "
            "check with the people harmed how far things have been put right."
        )
        % {"name": process.facilitator.display_name},
    )
    if process.plan_review_date:
        review = f"{process.plan_review_date:%d %B %Y}"
        _text(pdf, _("Review date") + f" / Te rā arotake: {review}")
    return bytes(pdf.output())
