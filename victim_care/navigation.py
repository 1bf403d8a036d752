from core.navigation import NavItem, register
from organisations.models import Role

register(NavItem("Victim care", "victim_care:home", frozenset({Role.PC_CASE_MANAGER, Role.SUPPORT_WORKER}), order=50))
