from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "coopsec.web"
    label = "web"
    verbose_name = "Web interface"
