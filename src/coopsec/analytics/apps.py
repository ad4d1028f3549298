from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "coopsec.analytics"
    verbose_name = "Decision-support analytics"
