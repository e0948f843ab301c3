"""Cut-over: what the records become on the new platform. Its URLs (:mod:`~migrator.cutover.newplatform`),
exports (:mod:`~migrator.cutover.export`), redirect maps (:mod:`~migrator.cutover.redirects`), internal links
rewritten (:mod:`~migrator.cutover.links`) and media downloaded (:mod:`~migrator.cutover.media`)."""
