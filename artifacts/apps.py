from django.apps import AppConfig


class ArtifactsConfig(AppConfig):
    name = "artifacts"
    verbose_name = "Battlefield artifacts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from artifacts import checks, signals  # noqa: F401  (registers checks, connects receivers)
        from artifacts.custody import signals as custody_signals  # noqa: F401
