from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coopsec.api"
    label = "api"
    verbose_name = "REST API"
