"""Parity: proving the new site carries what the old one did. The new site read over HTTP
(:mod:`~migrator.parity.newsite`), old records against it (:mod:`~migrator.parity.diff`), the report people read
(:mod:`~migrator.parity.report`), and scores against a site's ground truth (:mod:`~migrator.parity.evaluate`)."""
