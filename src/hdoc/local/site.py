"""The website, locally: `web/` served as the hosting stack serves it, with the API under `/api`.

What CloudFront does in AWS (frontend/template.yaml), this server does on a laptop: it serves the
site's files with the stack's security headers (the same Content-Security-Policy), answers
`index.html` for any path that is not a file (the single-page app's routes), and forwards `/api/*`
to the API (here, the local gateway, in-process) so that the site and the API share one origin,
through a cache that keeps public answers as CloudFront's does (edge_cache.py).
`/config.json` says where the API and the sign-in are, as `hdoc site deploy` writes it in AWS.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

from hdoc.local.cfn import load_template
from hdoc.local.edge_cache import EdgeCache
from hdoc.logic.edge import SITE_API_PATH
from hdoc.maintenance.site import NO_CACHE, cache_control, content_type
from hdoc.site_files import rules_markdown, rules_page, site_config

API_PREFIX = SITE_API_PATH
LOCAL_ONLY_PREFIX = "/_local/"
CONFIG_PATH = "/config.json"
RULES_PATH = "/rules.html"


def default_web_root() -> Path:
    """`web/` beside the templates: the checkout's, or the current folder's."""
    for base in (Path(__file__).resolve().parents[3], Path.cwd()):
        if (base / "web" / "index.html").is_file():
            return base / "web"
    raise FileNotFoundError("no web/index.html here or beside hdoc's source: run from the checkout")


def security_headers(frontend_template: Path, *, extra_connect: Iterable[str] = ()) -> dict[str, str]:
    """The response headers the hosting stack's policy adds, with its default CSP; `extra_connect`
    adds origins the page may fetch from (locally, the hosted sign-in's plain-HTTP origin)."""
    template = load_template(frontend_template)
    csp = template["Parameters"]["ContentSecurityPolicy"]["Default"]
    extra = " ".join(extra_connect)
    if extra:
        csp = csp.replace("connect-src 'self'", f"connect-src 'self' {extra}")
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


@dataclass
class SiteConfig:
    """What the site reads at start-up: where the API is, and how to sign in."""

    api_base_url: str
    auth_domain: str
    client_id: str
    stage: str

    def document(self) -> dict[str, Any]:
        return site_config(
            api_base_url=self.api_base_url,
            auth_domain=self.auth_domain,
            client_id=self.client_id,
            stage=self.stage,
        )


class LocalSite:
    """A WSGI application: the site's files, its config, and the API under /api."""

    def __init__(self, web_root: Path, headers: dict[str, str] | None = None) -> None:
        self.web_root = web_root
        self.headers = headers or {}
        self.api: Any = None  # the API's WSGI application, attached once the runtime runs
        self.edge: EdgeCache | None = None  # CloudFront's /api/* cache in front of it
        self.config: SiteConfig | None = None

    def attach(self, api: Any, config: SiteConfig) -> None:
        self.edge = EdgeCache(api)
        self.api = self.edge
        self.config = config

    def invalidate(self, paths: Iterable[str]) -> int:
        """An invalidation of the site's distribution: the API's paths (under /api) leave the edge
        cache; the site's own files are not cached here. How many cached answers went."""
        if self.edge is None:
            return 0
        api_paths = [path[len(API_PREFIX) :] for path in paths if path.startswith(API_PREFIX)]
        return self.edge.invalidate(api_paths)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if (path == API_PREFIX or path.startswith(f"{API_PREFIX}/")) and self.api is not None:
            api_path = path[len(API_PREFIX) :] or "/"
            if api_path.startswith(LOCAL_ONLY_PREFIX):
                # The local runtime's own routes (tokens, seeding) are on the API's port alone: the
                # site, like CloudFront in front of API Gateway, has no way to them.
                return self._with_headers(Response("Not found", status=404), environ, start_response)
            forwarded = dict(environ, PATH_INFO=api_path)

            def with_security_headers(
                status: str, headers: list[tuple[str, str]], exc_info: Any = None
            ) -> Callable[[bytes], None]:
                present = {name.lower() for name, _ in headers}
                added = [(name, value) for name, value in self.headers.items() if name.lower() not in present]
                return start_response(status, [*headers, *added], exc_info)  # type: ignore[no-any-return]

            answered: Iterable[bytes] = self.api(forwarded, with_security_headers)
            return answered
        return self._with_headers(self.respond(Request(environ)), environ, start_response)

    def _with_headers(
        self, response: Response, environ: dict[str, Any], start_response: Any
    ) -> Iterable[bytes]:
        """`response` with the security headers the hosting stack's policy adds (those it lacks)."""
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("Method not allowed", status=405, headers={"Allow": "GET, HEAD"})
        if request.path == CONFIG_PATH and self.config is not None:
            return Response(
                json.dumps(self.config.document()),
                content_type="application/json",
                headers={"Cache-Control": NO_CACHE},
            )
        if request.path == RULES_PATH:
            page = rules_page(rules_markdown(self.web_root.parent))
            return Response(
                page, content_type=content_type("rules.html"), headers={"Cache-Control": NO_CACHE}
            )
        key = request.path.lstrip("/") or "index.html"
        found = safe_join(str(self.web_root), key)
        if found is None or not Path(found).is_file():
            key, found = "index.html", str(self.web_root / "index.html")  # the app's own routes
        response = Response(Path(found).read_bytes(), content_type=content_type(key))
        response.headers["Cache-Control"] = cache_control(key)
        response.add_etag()
        return response.make_conditional(request)


def site_origins(port: int) -> list[str]:
    """The origins a browser may use for the local site (localhost or the loopback address)."""
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


def site_parameters(port: int) -> dict[str, str]:
    """The root template's parameters that name the website, for a site served locally on `port`:
    its sign-in callback and sign-out pages, and its origins (where GitHub may send people back to,
    and where the feed links to)."""
    origins = site_origins(port)
    return {
        "CallbackUrls": ",".join(f"{origin}/auth/callback" for origin in origins),
        "LogoutUrls": ",".join(f"{origin}/" for origin in origins),
        "AllowedOrigins": ",".join(origins),
    }


def attach_site(site: LocalSite, runtime: Any, api: Any, api_url: str, frontend_template: Path) -> None:
    """Point the site at a started runtime: its API (a WSGI app) and its hosted sign-in; the site plays
    the runtime's website distribution, so that distribution's invalidations reach its edge cache."""
    from hdoc.local import moto_services

    outputs = runtime.root.outputs()
    site.headers = security_headers(frontend_template, extra_connect=[api_url])
    site.attach(
        api,
        SiteConfig(
            api_base_url=API_PREFIX,
            auth_domain=api_url,
            client_id=str(outputs["WebsiteClientId"]),
            stage=runtime.stage,
        ),
    )
    if runtime.distribution_id:
        moto_services.on_invalidation(runtime.distribution_id, site.invalidate)


class LocalWebsite:
    """The site server: bound first, so its port can go into the templates' parameters (the
    sign-in's callback URLs), and serving once the runtime it forwards /api to is running."""

    def __init__(self, host: str, port: int, web_root: Path | None = None) -> None:
        from hdoc.local.gateway import HttpServer

        self.site = LocalSite(web_root or default_web_root())
        self.server = HttpServer(self.site, host, port)

    @property
    def url(self) -> str:
        return site_origins(self.server.port)[0]

    @property
    def parameters(self) -> dict[str, str]:
        return site_parameters(self.server.port)

    def start(self, runtime: Any, api: Any, api_url: str) -> LocalWebsite:
        frontend = runtime.template.parent / "frontend" / "template.yaml"
        attach_site(self.site, runtime, api, api_url, frontend)
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
