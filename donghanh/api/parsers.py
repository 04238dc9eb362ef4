"""The API's one parser: JSON, with refusals a reader can act on, in the reader's language."""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, and no field of the API takes them.
    raise ValueError(name)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing what it cannot read with a 400 in the reader's language.

    DRF's own answers "JSON parse error - " followed by Python's English message, and a body
    nested too deeply for Python's parser (a hundred thousand `[`) ended in a RecursionError,
    a server error.
    """

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.load(codecs.getreader(encoding)(stream), parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(
                _("The JSON body is nested too deeply to be read. Send a flatter object.")
            ) from None
        except json.JSONDecodeError as error:
            raise ParseError(
                _("The request body is not valid JSON: look at line %(line)d, column %(column)d.")
                % {"line": error.lineno, "column": error.colno}
            ) from None
        except ValueError:  # not in the declared encoding, or NaN / Infinity
            raise ParseError(_("The request body is not valid JSON.")) from None
