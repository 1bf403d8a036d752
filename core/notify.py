"""A Django email backend that sends through GOV.UK Notify, so every email the service sends (reminders,
referral and decision notices) can go through Notify by setting EMAIL_BACKEND=core.notify.NotifyEmailBackend,
NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID. The template has two fields, ((subject)) and ((body)).

Notify's API key is "<name>-<service id>-<secret>"; each request carries a JWT (HS256) signed with the
secret, issued by the service id (https://docs.notifications.service.gov.uk/rest-api.html)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend


class NotifyError(Exception):
    """Notify refused a message; the status code only, as its text may repeat the address."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status

    @property
    def transient(self) -> bool:
        """Worth trying again later: Notify overloaded (429) or failing (5xx); a 400 or 403 will not change."""
        return self.status == 429 or self.status >= 500


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def notify_token(api_key: str, *, issued_at: int | None = None) -> str:
    service_id, secret = api_key[-73:-37], api_key[-36:]
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    claims = _b64(json.dumps({"iss": service_id, "iat": issued_at or int(time.time())}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64(signature)}"


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        if len(settings.NOTIFY_API_KEY) < 74 or not settings.NOTIFY_EMAIL_TEMPLATE_ID:
            raise ImproperlyConfigured("Set NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID to send through Notify.")
        self.address = urlsplit(settings.NOTIFY_BASE_URL)
        if self.address.scheme not in {"https", "http"} or not self.address.hostname:
            raise ImproperlyConfigured("NOTIFY_BASE_URL must be an http(s) address.")

    def _post(self, recipient: str, subject: str, body: str) -> None:
        payload = json.dumps({"email_address": recipient, "template_id": settings.NOTIFY_EMAIL_TEMPLATE_ID,
                              "personalisation": {"subject": subject, "body": body}})
        connection_class = http.client.HTTPSConnection if self.address.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(self.address.hostname, self.address.port, timeout=settings.NOTIFY_TIMEOUT)
        try:
            connection.request("POST", f"{self.address.path.rstrip('/')}/v2/notifications/email", body=payload,
                               headers={"Content-Type": "application/json",
                                        "Authorization": f"Bearer {notify_token(settings.NOTIFY_API_KEY)}"})
            status = connection.getresponse().status
        finally:
            connection.close()
        if status != 201:
            raise NotifyError(f"Notify answered {status}", status)

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            for recipient in message.recipients():
                try:
                    self._post(recipient, message.subject, message.body)
                except (NotifyError, OSError, http.client.HTTPException):
                    if not self.fail_silently:
                        raise
                    continue
            sent += 1
        return sent
