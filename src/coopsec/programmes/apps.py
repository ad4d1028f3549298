from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "coopsec.programmes"
    verbose_name = "Partnership programmes"
