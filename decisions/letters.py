"""The decision letter: one per served decision, to the person, in plain English, generated from the
decision itself (stage, outcome, the threshold in the words of the configured era, the reasons, the
recovery or move-on dates, how to ask for reconsideration, and the interpreter language from the
referral). One `Letter` is rendered three ways: the accessible HTML page, the PDF download (fpdf2,
tagged: every heading and paragraph is a structure element) and the plain text kept on the decision.

The threshold words are settings (NRM_RG_THRESHOLD_TEXT, NRM_CG_THRESHOLD_TEXT) whose defaults are the
2011 wording; they belong with the era settings (docs/domain-rules.md)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.prefs import ViewerPreferences

from core import working_days
from decisions.models import CaseFile, Decision, Outcome, Stage
from referrals.models import Referral


@dataclass(frozen=True)
class LetterSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Letter:
    title: str
    authority: str
    served_on: datetime.date
    reference: str
    addressee: str
    opening: str
    sections: list[LetterSection]
    closing: str

    def as_text(self) -> str:
        lines = [self.authority, f"{self.served_on:%-d %B %Y}", f"National Referral Mechanism reference: "
                 f"{self.reference}", "", self.title, "", f"Dear {self.addressee},", "", self.opening, ""]
        for section in self.sections:
            lines += [section.heading, *section.paragraphs, ""]
        lines += [self.closing, self.authority]
        return "\n".join(lines)


def _d(day: datetime.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "a date we will tell you"


def _addressee(referral: Referral) -> str:
    details = referral.answers.get("personal-details", {})
    name = " ".join(filter(None, [details.get("given_names", ""), details.get("family_name", "")])).strip()
    return name or "Sir or Madam"


def interpreter_line(referral: Referral) -> str:
    details = referral.answers.get("personal-details", {})
    language = details.get("interpreter_language", "") if details.get("needs_interpreter") == "yes" else ""
    if language:
        return (f"Your referral says you need an interpreter for {language}. Your first responder can arrange "
                f"for this letter to be read to you in {language}, free of charge.")
    return ("Your referral says you do not need an interpreter. If you would like this letter read to you in "
            "another language, ask your first responder: it is free.")


def _threshold(stage: str) -> str:
    if stage == Stage.RG:
        return (f"At this first stage, called Reasonable Grounds, the decision maker asks: "
                f"“{settings.NRM_RG_THRESHOLD_TEXT}” This is a lower test than at the final stage.")
    return (f"At this final stage, called Conclusive Grounds, the decision maker asks: "
            f"“{settings.NRM_CG_THRESHOLD_TEXT}” This means we decide what is more likely than not.")


def letter_for(decision: Decision, case: CaseFile | None = None, referral: Referral | None = None) -> Letter:
    """The letter of a served decision, built from the decision and its case."""
    case = case or decision.case
    referral = referral or case.referral
    served_on = working_days.local_date(decision.served_at) if decision.served_at else working_days.today()
    positive = decision.outcome == Outcome.POSITIVE
    rg = decision.stage == Stage.RG
    stage_name = "Reasonable Grounds" if rg else "Conclusive Grounds"
    if rg and positive:
        decided = ("We have decided that there are reasonable grounds to believe you are a victim of human "
                   "trafficking or modern slavery.")
    elif rg:
        decided = ("We have decided that there are not reasonable grounds to believe you are a victim of human "
                   "trafficking or modern slavery.")
    elif positive:
        decided = "We have decided that you are a victim of human trafficking or modern slavery."
    else:
        decided = ("We have decided that we cannot say you are a victim of human trafficking or modern slavery.")
    next_steps: list[str] = []
    if rg and positive:
        next_steps += [
            f"You have a recovery and reflection period until at least {_d(case.recovery_period_ends_on)}, and "
            "until we make a second decision. During this time no one will try to remove you from the UK, and you "
            "can get help such as a safe place to stay, medical care, counselling and legal advice.",
            "If you are an adult in England or Wales and asked for support, The Salvation Army will contact you "
            "through your first responder to arrange it.",
            "After that date we can make the second decision, called Conclusive Grounds. "
            "You do not need to do anything now.",
        ]
    elif positive:
        next_steps += [f"Your support continues until {_d(_local(case.move_on_at))}. Your support worker will help "
                       "you plan what happens after that."]
    else:
        if not rg:
            next_steps.append(f"Any support you get through the National Referral Mechanism ends on "
                              f"{_d(_local(case.move_on_at))}.")
        next_steps.append("This decision does not stop you asking for help from the police, a doctor or a charity.")
    sections = [
        LetterSection("What we decided", [decided, _threshold(decision.stage)]),
        LetterSection("Why we decided this", [p for p in decision.reasons.splitlines() if p.strip()]
                      or ["The decision maker gave no further reasons."]),
        LetterSection("What happens next", next_steps),
    ]
    if not positive:
        sections.append(LetterSection("If you think this decision is wrong", [
            f"Your first responder or support provider can ask us to look at this decision again "
            f"(reconsider it). They must ask by {_d(case.reconsideration_due_by)}.",
            "Tell them why you think the decision is wrong, and give them any new evidence, such as a letter "
            "from a doctor. They will send it to us.",
        ]))
    sections.append(LetterSection("Help reading this letter", [interpreter_line(referral)]))
    authority = referral.competent_authority.name if referral.competent_authority_id else "The competent authority"
    return Letter(
        title=f"Your {stage_name} decision", authority=authority, served_on=served_on,
        reference=referral.reference or "", addressee=_addressee(referral),
        opening=f"This letter tells you our {stage_name} decision under the National Referral Mechanism, "
                "the way the UK finds and supports victims of human trafficking and modern slavery.",
        sections=sections, closing="Yours sincerely,",
    )


def _local(moment: datetime.datetime | None) -> datetime.date | None:
    return working_days.local_date(moment) if moment else None


# fontTools logs every table it subsets at INFO: noise in the service's log on each download.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# --- PDF ------------------------------------------------------------------------------------------------

# A Unicode font from the system when there is one (names and reasons can be in any script); otherwise
# fpdf2's built-in Helvetica, which covers Latin-1 only (other characters are replaced and the HTML
# letter stays the full version). NRM_LETTER_FONT may name a TrueType file.
_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)


def _font(pdf: FPDF) -> tuple[str, bool]:
    configured = getattr(settings, "NRM_LETTER_FONT", "")
    candidates = ([(configured, configured)] if configured else []) + list(_FONT_CANDIDATES)
    for regular, bold in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            pdf.add_font("Letter", "", regular)
            pdf.add_font("Letter", "B", bold)
            return "Letter", True
    return "Helvetica", False


class _TaggedPdf(FPDF):
    """Each block of text is written inside a marked-content sequence tied to a structure element
    (/H1, /H2, /P), so the PDF has a structure tree in reading order, a language and a title."""

    def block(self, struct_type: str, text: str, *, size: float, bold: bool = False, space_after: float = 3) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        height = size * 0.55
        width = self.w - self.l_margin - self.r_margin
        lines = self.multi_cell(width, height, text, dry_run=True, output=MethodReturnValue.LINES)
        while lines:
            room = max(1, int((self.h - self.b_margin - self.y) // height))
            if room < min(2, len(lines)):  # no orphaned single line at the foot of a page
                self.add_page()
                continue
            chunk, lines = lines[:room], lines[room:]
            mcid = self.struct_builder.next_mcid_for_page(self.page)
            self._add_marked_content(struct_type=struct_type, mcid=mcid)
            self._out(f"/{struct_type.lstrip('/')} <</MCID {mcid}>> BDC")
            for line in chunk:
                self.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self._out("EMC")
            if lines:
                self.add_page()
        self.ln(space_after)


def letter_pdf(letter: Letter) -> bytes:
    pdf = _TaggedPdf(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 20, 20)
    family, unicode = _font(pdf)
    pdf.family = family

    def text(value: str) -> str:
        return value if unicode else value.replace("“", '"').replace("”", '"').encode(
            "latin-1", "replace").decode("latin-1")

    pdf.set_lang("en-GB")
    pdf.set_title(text(f"{letter.title} ({letter.reference})"))
    pdf.set_author(text(letter.authority))
    pdf.set_subject("National Referral Mechanism decision letter")
    pdf.set_creator("NRM case-management service")
    pdf.set_display_mode("fullwidth")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_page()
    pdf.block("/P", text(letter.authority), size=11, bold=True, space_after=1)
    pdf.block("/P", f"{letter.served_on:%-d %B %Y}", size=11, space_after=1)
    pdf.block("/P", f"National Referral Mechanism reference: {letter.reference}", size=11, space_after=6)
    pdf.block("/H1", text(letter.title), size=20, bold=True, space_after=4)
    pdf.block("/P", text(f"Dear {letter.addressee},"), size=12)
    pdf.block("/P", text(letter.opening), size=12, space_after=5)
    for section in letter.sections:
        pdf.block("/H2", text(section.heading), size=15, bold=True, space_after=2)
        for paragraph in section.paragraphs:
            pdf.block("/P", text(paragraph), size=12)
        pdf.ln(2)
    pdf.block("/P", letter.closing, size=12, space_after=1)
    pdf.block("/P", text(letter.authority), size=12)
    return bytes(pdf.output())
