"""The demo collection: the objects described in one news report, recorded as plain data
(collection.py), with labelled illustrations (illustrations.py) and an idempotent loader
(loader.py) behind `python manage.py load_demo`."""
