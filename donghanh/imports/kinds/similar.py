"""Likely duplicates of a people import's rows, found by the platform's duplicate matcher.

The matcher is the registration hint's (`donghanh.duplicates.hints`), which the duplicates app
registers with the people app at start-up (`donghanh.people.registry.duplicate_matcher`): the
imports app sits below duplicates and reaches it only through that port. Without a registered
matcher only the exact checks of the people kind apply.

The file is weighed a chunk of rows at a time (`FileMatcher.match_rows`, in the duplicates
app): the organisation's own people are read once for the file, never another
organisation's, and each row is weighed against them and against the earlier rows of the file
with the matcher's comparisons and threshold, the candidates those a registration would have
(a name word equal to the row's given name or one letter off it, the most recent first): a
name without diacritics or with two letters swapped, a birth year one off, the day and month
swapped, the place named before or after 2025…
"""

from __future__ import annotations

from typing import Any

from donghanh.people.registry import FileMatcher, duplicate_matcher


def similar_people(organisation: Any) -> FileMatcher | None:
    """The matcher of one file against the organisation's people; None when no matcher is
    registered."""
    matcher = duplicate_matcher()
    return None if matcher is None else matcher.for_file(organisation_id=organisation.pk)
