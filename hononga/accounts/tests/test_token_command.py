"""`hononga token create|list|revoke`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.test import Client

from hononga.accounts.models import ApiToken, hash_token
from hononga.audit.models import Action, AuditEvent


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_only_the_token_and_stores_only_its_hash(practitioner):
    out, err = run("create", "practitioner", "--name", "Nightly export")
    raw = out.strip()
    assert raw.startswith("hon_")
    assert "\n" not in raw
    token = ApiToken.objects.get(user=practitioner)
    assert token.name == "Nightly export"
    assert token.token_hash == hash_token(raw)
    assert raw not in {token.name, token.prefix, token.token_hash}
    assert "cannot be shown again" in err
    # And it works.
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["username"] == "practitioner"


def test_create_without_a_name_uses_a_default(practitioner):
    run("create", "practitioner")
    assert ApiToken.objects.get(user=practitioner).name == "Command line"


def test_create_for_an_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        run("create", "nobody")
    assert not ApiToken.objects.exists()


def test_create_for_an_inactive_user_fails(practitioner):
    practitioner.is_active = False
    practitioner.save()
    with pytest.raises(CommandError, match="not active"):
        run("create", "practitioner")
    assert not ApiToken.objects.exists()


def test_create_with_a_too_long_name_fails(practitioner):
    with pytest.raises(CommandError, match="1 to 100"):
        run("create", "practitioner", "--name", "x" * 101)


def test_list_all_or_one_user(practitioner, supervisor):
    run("create", "practitioner", "--name", "Aroha script")
    run("create", "supervisor", "--name", "Hēmi script")
    out, _ = run("list")
    assert "Aroha script" in out and "Hēmi script" in out
    assert "active" in out
    out, _ = run("list", "supervisor")
    assert "Hēmi script" in out and "Aroha script" not in out
    with pytest.raises(CommandError):
        run("list", "nobody")


def test_list_with_no_tokens(db):
    out, _ = run("list")
    assert out.strip() == "No tokens."


def test_revoke(practitioner):
    raw = run("create", "practitioner")[0].strip()
    token = ApiToken.objects.get()
    out, _ = run("revoke", str(token.pk))
    assert f"Revoked token {token.pk}" in out
    assert ApiToken.objects.get().revoked_at is not None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    out, _ = run("list")
    assert "revoked" in out
    out, _ = run("revoke", str(token.pk))
    assert "already revoked" in out


def test_revoke_unknown_id_fails(db):
    with pytest.raises(CommandError, match="no token with id 42"):
        run("revoke", "42")


def test_from_the_command_line_an_error_exits_non_zero_on_stderr(db, capsys):
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["hononga", "token", "create", "nobody"])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert "no user called 'nobody'" in captured.err
    assert captured.out == ""


def test_create_is_audited_as_the_user_themself_from_the_command_line(practitioner):
    run("create", "practitioner")
    event = AuditEvent.objects.get(action=Action.TOKEN)
    assert event.actor_id == practitioner.pk
    assert event.actor_username == "practitioner"
    assert event.data["source"] == "command line"
    assert "command line" in event.summary


def test_create_with_an_admin_actor_is_audited_as_that_admin(practitioner, admin_user):
    run("create", "practitioner", "--actor", "admin")
    event = AuditEvent.objects.get(action=Action.TOKEN)
    assert event.actor_username == "admin"
    assert event.data == {"user": "practitioner", "source": "command line"}


def test_only_an_admin_can_act_for_another_user(practitioner, supervisor):
    with pytest.raises(CommandError, match="not an active administrator"):
        run("create", "practitioner", "--actor", "supervisor")
    with pytest.raises(CommandError, match="no user called"):
        run("create", "practitioner", "--actor", "nobody")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.TOKEN).exists()


def test_revoke_with_an_admin_actor_is_audited(practitioner, admin_user):
    run("create", "practitioner")
    token = ApiToken.objects.get()
    run("revoke", str(token.pk), "--actor", "admin")
    event = AuditEvent.objects.filter(action=Action.TOKEN).order_by("-id").first()
    assert event is not None
    assert event.actor_username == "admin"
    assert "Revoked" in event.summary
