"""Only for ``scrapyd-deploy``, which builds the Scrapyd egg with ``python setup.py bdist_egg``:
everything about the package is in pyproject.toml (its ``scrapy`` entry point names the settings)."""
from setuptools import setup

setup()
