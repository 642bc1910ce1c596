"""API documentation served offline: Swagger UI from the ``swagger-ui-bundle`` package, no CDN.

The bundled Swagger UI (4.x) reads OpenAPI 3.0 documents, so the page loads a copy of the schema
labelled 3.0.3 (the content FastAPI generates renders fine); ``/openapi.json`` stays the real 3.1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from xinyong.errors import NotFound

router = APIRouter(include_in_schema=False)
_ASSETS = Path(swagger_ui_bundle.swagger_ui_path)
_ALLOWED = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}
)

_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>信用台州 · 接口文档</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="icon" href="/api/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
"""

_INIT = """window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api/docs/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    requestInterceptor: function (req) {
      var m = document.cookie.match(/(?:^|; )xy_csrf=([^;]+)/);
      if (m) { req.headers["X-CSRF-Token"] = decodeURIComponent(m[1]); }
      return req;
    }
  });
};
"""


@router.get("/api/docs", response_class=HTMLResponse)
def docs_page() -> HTMLResponse:
    """Return the documentation page."""
    return HTMLResponse(_PAGE)


@router.get("/api/docs/init.js", response_class=HTMLResponse)
def docs_init() -> HTMLResponse:
    """Return the page's start-up script (kept out of the HTML for a strict CSP)."""
    return HTMLResponse(_INIT, media_type="application/javascript")


@router.get("/api/docs/assets/{name}", response_class=FileResponse)
def docs_asset(name: str) -> FileResponse:
    """Return one Swagger UI asset from the installed package."""
    if name not in _ALLOWED:
        raise NotFound("文件不存在", code="docs.not_found")
    return FileResponse(_ASSETS / name, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/api/docs/openapi.json", response_class=JSONResponse)  # the OpenAPI document itself
def docs_schema(request: Request) -> JSONResponse:
    """Return the OpenAPI schema labelled 3.0.3 for the bundled Swagger UI."""
    schema: dict[str, Any] = dict(request.app.openapi())
    schema["openapi"] = "3.0.3"
    return JSONResponse(schema)
