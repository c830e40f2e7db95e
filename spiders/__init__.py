"""One Scrapy spider per kind of source: feed, listing, sitemap."""
