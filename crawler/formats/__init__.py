"""Reading what sources serve: charsets, URLs and sites, feeds, sitemaps, listing links (pure functions)."""
