"""What web frameworks look like in code: the objects that carry routes, the decorators and the
registration calls that expose a function to HTTP requests, and the class-based views.

Data read by `routes.py` and by the relevance model's route markers (relevance.may_declare_routes,
checked by the detection pass before parsing a module without AI). A name is matched on its
qualified name (after imports) when the
framework fixes it (`django.urls.path`, `litestar.get`); on its conventional variable name
(`app`, `router`, `bp`...) only in a module that imports a web framework.
"""

from __future__ import annotations

FRAMEWORK_ROOTS = frozenset({
    "fastapi", "starlette", "flask", "quart", "aiohttp", "django", "rest_framework", "sanic", "litestar", "ninja",
    "tornado", "falcon", "bottle", "connexion", "flask_restful", "flask_restx", "flask_smorest", "responder",
    "robyn", "blacksheep", "chalice",
})

# Constructors of objects whose methods declare routes (`app = Flask(__name__)`, `router = APIRouter()`).
APP_FACTORIES = frozenset({
    "fastapi.FastAPI", "fastapi.APIRouter", "fastapi.routing.APIRouter", "starlette.applications.Starlette",
    "starlette.routing.Router", "flask.Flask", "flask.Blueprint", "quart.Quart", "quart.Blueprint",
    "aiohttp.web.RouteTableDef", "aiohttp.web.Application", "sanic.Sanic", "sanic.Blueprint", "ninja.NinjaAPI",
    "ninja.Router", "bottle.Bottle", "litestar.Router", "flask_smorest.Blueprint", "flask_restx.Namespace",
    "flask_restx.Api", "chalice.Chalice", "robyn.Robyn", "blacksheep.Application",
})
CONVENTIONAL_NAMES = frozenset({"app", "application", "router", "api", "api_router", "bp", "blueprint", "routes",
                                "web", "server", "ns", "api_v1", "v1"})

# `@<object>.<verb>(...)` declares a route.
ROUTE_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route",
                         "websocket", "websocket_route", "view", "ws", "trace"})

# Decorators that are routes by their qualified name.
ROUTE_DECORATORS = frozenset({
    *(f"litestar.{verb}" for verb in ("get", "post", "put", "patch", "delete", "head", "route", "websocket")),
    *(f"bottle.{verb}" for verb in ("route", "get", "post", "put", "delete")),
    "rest_framework.decorators.api_view", "rest_framework.decorators.action",
    "django.views.decorators.http.require_http_methods", "django.views.decorators.http.require_POST",
    "django.views.decorators.http.require_GET", "django.views.decorators.http.require_safe",
    "django.views.decorators.csrf.csrf_exempt",
})

# Base classes whose request methods are handlers.
VIEW_BASE_PREFIXES = ("django.views", "django.contrib.auth.views", "rest_framework.views", "rest_framework.viewsets",
                      "rest_framework.generics", "flask.views", "starlette.endpoints", "aiohttp.web.View",
                      "flask_restful.Resource", "flask_restx.Resource", "tornado.web.RequestHandler",
                      "tornado.websocket.WebSocketHandler", "sanic.views.HTTPMethodView", "litestar.Controller",
                      "quart.views", "flask_smorest.MethodView")
HANDLER_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch",
                             "dispatch_request", "list", "create", "retrieve", "update", "partial_update", "destroy",
                             "on_get", "on_post", "on_put", "on_patch", "on_delete", "form_valid", "get_context_data",
                             "websocket_connect", "on_receive", "on_message"})

# Calls that register a handler given as an argument: qualified name -> index of the handler argument.
REGISTRARS = {
    "django.urls.path": 1, "django.urls.re_path": 1, "django.conf.urls.url": 1,
    "starlette.routing.Route": 1, "starlette.routing.WebSocketRoute": 1, "fastapi.routing.APIRoute": 1,
    **{f"aiohttp.web.{verb}": 1 for verb in ("get", "post", "put", "patch", "delete", "head", "view")},
    "aiohttp.web.route": 2,
}
# Methods that register a handler, on any object of a module that imports a web framework.
REGISTRAR_METHODS = frozenset({"add_url_rule", "add_api_route", "add_route", "add_get", "add_post", "add_put",
                               "add_patch", "add_delete", "add_head", "add_view", "add_api_websocket_route",
                               "add_websocket_route", "add_resource"})
HANDLER_KEYWORDS = ("view_func", "endpoint", "handler", "view", "resource")


# --- byte markers -----------------------------------------------------------------------------
# Which modules the detection pass analyses for routes although they hold no AI themselves (their
# handlers may call the project's own AI functions): decided on the bytes already read, before any
# parsing. Django's `urls.py` and `views.py` always; else a web framework imported in the module's
# header (or a route decorator) and a sign that it declares routes at all.
HEAD_BYTES = 16384  # imports sit at the top
ROUTE_FILE_NAMES = ("urls.py", "views.py")
