import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
application = get_wsgi_application()

# The server does not start without the audit trail's key (gunicorn runs no system checks).
from hononga.audit.keys import keyring  # noqa: E402

keyring()
