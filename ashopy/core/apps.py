from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ashopy.core"
    label = "core"
