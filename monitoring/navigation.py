from core.navigation import NavItem, register
from organisations.models import Role

register(NavItem("Reports", "monitoring:report", frozenset({Role.MONITOR, Role.CA_MANAGER}), order=60))
