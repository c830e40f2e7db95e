"""The bundled demo news site: fictional Chinese outlets with feeds, sitemaps and listings, served locally."""

from newsdesk.demo.content import demo_catalogue
from newsdesk.demo.server import DemoSite
from newsdesk.demo.sources import demo_sources

__all__ = ["DemoSite", "demo_catalogue", "demo_sources"]
