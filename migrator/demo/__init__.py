"""The bundled demo old site (``site``), its HTTP server (``server``) and the ``migrator demo`` run (``run``)."""

#: The Drupal 6 themes the demo site can wear (``layout.THEMES``), named here so that the command line
#: lists them without importing the generator.
THEME_NAMES = ("garland", "minnelli", "bluemarine", "pushbutton", "chameleon", "marvin", "zen")
