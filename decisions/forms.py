from __future__ import annotations

from typing import ClassVar

from django import forms
from django.conf import settings

from core.fields import free_text
from core.forms import GovukDateField
from decisions.models import LetterDispatch, Outcome, QualityAudit, ReconsiderationRequester


class ActionForm(forms.Form):
    """Base for case actions: conditional questions as in the referral's sections."""

    conditional_fields: ClassVar[dict[str, dict[str, list[str]]]] = {}


class DecisionMakerChoiceField(forms.ModelChoiceField):
    """People are named by name, as everywhere else in the service, never by e-mail address."""

    def label_from_instance(self, obj) -> str:
        return obj.full_name


class AllocateForm(ActionForm):
    decision_maker = DecisionMakerChoiceField(
        label="Who should decide this case?", queryset=None, empty_label=None, widget=forms.RadioSelect,
        error_messages={"required": "Select a decision maker", "invalid_choice": "Select a decision maker"},
    )

    def __init__(self, *args, decision_makers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision_maker"].queryset = decision_makers


class TransferForm(ActionForm):
    to_authority = forms.ModelChoiceField(
        label="Which competent authority should the case go to?", queryset=None, widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": "Select the competent authority to transfer the case to",
                                          "invalid_choice": "Select the competent authority to transfer the case to"},
    )
    reason = free_text("Why is the case being transferred?", required=True, rows=4)

    def __init__(self, *args, destinations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_authority"].queryset = destinations


class DecisionForm(ActionForm):
    outcome = forms.ChoiceField(
        label="Decision", choices=Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select whether the decision is positive or negative"},
    )
    reasons = free_text("Reasons for the decision", required=True, rows=8)
    evidence_considered = free_text("Evidence considered", required=True, rows=6,
                                    help_text="The referral, documents, interviews and information received.")


class ReviewForm(ActionForm):
    review = forms.ChoiceField(
        label="Your review", widget=forms.RadioSelect,
        choices=[("sign_off", "Sign off the decision: it takes effect and is served"),
                 ("return", "Return it to the decision maker with comments")],
        error_messages={"required": "Select whether to sign off or return the decision"},
    )
    comments = free_text("Comments", rows=4)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("review") == "return" and not (cleaned.get("comments") or "").strip():
            self.add_error("comments", "Enter comments saying what the decision maker should change")
        return cleaned


class SignOffForm(ActionForm):
    """The API's sign-off: optional comments (the web page asks sign off or return in one form)."""

    comments = free_text("Comments", rows=4)


class ReturnForm(ActionForm):
    """The API's return: comments are required, as on the web page."""

    comments = free_text("Comments", required=True, rows=4)
    comments.error_messages["required"] = "Say why the decision is being returned."


class NoteForm(ActionForm):
    text = free_text("Add a note", required=True, rows=3)


class DeclarationForm(ActionForm):
    details = free_text("Describe your involvement", required=True, rows=3,
                        help_text="For example, the asylum or immigration decision you made about this person.")


class InformationRequestForm(ActionForm):
    question = free_text("What information do you need from the first responder?", required=True, rows=6)


class WithdrawForm(ActionForm):
    reason = free_text("Why is the person withdrawing from the NRM?", required=True, rows=4)


class CloseForm(ActionForm):
    reason = free_text("Why is the case being closed?", required=True, rows=4)


class ReconsiderationForm(ActionForm):
    requested_for = forms.ChoiceField(
        label="Who is asking for the decision to be reconsidered?", widget=forms.RadioSelect, required=False,
        choices=(), error_messages={"invalid_choice": "Select who is asking for the decision to be reconsidered"})
    reasons = free_text("Why should the decision be reconsidered?", required=True, rows=6)
    new_evidence = free_text("New evidence", rows=6,
                             help_text="For example, a letter from a GP or the Crown Prosecution Service.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only who the era allows (NRM_RECONSIDERATION_REQUESTERS); blank means "my organisation". Where the
        # era allows no one else the question is not asked (a hidden empty answer, so the API's body and the
        # page's form stay the same).
        on_behalf = [(value, label) for value, label in ReconsiderationRequester.choices
                     if value in settings.NRM_RECONSIDERATION_REQUESTERS
                     and value in (ReconsiderationRequester.PERSON, ReconsiderationRequester.LEGAL_REPRESENTATIVE)]
        field = self.fields["requested_for"]
        field.choices = [("", "My organisation"), *on_behalf]
        if not on_behalf:
            field.widget = forms.HiddenInput()


class AuditFindingForm(ActionForm):
    finding = forms.ChoiceField(label="Your finding", choices=QualityAudit.Finding.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Select whether you agree with the decision"})
    feedback = free_text("Feedback to the decision maker", required=True, rows=6)


class LetterSentForm(ActionForm):
    sent_on = GovukDateField(label="Date sent", must_be_past=True, help_text="For example, 27 3 2026.")
    sent_how = forms.ChoiceField(
        label="How was it sent?", widget=forms.RadioSelect,
        choices=LetterDispatch._meta.get_field("sent_how").choices,
        error_messages={"required": "Select how the letter was sent"},
    )
