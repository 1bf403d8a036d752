"""Who may see the monitoring report: monitors (Home Office, Ministry of Justice) and competent
authority managers. Reports hold no personal data, and nothing in them links to a record."""

from __future__ import annotations

from organisations.models import Role, User

REPORT_ROLES = (Role.MONITOR, Role.CA_MANAGER)


def may_view_reports(user: User) -> bool:
    return bool(user.is_authenticated and user.has_role(*REPORT_ROLES))
