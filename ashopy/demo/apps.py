from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and bulk generators: the top layer, it may use every app."""

    name = "ashopy.demo"
    label = "demo"
    verbose_name = "Demo"
