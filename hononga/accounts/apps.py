from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hononga.accounts"
    label = "accounts"

    def ready(self) -> None:
        from hononga.accounts import signals  # noqa: F401  (login audit hooks)
