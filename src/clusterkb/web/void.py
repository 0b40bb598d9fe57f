"""The dataset's own description (VoID and DCAT-AP 3) at /.well-known/void."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .context import error


async def void(request: Request) -> Response:
    return error(501, "the dataset description is not written yet")
