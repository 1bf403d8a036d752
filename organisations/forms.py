from __future__ import annotations

import re

from django import forms

SIX_DIGITS = re.compile(r"^\d{6}$")


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address", max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    password = forms.CharField(
        label="Password", strip=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code", max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false",
                                      "data-width": "5"}),
        error_messages={"required": "Enter the 6-digit security code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not SIX_DIGITS.match(code):
            raise forms.ValidationError("Enter the security code as 6 digits, like 123456")
        return code


class EndLockoutForm(forms.Form):
    """A manager ends a colleague's sign-in lockout: only people the page lists can be chosen."""

    user = forms.TypedChoiceField(
        label="Whose lockout to end", coerce=int, choices=(),
        error_messages={"required": "Select the person whose lockout to end",
                        "invalid_choice": "Select someone in your organisation whose sign-in is locked"},
    )

    def __init__(self, *args, people=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(person.pk, person.full_name) for person in people]
