"""The editors' side: review actions, the web UI and issue export (to come)."""
