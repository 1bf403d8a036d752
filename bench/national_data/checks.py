"""Checks of the loaded national data: the foreign keys and triggers are off while loading (loader.py),
so check_database() verifies afterwards that every link and state hangs together as the live service
would have left them. Table names come from the models ({Referral} is Referral._meta.db_table)."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from bench.national_data.loader import Names
from decisions.models import CaseFile, Decision, Reconsideration
from organisations.models import Organisation, User
from referrals.models import ReferenceCounter, Referral, ReferralGroupObjectPermission, ReferralUserObjectPermission
from victim_care.models import Allocation, CareRecordEntry, SupportCase

TABLES = (Referral, Organisation, User, CaseFile, Decision, Reconsideration, Permission, ContentType,
          ReferralUserObjectPermission, ReferralGroupObjectPermission, ReferenceCounter, SupportCase, Allocation,
          CareRecordEntry)

# (what is wrong, a count of the rows where it is), with {Model} for each model's table.
DATABASE_CHECKS: tuple[tuple[str, str], ...] = (
    ("referrals whose first responder organisation, author or competent authority does not exist", """
        SELECT count(*) FROM {Referral} r
        LEFT JOIN {Organisation} fr ON fr.id = r.first_responder_organisation_id
        LEFT JOIN {User} author ON author.id = r.created_by_id
        LEFT JOIN {Organisation} ca ON ca.id = r.competent_authority_id
        WHERE fr.id IS NULL OR author.id IS NULL OR (r.competent_authority_id IS NOT NULL AND ca.id IS NULL)"""),
    ("case files of a missing referral or of a Duty to Notify, or allocated to a missing user", """
        SELECT count(*) FROM {CaseFile} c LEFT JOIN {Referral} r ON r.id = c.referral_id
        LEFT JOIN {User} u ON u.id = c.allocated_to_id
        WHERE r.id IS NULL OR r.kind = 'dtn' OR (c.allocated_to_id IS NOT NULL AND u.id IS NULL)"""),
    ("routed NRM referrals without a case file", """
        SELECT count(*) FROM {Referral} r LEFT JOIN {CaseFile} c ON c.referral_id = r.id
        WHERE r.kind = 'nrm' AND r.status NOT IN ('draft', 'historic') AND c.referral_id IS NULL"""),
    ("decisions whose case, author or reviewer does not exist, or reviewed by their author", """
        SELECT count(*) FROM {Decision} d LEFT JOIN {CaseFile} c ON c.referral_id = d.case_id
        LEFT JOIN {User} author ON author.id = d.author_id
        LEFT JOIN {User} reviewer ON reviewer.id = d.reviewer_id
        WHERE c.referral_id IS NULL OR author.id IS NULL OR (d.reviewer_id IS NOT NULL AND reviewer.id IS NULL)
           OR d.reviewer_id = d.author_id"""),
    ("decisions served before their case was received", """
        SELECT count(*) FROM {Decision} d JOIN {CaseFile} c ON c.referral_id = d.case_id
        WHERE d.served_at < c.received_at OR d.drafted_at < c.received_at"""),
    ("cases past a positive Reasonable Grounds decision without one served (and no reconsideration)", """
        SELECT count(*) FROM {Referral} r WHERE r.status IN ('rg_positive', 'cg_drafted', 'cg_awaiting_review',
            'cg_positive', 'cg_negative', 'closed')
        AND NOT EXISTS (SELECT 1 FROM {Decision} d WHERE d.case_id = r.id AND d.stage = 'rg'
                        AND d.outcome = 'positive' AND d.status = 'served')
        AND NOT EXISTS (SELECT 1 FROM {Reconsideration} x WHERE x.case_id = r.id)"""),
    ("cases whose status needs a served Conclusive Grounds decision they do not have", """
        SELECT count(*) FROM {Referral} r WHERE r.status IN ('cg_positive', 'cg_negative', 'closed')
        AND NOT EXISTS (SELECT 1 FROM {Decision} d WHERE d.case_id = r.id AND d.stage = 'cg'
                        AND d.status = 'served' AND (r.status = 'closed' OR r.status = 'cg_' || d.outcome))"""),
    ("negative Reasonable Grounds cases without their served negative decision", """
        SELECT count(*) FROM {Referral} r WHERE r.status = 'rg_negative'
        AND NOT EXISTS (SELECT 1 FROM {Decision} d WHERE d.case_id = r.id AND d.stage = 'rg'
                        AND d.outcome = 'negative' AND d.status = 'served')"""),
    ("submitted or allocated cases that already have a served decision", """
        SELECT count(*) FROM {Referral} r WHERE r.status IN ('submitted', 'allocated')
        AND EXISTS (SELECT 1 FROM {Decision} d WHERE d.case_id = r.id AND d.status = 'served')"""),
    ("allocated cases whose decision maker has no grant to decide them", """
        SELECT count(*) FROM {CaseFile} c
        JOIN {Permission} p ON p.codename = 'decide_referral'
        JOIN {ContentType} t ON t.id = p.content_type_id AND t.app_label = 'referrals'
        WHERE c.allocated_to_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM {ReferralUserObjectPermission} g
            WHERE g.content_object_id = c.referral_id AND g.user_id = c.allocated_to_id AND g.permission_id = p.id)"""),
    ("support cases without a served positive Reasonable Grounds decision, or of a child", """
        SELECT count(*) FROM {SupportCase} s LEFT JOIN {Referral} r ON r.id = s.referral_id
        WHERE r.id IS NULL OR r.is_child IS TRUE OR NOT EXISTS (
            SELECT 1 FROM {Decision} d WHERE d.case_id = r.id AND d.stage = 'rg' AND d.outcome = 'positive'
            AND d.status = 'served')"""),
    ("allocations to a missing support case or to an organisation that is not a support provider", """
        SELECT count(*) FROM {Allocation} a LEFT JOIN {SupportCase} s ON s.id = a.support_case_id
        LEFT JOIN {Organisation} p ON p.id = a.provider_id
        LEFT JOIN {User} u ON u.id = a.created_by_id
        WHERE s.id IS NULL OR u.id IS NULL OR NOT coalesce('support_provider' = ANY(p.roles), false)"""),
    ("allocations overlapping another allocation of the same person", """
        SELECT count(*) FROM {Allocation} a
        JOIN {Allocation} b ON b.support_case_id = a.support_case_id AND b.id < a.id
        WHERE daterange(b.start_on, b.end_on, '[)') && daterange(a.start_on, a.end_on, '[)')"""),
    ("care record entries by a provider that never supported the person, or by a missing author", """
        SELECT count(*) FROM {CareRecordEntry} e LEFT JOIN {User} u ON u.id = e.author_id
        WHERE u.id IS NULL OR NOT EXISTS (
            SELECT 1 FROM {Allocation} a
            WHERE a.support_case_id = e.support_case_id AND a.provider_id = e.provider_id)"""),
    ("years whose reference counter is behind the references already used", r"""
        SELECT count(*) FROM (
            SELECT split_part(reference, '-', 2)::int AS year, max(split_part(reference, '-', 3)::bigint) AS used
            FROM {Referral} WHERE reference ~ '^(NRM|DTN)-\d{{4}}-\d+$' GROUP BY 1) references_used
        LEFT JOIN {ReferenceCounter} counter ON counter.year = references_used.year
        WHERE counter.last_number IS NULL OR counter.last_number < references_used.used"""),
    ("support grants whose copy of the referral's submission time is wrong", """
        SELECT count(*) FROM {ReferralGroupObjectPermission} g
        JOIN {Referral} r ON r.id = g.content_object_id
        WHERE g.referral_submitted_at IS DISTINCT FROM r.submitted_at"""),
)


def check_database() -> list[str]:
    """What is wrong with the links and states of all rows (foreign keys are not checked while loading):
    one line per kind of problem, empty when all is well."""
    names = {model.__name__: Names(model) for model in TABLES}
    problems = []
    with connection.cursor() as cursor:
        for description, sql in DATABASE_CHECKS:
            cursor.execute(sql.format(**names))
            (count,) = cursor.fetchone()
            if count:
                problems.append(f"{count} {description}")
    return problems
