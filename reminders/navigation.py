from core.navigation import NavItem, register
from organisations.models import Role

register(NavItem("Reminders", "reminders:manage", frozenset({Role.CA_MANAGER}), order=40),
         NavItem("Notifications", "reminders:notifications", None, order=80))
