"""The footer's support link to the API documentation (the page itself is wired in nrm/urls.py)."""

from core.navigation import NavItem, register

register(NavItem("API documentation", "api-docs", None), footer=True)
