"""The GOV.UK / MoJ search pattern over lists of people, without personal data in URLs.

A search by name or date of birth is personal data, and URLs end up in logs, browser history and the
Referer header. So the search box POSTs (with the CSRF token), the term is kept in the session under
the list's key, and the browser is sent back to the list's own address (POST, redirect, GET): paging
links and the back button keep working, and the address never holds the term. "Clear search" POSTs an
empty term."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect

MAX_LENGTH = 100


def _key(list_name: str) -> str:
    return f"search:{list_name}"


def search_posted(request: HttpRequest, list_name: str) -> HttpResponseRedirect | None:
    """When the search form was sent: keep its term (or forget it) and answer with the redirect back to
    the list (its filters kept, its paging reset). None for any other request."""
    if request.method != "POST" or "q" not in request.POST:
        return None
    term = " ".join(request.POST.get("q", "").split())[:MAX_LENGTH]
    if term:
        request.session[_key(list_name)] = term
    else:
        request.session.pop(_key(list_name), None)
    query = request.GET.copy()
    for paging in ("page", "drafts_page"):
        query.pop(paging, None)
    return HttpResponseRedirect(request.path + (f"?{query.urlencode()}" if query else ""))


def search_term(request: HttpRequest, list_name: str) -> str:
    return request.session.get(_key(list_name), "")
