"""Which candidate stands for its story (cluster), and what a story counts: the one rule, kept in one place."""

import json
import logging
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

# The representative: the most authoritative source's copy; among equals the earliest by the article's
# own date (a dated copy before an undated one, whose date we do not know), then the first seen.
REPRESENTATIVE_ORDER = (
    "authority DESC, julianday(published_at) IS NULL, julianday(published_at), first_seen_at, id"
)


def clusters_cte() -> str:
    """SQL for CTEs ending in `clusters(cluster_id, representative_id, copies, outlets, runners,
    first_seen_at)`.

    An outlet that ran a copy is the pair (source, the outlet the page names): a reprint's page often
    names the agency it credits, not the site that ran it, while one source (an aggregator) can carry
    copies credited to different outlets. `outlets` counts those pairs, the number ranking can weigh;
    `runners` is a JSON array of them with a URL of theirs, the representative's first, then in the
    order of their copies (outlet_names() turns it into names); `first_seen_at` is when the story's
    first copy was stored.
    """
    return f"""
        cluster_places AS (
            SELECT id, cluster_id, source, outlet, url, first_seen_at,
                   ROW_NUMBER() OVER (PARTITION BY cluster_id ORDER BY {REPRESENTATIVE_ORDER}) AS place
            FROM candidates
        ),
        cluster_runners AS (
            SELECT cluster_id, source, outlet, MIN(url) AS url, MIN(place) AS place
            FROM cluster_places GROUP BY cluster_id, source, outlet ORDER BY cluster_id, place
        ),
        clusters AS (
            SELECT p.cluster_id,
                   MAX(CASE WHEN p.place = 1 THEN p.id END) AS representative_id,
                   COUNT(*) AS copies,
                   r.outlets,
                   r.runners,
                   MIN(p.first_seen_at) AS first_seen_at
            FROM cluster_places p
            JOIN (SELECT cluster_id, COUNT(*) AS outlets, json_group_array(json_array(source, outlet, url)) AS runners
                  FROM cluster_runners GROUP BY cluster_id) r ON r.cluster_id = p.cluster_id
            GROUP BY p.cluster_id
        )
    """


def outlet_names(runners: str | None) -> list[str]:
    """The names of the outlets that ran a story, from the clusters CTE's runners, as a reader would
    name them: the outlet a page names, or the site it is on (its host) for a page that names none or
    credits an outlet an earlier copy already named (several sites running one agency's story). Never
    the operator's name for a source, which readers do not know."""
    names: list[str] = []
    credited: set[str] = set()
    for _source, outlet, url in json.loads(runners) if runners else []:
        name = outlet if outlet and outlet not in credited else site_name(url)
        credited.add(outlet)
        if name not in names:
            names.append(name)
    return names


def site_name(url: str) -> str:
    """How a reader names the site a URL is on: its host without www."""
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")
