"""Emails from templates: the one way the service writes an email, so every message has the same shape
(a subject line, the words, a link to sign in) and its words can be read and reviewed in templates/email/.

An email names a reference and links to the service; it never carries personal details, since it can be
read over a shoulder or forwarded. The template's first line is the subject; the rest is the body."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of `templates/email/<template>.txt` (subject on the first line, then a blank line)."""
    text = render_to_string(f"email/{template}.txt", {"site_url": settings.SITE_URL, **context})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_templated_email(template: str, context: dict[str, Any], recipients: Iterable[str]) -> int:
    """Send one email to every recipient; 0 when there is nobody to send to."""
    recipient_list = [address for address in recipients if address]
    if not recipient_list:
        return 0
    subject, body = render_email(template, context)
    return send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                     recipient_list=recipient_list)
