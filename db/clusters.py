"""Which candidate stands for its story (cluster), and what a story counts: the one rule, kept in one place."""

import json
import logging

logger = logging.getLogger(__name__)

# The representative: the most authoritative source's copy; among equals the earliest by the article's
# own date (a dated copy before an undated one, whose date we do not know), then the first seen.
REPRESENTATIVE_ORDER = (
    "authority DESC, julianday(published_at) IS NULL, julianday(published_at), first_seen_at, id"
)


def clusters_cte() -> str:
    """SQL for CTEs ending in `clusters(cluster_id, representative_id, copies, outlets, outlet_names,
    first_seen_at)`.

    `outlets` counts distinct outlets (the source's name where a page names no outlet), the number
    ranking can weigh; `outlet_names` is a JSON array of them, the representative's first, then in the
    order of their copies; `first_seen_at` is when the story's first copy was stored.
    """
    return f"""
        cluster_places AS (
            SELECT id, cluster_id, COALESCE(outlet, source) AS outlet_name, first_seen_at,
                   ROW_NUMBER() OVER (PARTITION BY cluster_id ORDER BY {REPRESENTATIVE_ORDER}) AS place
            FROM candidates
        ),
        cluster_outlets AS (
            SELECT cluster_id, outlet_name, MIN(place) AS place
            FROM cluster_places GROUP BY cluster_id, outlet_name ORDER BY cluster_id, place
        ),
        clusters AS (
            SELECT p.cluster_id,
                   MAX(CASE WHEN p.place = 1 THEN p.id END) AS representative_id,
                   COUNT(*) AS copies,
                   o.outlets,
                   o.outlet_names,
                   MIN(p.first_seen_at) AS first_seen_at
            FROM cluster_places p
            JOIN (SELECT cluster_id, COUNT(*) AS outlets, json_group_array(outlet_name) AS outlet_names
                  FROM cluster_outlets GROUP BY cluster_id) o ON o.cluster_id = p.cluster_id
            GROUP BY p.cluster_id
        )
    """


def outlet_names(value: str | None) -> list[str]:
    """The clusters CTE's outlet_names as a list."""
    return json.loads(value) if value else []
