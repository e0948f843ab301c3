"""What a crawl learns about a site as a whole, over the raw pages it kept (nothing is fetched again): content
regions and field places per template (:mod:`~migrator.sitewide.regions`), repeated blocks, the site's shell
(:mod:`~migrator.sitewide.shell`), listings withdrawn, short entries rescued (:mod:`~migrator.sitewide.rescue`);
:class:`~migrator.sitewide.model.SiteModel` runs them in order at the crawl's end, in ``reclean`` and in
``extract``."""
from __future__ import annotations

from migrator.sitewide.model import SiteModel

__all__ = ["SiteModel"]
