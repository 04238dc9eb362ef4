"""What the services that write many records at once share (an import's chunk of rows).

Such a service checks every item before writing any: when some are refused, it writes nothing
and raises `ItemsRefusedError`, naming each refused item by its position in what it was given,
so that the caller can leave those out (and tell why) and write the rest.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError

# Rows written by one INSERT of a bulk write.
BULK_SIZE = 1000


class ItemsRefusedError(ValidationError):
    """Some items of a bulk write were refused: `refused` maps each one's position to why."""

    def __init__(self, refused: Mapping[int, ValidationError]) -> None:
        self.refused = dict(refused)
        super().__init__([message for error in refused.values() for message in error.messages])
