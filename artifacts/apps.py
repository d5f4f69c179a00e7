from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArtifactsConfig(AppConfig):
    name = "artifacts"
    verbose_name = _("Battlefield artifacts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from artifacts import checks, signals  # noqa: F401  (registers checks, connects receivers)
        from artifacts.authorities import signals as authority_signals  # noqa: F401
        from artifacts.custody import signals as custody_signals  # noqa: F401
        from artifacts.search.indexing import index_missing_after_migrate
        from artifacts.similarity import signals as similarity_signals  # noqa: F401

        # Search documents are derived data: the live indexer writes those a migration left out.
        post_migrate.connect(index_missing_after_migrate, sender=self, dispatch_uid="artifacts.index_missing")
