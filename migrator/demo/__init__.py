"""The bundled demo old site (``site``), its HTTP server (``server``) and the ``migrator demo`` run (``run``)."""
