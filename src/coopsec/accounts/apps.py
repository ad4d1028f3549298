from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coopsec.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from coopsec.accounts import signals  # noqa: F401  (connects the receivers)
