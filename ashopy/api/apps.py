from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ashopy.api"
    label = "api"
    verbose_name = "API"
