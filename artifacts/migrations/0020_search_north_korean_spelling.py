"""Search documents are dropped: the analyzer now reads Korean as North Korea writes it
(initial ㄹ/ㄴ and 여/였 folded to the South's spelling, Hangul words joined across spaces),
so every document written before holds tokens that queries no longer produce.

Documents are derived data: the live indexer writes them again with the current analyzer
after `migrate` (index_missing_after_migrate), as it does for any record without one, as
0016 relied on too. Nothing here imports the analyzer: this step stays the same whatever
the analyzer becomes. Going back drops them as well, for the analyzer of that time to
write.
"""

from django.db import migrations


def drop_search_documents(apps, schema_editor):
    apps.get_model("artifacts", "SearchDocument").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("artifacts", "0019_search_rum_index")]

    operations = [migrations.RunPython(drop_search_documents, drop_search_documents, elidable=False)]
