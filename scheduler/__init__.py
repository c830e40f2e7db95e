"""When to crawl: the scheduler daemon and cron mode (to come)."""
