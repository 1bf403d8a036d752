from core.navigation import NavItem, register
from organisations.models import Role

register(NavItem("Referrals", "referrals:list", frozenset({Role.FIRST_RESPONDER, Role.LA_SAFEGUARDING_LEAD}),
                 order=10))
