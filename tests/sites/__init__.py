"""Sites the tests and benchmarks crawl over real HTTP: generated test sites (an English blog, a uCoz portal, heavy
generic pages, a hostile site) and the one server that serves them all (:mod:`tests.sites.server`, over
:class:`migrator.demo.server.DemoServer`, which serves the bundled demo site too)."""
