"""Who the person is, for those who support them: the prime contractor's case managers and the provider
supporting the person now (victim_care.selectors.person_for decides and logs). Read from the referral's
answers, and from the needs and risk assessment on the support case.

Also the placement check: the regions named, directly or through a city or county in them, by the
referral's places to avoid and the exploiters' known location; the allocation page warns when a provider
works in one of them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from referrals.reference_data import NATIONALITY_LABELS
from victim_care.models import Region, SupportCase

# Places that name a region without using its name (a first responder writes "Bradford", not
# "Yorkshire and the Humber"). Not a gazetteer: the commonest cities and counties of each region.
PLACES_IN_REGIONS: dict[str, str] = {
    **{place: Region.LONDON for place in ("london", "croydon", "barking", "hackney", "newham", "tower hamlets",
                                          "ilford", "romford", "hillingdon", "southall", "wembley", "tottenham")},
    **{place: Region.NORTH_WEST for place in ("manchester", "liverpool", "bolton", "preston", "blackburn", "oldham",
                                              "rochdale", "wigan", "salford", "stockport", "lancashire", "cumbria")},
    **{place: Region.NORTH_EAST for place in ("newcastle", "sunderland", "middlesbrough", "gateshead", "durham")},
    **{place: Region.YORKSHIRE for place in ("leeds", "sheffield", "bradford", "hull", "york", "huddersfield",
                                             "wakefield", "doncaster", "rotherham", "barnsley", "halifax")},
    **{place: Region.EAST_MIDLANDS for place in ("nottingham", "leicester", "derby", "lincoln", "northampton")},
    **{place: Region.WEST_MIDLANDS for place in ("birmingham", "coventry", "wolverhampton", "stoke", "walsall",
                                                 "dudley", "west bromwich", "worcester", "hereford", "telford")},
    **{place: Region.EAST for place in ("luton", "norwich", "cambridge", "peterborough", "ipswich", "chelmsford",
                                        "southend", "colchester", "bedford", "watford", "essex", "norfolk",
                                        "suffolk", "hertfordshire")},
    **{place: Region.SOUTH_EAST for place in ("southampton", "portsmouth", "brighton", "oxford", "reading",
                                              "slough", "milton keynes", "kent", "surrey", "sussex", "canterbury",
                                              "maidstone", "crawley", "dover")},
    **{place: Region.SOUTH_WEST for place in ("bristol", "plymouth", "exeter", "bournemouth", "swindon",
                                              "gloucester", "bath", "cornwall", "devon", "somerset")},
    **{place: Region.WALES for place in ("cardiff", "swansea", "newport", "wrexham")},
}


def regions_named_in(text: str) -> set[str]:
    """The regions a piece of free text names, by the region's own name or a place in it."""
    lowered = f" {text.lower()} "
    found = {region.value for region in Region if re.search(rf"\b{re.escape(region.label.lower())}\b", lowered)}
    found |= {region for place, region in PLACES_IN_REGIONS.items() if re.search(rf"\b{re.escape(place)}\b", lowered)}
    return found


@dataclass(frozen=True)
class Person:
    name: str
    other_names: str
    date_of_birth: datetime.date | None
    age: int | None
    gender: str
    nationality: str
    language: str
    needs_interpreter: bool | None
    dependants: str
    how_to_contact: str
    contact_details: list[str]
    first_responder: str
    accommodation_needs: list[str]
    risk_notes: list[str]
    locations_to_avoid: list[str]
    regions_to_avoid: set[str] = field(default_factory=set)

    @property
    def regions_to_avoid_labels(self) -> list[str]:
        return [Region(value).label for value in sorted(self.regions_to_avoid)]


def _age(born: datetime.date | None, today: datetime.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def person_of(support_case: SupportCase, *, today: datetime.date) -> Person:
    referral = support_case.referral
    answers = referral.answers
    details = answers.get("personal-details", {})
    delivery = answers.get("decision-delivery", {})
    risk = answers.get("risk", {})
    exploiters = answers.get("exploiters", {})
    exploitation = answers.get("exploitation", {})
    your_details = answers.get("your-details", {})
    nationality = " ".join(filter(None, [NATIONALITY_LABELS.get(referral.nationality, ""),
                                         NATIONALITY_LABELS.get(referral.second_nationality, "")])) or "Unknown"
    interpreter = details.get("needs_interpreter")
    safe = delivery.get("safe_to_send") in (True, "yes")
    contact: list[str] = []
    if safe and delivery.get("send_to") == "person":
        if delivery.get("method") == "email" and delivery.get("delivery_email"):
            contact.append(f"Email (confirmed safe): {delivery['delivery_email']}")
        if delivery.get("method") == "post" and delivery.get("delivery_address"):
            contact.append(f"Post (confirmed safe): {delivery['delivery_address']}")
    first_responder = referral.first_responder_organisation.name
    if your_details.get("referrer_name"):
        first_responder = (f"{your_details['referrer_name']}, {first_responder}"
                           + (f" ({your_details['referrer_phone']})" if your_details.get("referrer_phone") else ""))
    if contact:
        how = "Directly, by the contact details below, which the first responder confirmed are safe."
    elif delivery and not safe:
        how = "Only through the first responder: they did not confirm that writing to the person is safe."
    else:
        how = "Through the first responder."
    accommodation = []
    if answers.get("consent", {}).get("wants_support") == "yes":
        accommodation.append("Wants support, such as safe accommodation, while the case is decided.")
    if details.get("has_dependants") == "yes":
        accommodation.append("Has dependants (see above): may need a family space.")
    if exploitation.get("living_conditions"):
        accommodation.append(f"Living conditions when referred: {exploitation['living_conditions']}")
    if support_case.needs:
        accommodation.append(f"Assessed needs: {support_case.needs}")
    risks = [text for text in (
        risk.get("future_risk", ""),
        "May still be exploited." if exploitation.get("still_exploited") in ("yes", "not_sure") else "",
        f"Exploiters' location is known: {exploiters.get('exploiter_location', '')}"
        if exploiters.get("exploiter_location_known") == "yes" else "",
        f"Assessed risks: {support_case.risks}" if support_case.risks else "",
    ) if text]
    avoid = [text for text in (risk.get("locations_to_avoid", ""),) if text]
    born = referral.date_of_birth
    return Person(
        name=" ".join(filter(None, [details.get("given_names", ""), details.get("family_name", "")])) or "Not known",
        other_names=details.get("other_names", ""), date_of_birth=born, age=_age(born, today),
        gender=referral.get_gender_display(), nationality=nationality,
        language=details.get("interpreter_language", "") if interpreter == "yes" else "",
        needs_interpreter=None if interpreter is None else interpreter == "yes",
        dependants=details.get("dependants", "") if details.get("has_dependants") == "yes" else "None",
        how_to_contact=how, contact_details=contact, first_responder=first_responder,
        accommodation_needs=accommodation, risk_notes=risks, locations_to_avoid=avoid,
        regions_to_avoid=regions_named_in(" ".join([*avoid, exploiters.get("exploiter_location", "")
                                                    if exploiters.get("exploiter_location_known") == "yes" else ""])),
    )
