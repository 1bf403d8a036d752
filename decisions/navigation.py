from core.navigation import NavItem, register
from organisations.models import COMPETENT_AUTHORITY_ROLES, Role

register(NavItem("Cases", "decisions:queue", frozenset(COMPETENT_AUTHORITY_ROLES), order=20),
         NavItem("Quality audits", "decisions:audits", frozenset({Role.QUALITY_AUDITOR}), order=30),
         NavItem("Case flow", "decisions:flow", frozenset({Role.CA_MANAGER}), order=35))
