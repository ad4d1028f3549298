from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "coopsec.planning"
    verbose_name = "Planning under limited resources"
