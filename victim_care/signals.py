"""Signals of victim care that downstream apps act on (they connect in AppConfig.ready)."""

from django.dispatch import Signal

# Each sent inside the transaction that made the change.
support_case_opened = Signal()  # support_case
support_allocated = Signal()  # allocation (the new one), previous_provider_id (None, or the provider moved from)
