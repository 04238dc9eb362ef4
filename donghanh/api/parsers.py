"""The API's one parser: DRF's JSON parser, refusing what Python's parser cannot take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """Like DRF's, but a body nested too deeply is a 400, not a server error.

    Python's parser gives up with a RecursionError (not a ValueError, which DRF turns into a
    400) on a body such as a hundred thousand `[`: it is refused here before anything is read.
    """

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                _("The JSON body is nested too deeply to be read. Send a flatter object.")
            ) from None
