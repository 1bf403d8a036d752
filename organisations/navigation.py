"""Links every signed-in user has, and the administration link."""

from core.navigation import NavItem, register
from organisations.models import Role

register(NavItem("Home", "home", None, order=0),
         NavItem("Administration", "admin:index", frozenset({Role.ADMINISTRATOR}), order=90, superuser=True))
