from __future__ import annotations

from django import forms


class NotificationSettingsForm(forms.Form):
    emails = forms.ChoiceField(
        label="Email me when I get a notification?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, email me as well"), ("no", "No, only show them in the service")],
        help_text="Emails carry only the NRM reference and a link. Notifications always appear in the service.",
        error_messages={"required": "Select whether you want notification emails"},
    )
