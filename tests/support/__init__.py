"""Helpers the tests share: pages to serve, a desk fed through the crawl's stages, decided homes."""
