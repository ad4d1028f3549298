from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coopsec.accounts"
    label = "accounts"
    verbose_name = "Accounts"
