"""Signals of casework that downstream apps act on (they connect in AppConfig.ready)."""

from django.dispatch import Signal

# Sent inside the serving transaction with `decision` (served, with its case and referral), so a
# downstream record (a support case after a positive RG) is made or refused together with it.
decision_served = Signal()

# Sent inside the transaction that closes or withdraws a case, with `case` (the CaseFile), `on` (the UK date
# the case ended) and `withdrawn`: support for the person ends with it (victim_care).
case_ended = Signal()

# Each sent inside the transaction that made the change, so a notification row commits with it.
case_allocated = Signal()  # case (CaseFile, allocated_to and allocated_by set), previous_id (user id or None)
decision_sent_for_review = Signal()  # decision
decision_returned = Signal()  # decision
reconsideration_requested = Signal()  # reconsideration
