"""Makes the production smoke test's user (a practitioner in a team) with the password in
SMOKE_PASSWORD; if the second factor exists, enrols a TOTP device and prints its key (hex)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")

django.setup()

from hononga.accounts.models import Role, Team, User  # noqa: E402
from hononga.core.models import Region  # noqa: E402

region = Region.objects.create(name="Smoke region")
team = Team.objects.create(name="Smoke team", region=region)
user = User.objects.create_user(
    username=os.environ["SMOKE_USERNAME"],
    password=os.environ["SMOKE_PASSWORD"],
    role=Role.PRACTITIONER,
    preferred_name="Smoke",
)
user.teams.add(team)
try:
    from django_otp.plugins.otp_totp.models import TOTPDevice
except ImportError:
    pass
else:
    device = TOTPDevice.objects.create(user=user, name="smoke", confirmed=True)
    print(device.key)
