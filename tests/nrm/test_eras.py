"""The era is configuration: both eras set the same rules, and every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

from nrm.eras import ERA_2011, ERA_TODAY, ERAS

ROOT = Path(__file__).resolve().parents[2]


def test_both_eras_set_the_same_rules_and_differ_where_the_rules_changed():
    assert set(ERAS[ERA_2011]) == set(ERAS[ERA_TODAY])
    changed = {name for name in ERAS[ERA_2011] if ERAS[ERA_2011][name] != ERAS[ERA_TODAY][name]}
    assert {"NRM_RG_THRESHOLD_TEXT", "NRM_ROUTING_RULE", "NRM_RECOVERY_PERIOD_DAYS",
            "NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS", "NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS",
            "NRM_RECONSIDERATION_REQUESTERS", "NRM_CHILD_GUARDIANS_ENABLED"} <= changed
    assert ERAS[ERA_TODAY]["NRM_IMMIGRATION_COMPETENT_AUTHORITY"] == "Immigration Enforcement Competent Authority"


def test_every_rule_setting_read_from_the_environment_is_listed_in_env_example():
    settings_source = (ROOT / "nrm" / "settings_rules.py").read_text()
    example = (ROOT / ".env.example").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_source))
    assert "NRM_ERA" in read and "NRM_DUTY_TO_NOTIFY_AUTHORITIES" in read
    missing = sorted(name for name in read if not re.search(rf"^#? ?{name}=", example, re.MULTILINE))
    assert missing == []


def test_every_rule_setting_is_explained_in_docs_domain_rules():
    rules = (ROOT / "docs" / "domain-rules.md").read_text()
    assert [name for name in ERAS[ERA_2011] if name not in rules] == []
