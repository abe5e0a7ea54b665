from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Bodies, functions and people"

    def ready(self) -> None:
        from . import person_cache
        from .audit import register_agencies

        register_agencies()
        person_cache.connect()
