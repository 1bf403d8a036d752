"""Who is changing accounts in this request or job, for the account history written by signal receivers
(a role added through `user.groups`, a password set, an organisation changed) that are not handed it."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

acting_user: contextvars.ContextVar = contextvars.ContextVar("nrm_acting_user", default=None)


@contextmanager
def acting(user) -> Iterator[None]:
    token = acting_user.set(user if getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        acting_user.reset(token)
