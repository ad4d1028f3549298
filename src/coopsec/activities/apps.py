from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "coopsec.activities"
    label = "activities"
    verbose_name = "Cooperation activities"
