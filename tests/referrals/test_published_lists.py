"""The referral form offers the lists the Home Office publishes from (docs/monitoring.md): the whole GOV.UK
nationality list in the published spelling, and the published exploitation types."""

from __future__ import annotations

from referrals.models import ExploitationType
from referrals.reference_data import BRITISH_NAMES, NATIONALITIES, nationality_code_for_label, split_nationality_label
from referrals.section_forms.exploitation import ExploitationTypesForm
from referrals.section_forms.person import PersonalDetailsForm
from referrals.section_forms.start import ConsentForm

PUBLISHED = ["Unknown", "Congolese (Drc)", "UK", "Bermudian", "Anguillan", "British Virgin Islander", "Gibraltarian",
             "St Helenian", "Tristanian", "Turks and Caicos Islander", "Citizen of the Dominican Republic",
             "Citizen of Antigua and Barbuda", "Stateless"]


def test_the_form_offers_the_whole_published_nationality_list():
    labels = [label for _, label in NATIONALITIES]
    assert len(labels) == len(set(labels)) == 219  # GOV.UK's 225 names, British ones as "UK", plus Unknown
    for form in (PersonalDetailsForm, ConsentForm):
        field = form.base_fields["nationality" if form is PersonalDetailsForm else "dtn_nationality"]
        offered = [label for value, label in field.choices if value]
        assert offered == labels
    assert set(PUBLISHED) <= set(labels)
    assert "Congolese (DRC)" not in labels and "Not specified or unknown" not in labels


def test_british_names_and_published_dual_labels_are_read():
    assert {nationality_code_for_label(name) for name in BRITISH_NAMES} == {"GB"}
    assert split_nationality_label("Albanian Unknown") == ("AL", "ZZ")
    assert split_nationality_label("Unknown UK") == ("ZZ", "GB")
    assert split_nationality_label("Angolan Congolese (Drc)") == ("AO", "CD")
    assert split_nationality_label("Guatemalan Salvadorean") == ("GT", "SV")
    assert split_nationality_label("Martian") is None


def test_the_form_offers_the_published_exploitation_types():
    field = ExploitationTypesForm.base_fields["exploitation_types"]
    assert [label for _, label in field.choices] == [label for _, label in ExploitationType.choices]
    assert {label for _, label in ExploitationType.choices} == {"Labour", "Sexual", "Criminal", "Domestic",
                                                                "Organ Harvesting", "Not specified or unknown"}
    assert "forced criminality" in field.help_text and "domestic servitude" in field.help_text
