"""System check: the audit key loads (every management command and `check --deploy` run it)."""

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register()
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from hononga.audit.keys import keyring

    try:
        keyring()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="See docs/audit.md.", id="audit.E001")]
    return []
