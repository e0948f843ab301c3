"""The passes that need no crawl: ``migrator extract`` of saved files (:mod:`~migrator.offline.extract`) and
``migrator reclean`` of a database's stored pages (:mod:`~migrator.offline.reclean`)."""
from __future__ import annotations
