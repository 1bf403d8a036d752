"""A support case's life, as a table: it waits for a provider, is supported (and may move between
providers), and exits. Exit is final: a person who comes back is a new support case."""

from __future__ import annotations

from enum import StrEnum

from core.lifecycle import Lifecycle
from victim_care.models import SupportStatus as S


class SupportAction(StrEnum):
    ALLOCATE = "allocate"
    EXIT = "exit"


SUPPORT = Lifecycle("support case", S, {
    SupportAction.ALLOCATE: (frozenset({S.AWAITING_ALLOCATION, S.SUPPORTED}), S.SUPPORTED),
    SupportAction.EXIT: (frozenset({S.AWAITING_ALLOCATION, S.SUPPORTED}), S.EXITED),
})
