"""Files `newsdesk init` writes into a new home."""
