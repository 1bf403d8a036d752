"""Victim care jobs. Messages carry no personal data; each job is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from victim_care.services import support_exit_move_on_ended


@shared_task(name="victim_care.tasks.exit_support_after_move_on")
def exit_support_after_move_on() -> int:
    """Daily: people whose move-on period has ended leave support ("move-on ended")."""
    return support_exit_move_on_ended()
