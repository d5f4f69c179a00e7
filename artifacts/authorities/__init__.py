"""Authority records for places, organisations and people (see models), the services that
link and merge them, and the pages that show them."""
