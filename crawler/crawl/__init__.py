"""The only Scrapy code: settings, items, pipelines, middlewares, the run recorder and the crawl runner."""
