"""The bundled demo news site: fictional Chinese outlets with feeds, sitemaps and listings, served locally."""

from crawler.demo.content import demo_catalogue
from crawler.demo.server import DemoSite
from crawler.demo.sources import demo_sources

__all__ = ["DemoSite", "demo_catalogue", "demo_sources"]
