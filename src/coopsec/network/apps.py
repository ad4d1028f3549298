from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "coopsec.network"
    label = "network"
    verbose_name = "Partnership network"
