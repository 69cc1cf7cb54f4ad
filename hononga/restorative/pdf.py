"""The agreement as a plain-language, printable PDF with English and te reo Māori headings.

fpdf2 with DejaVu Sans embedded (static/fonts, with its licence), so macrons print as written.
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from hononga.restorative.models import ItemStatus, Participant, RestorativeProcess
from hononga.restorative.selectors import agreement_item_statements

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# (English, te reo Māori): every copy has both headings, whatever the page language (so they
# are not in the catalogue: translating them would print the Māori twice). The text under them
# is in the reader's language.
HEADINGS = {
    "title": ("Our agreement", "Tā mātou whakaaetanga"),
    "copy": ("This copy is for", "Mō"),
    "what": ("What happened", "I ahatia"),
    "who": ("Who took part", "Ko wai i whai wāhi mai"),
    "agreed": ("What we agreed", "Ngā mea i whakaaetia"),
    "follow": ("What happens next", "Ā muri ake nei"),
    "review": ("Review date", "Te rā arotake"),
}


def _heading(pdf: FPDF, key: str) -> None:
    english, maori = HEADINGS[key]
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, f"{english} / {maori}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)


def _text(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _day(value: date) -> str:
    # Month names from the catalogue, so a te reo Māori copy has Māori month names.
    return date_format(value, "j F Y")


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
    _text(pdf, _day(timezone.localdate()))

    _heading(pdf, "what")
    _text(pdf, process.harm.what)

    _heading(pdf, "who")
    for participant in process.participants.all():
        _text(pdf, f"• {participant.person.full_name} — {participant.get_role_display()}")
    _text(pdf, f"• {process.facilitator.display_name} — {_('facilitator')}")

    _heading(pdf, "agreed")
    items = list(process.agreement_items.all())
    statements = agreement_item_statements([item.pk for item in items])
    if not items:
        _text(pdf, _("Nothing has been agreed yet."))
    for number, item in enumerate(items, start=1):
        pdf.set_font("DejaVu", "B", 11)
        _text(pdf, f"{number}. {item.what}")
        pdf.set_font("DejaVu", "", 11)
        line = _("Who does it: %(who)s. By: %(due)s.") % {
            "who": item.owner.person.full_name,
            "due": _day(item.due),
        }
        if item.for_whom is not None:
            line += " " + _("For: %(whom)s.") % {"whom": item.for_whom.person.full_name}
        if item.status != ItemStatus.OPEN:
            line += " " + _("Status: %(status)s.") % {"status": item.get_status_display()}
            if item.status_reason:
                line += f" ({item.status_reason})"
        _text(pdf, line)
        for statement in statements.get(item.pk, []):
            pdf.set_font("DejaVu", "B", 11)
            _text(
                pdf,
                _("Statement of correction from %(name)s (%(date)s):")
                % {
                    "name": statement.person.full_name,
                    "date": _day(timezone.localdate(statement.decided_at)),
                },
            )
            pdf.set_font("DejaVu", "", 11)
            _text(pdf, statement.statement)

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
        review = _day(process.plan_review_date)
        english, maori = HEADINGS["review"]
        _text(pdf, f"{english} / {maori}: {review}")
    return bytes(pdf.output())
