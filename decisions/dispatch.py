"""How a served decision's letter reaches the person, from the referral's "How to send the decision"
answers. A route the first responder did not confirm as safe is never used: the person then collects
the letter in person through the first responder. Only the route is decided here; the address or email
stays in the referral's answers and is shown only on the "Letters to send" page, never put into an
email, a log line or a job's arguments."""

from __future__ import annotations

from dataclasses import dataclass

from decisions.models import DispatchChannel
from referrals.models import Referral

SAFE_ANSWERS = (True, "yes")  # a ticked box on referrals made before the question became yes / no


@dataclass(frozen=True)
class Route:
    channel: DispatchChannel
    method: str = ""  # "email" or "post" where the letter is sent to someone

    @property
    def label(self) -> str:
        how = {"email": "by email", "post": "by post"}.get(self.method, "")
        channel = DispatchChannel(self.channel)
        if channel in (DispatchChannel.POST, DispatchChannel.EMAIL) or not how:
            return channel.label
        return f"{channel.label}, {how}"


def route_for(referral: Referral) -> Route:
    answers = referral.answers.get("decision-delivery") or {}
    if not answers:
        # A child's referral (no such section) or an old record: the first responder hands it over.
        return Route(DispatchChannel.FIRST_RESPONDER)
    if answers.get("safe_to_send") not in SAFE_ANSWERS:
        return Route(DispatchChannel.COLLECT_IN_PERSON)
    send_to, method = answers.get("send_to"), answers.get("method", "")
    if send_to == "first_responder":
        return Route(DispatchChannel.FIRST_RESPONDER)
    if send_to == "legal_representative":
        return Route(DispatchChannel.LEGAL_REPRESENTATIVE, method)
    if send_to == "third_party":
        return Route(DispatchChannel.THIRD_PARTY, method)
    if method == "email" and answers.get("delivery_email"):
        return Route(DispatchChannel.EMAIL, "email")
    if method == "post" and answers.get("delivery_address"):
        return Route(DispatchChannel.POST, "post")
    return Route(DispatchChannel.COLLECT_IN_PERSON)


def where_to_send(referral: Referral, route: Route) -> dict[str, str]:
    """What the staff member sending the letter needs, for the page only."""
    answers = referral.answers.get("decision-delivery") or {}
    if route.channel in (DispatchChannel.FIRST_RESPONDER, DispatchChannel.COLLECT_IN_PERSON):
        return {"to": referral.first_responder_organisation.name}
    where = {"to": answers.get("third_party_name", "") if route.channel in (
        DispatchChannel.THIRD_PARTY, DispatchChannel.LEGAL_REPRESENTATIVE) else "The person referred"}
    if route.method == "email":
        where["email"] = answers.get("delivery_email", "")
    elif route.method == "post":
        where["address"] = answers.get("delivery_address", "")
    return where
