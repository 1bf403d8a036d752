"""Signals other apps listen to (they connect in their AppConfig.ready, so referrals imports none of them)."""

from django.dispatch import Signal

# Sent after the submitting transaction commits, with referral_id.
referral_submitted = Signal()

# Sent inside the deleting transaction, with drafts=[(referral_id, author_id), ...] and deleted_at.
drafts_deleted = Signal()

# Sent inside the transaction that made the change, with request (the InformationRequest).
information_requested = Signal()
information_answered = Signal()
