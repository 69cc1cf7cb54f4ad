"""The default retention schedule. Each rule cites the disposal authority it implements; an
agency checks them against its own authorities (Django admin) before relying on them. The case
record rule ships inactive: closed whānau records are disposed of only once the agency has
entered its own disposal authority and turned the rule on."""

from django.db import migrations

RULES = [
    {
        "target": "checkin_links",
        "keep_days": 90,
        "action": "delete",
        "authority": "GDA 7 (Facilitative, transitory and short-term value records)",
        "authority_class": "Transitory records — confirm the class number",
        "description": "Used, revoked or expired one-time check-in links, 90 days after. The "
        "answers stay with the check-in.",
        "active": True,
    },
    {
        "target": "sign_in_codes",
        "keep_days": 30,
        "action": "delete",
        "authority": "GDA 7 (Facilitative, transitory and short-term value records)",
        "authority_class": "Transitory records — confirm the class number",
        "description": "Whānau space sign-in codes (hashes) and when they were used, after 30 "
        "days. Sign-ins stay in the audit trail.",
        "active": True,
    },
    {
        "target": "exports",
        "keep_days": 0,
        "action": "delete",
        "authority": "GDA 7 (Facilitative, transitory and short-term value records)",
        "authority_class": "Copies made for release — confirm the class number",
        "description": "Subject access export files, when their download expires. The request "
        "and what was released stay.",
        "active": True,
    },
    {
        "target": "closed_whanau",
        "keep_days": 3653,
        "action": "deidentify",
        "authority": "The agency's disposal authority for case records (enter its number)",
        "authority_class": "Case records, closed — enter the class",
        "description": "A closed whānau's case records, 10 years after the last change to the "
        "closed record: names, notes and own words blanked and change history deleted; "
        "counts and scores kept for statistics.",
        "active": False,
    },
]


def add_rules(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for rule in RULES:
        RetentionRule.objects.get_or_create(target=rule["target"], defaults=rule)


def remove_rules(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(
        target__in=[r["target"] for r in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
