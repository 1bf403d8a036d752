from core.navigation import NavItem, register
from organisations.models import Role

# A guardian's "Referrals" are the children their guardian service is assigned to (referrals.views.referral_list).
register(NavItem("Referrals", "referrals:list",
                 frozenset({Role.FIRST_RESPONDER, Role.LA_SAFEGUARDING_LEAD, Role.CHILD_GUARDIAN}), order=10))
