import logging

from django.apps import AppConfig
from django.db import DatabaseError

logger = logging.getLogger(__name__)


def _queue_search_renewal() -> None:
    """After every publication, once committed: queue the job that renews the search index.

    Should the database refuse, the web processes build the index themselves after waiting for
    it a while: logged, not raised into a publication that has already happened."""
    from donghanh.content.services import SEARCH_RENEWAL_ACTOR, search_indexes_renewal_queue
    from donghanh.core.actor import Actor

    try:
        search_indexes_renewal_queue(actor=Actor.system(SEARCH_RENEWAL_ACTOR))
    except DatabaseError as error:
        logger.warning("the search index renewal was not queued: %s", type(error).__name__)


class ContentConfig(AppConfig):
    name = "donghanh.content"
    label = "content"

    def ready(self) -> None:
        from donghanh.core.page_cache import on_publication

        # A publication (or a change of a public provider) queues the search index's renewal.
        on_publication(_queue_search_renewal)
