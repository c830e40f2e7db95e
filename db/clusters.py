"""Which candidate stands for its story (cluster): the one rule, kept in one place."""

import logging

logger = logging.getLogger(__name__)


def clusters_cte() -> str:
    """SQL for a CTE `clusters(cluster_id, representative_id, copies, outlets)`.

    The representative is, for now, the cluster's earliest candidate (lowest id); a later
    stories table would change only this query. `outlets` counts distinct outlets, taking
    the source's name where a page names no outlet.
    """
    return """
        clusters AS (
            SELECT cluster_id,
                   MIN(id) AS representative_id,
                   COUNT(*) AS copies,
                   COUNT(DISTINCT COALESCE(outlet, source)) AS outlets
            FROM candidates
            GROUP BY cluster_id
        )
    """
