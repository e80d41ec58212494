"""drf-spectacular wiring: the bearer-token security scheme, one path per
endpoint in the schema, and the error shape as every operation's default answer."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


class BasicScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}


def drop_trailing_slash_twins(endpoints):
    """Each endpoint is routed with and without a trailing slash; document the
    original, slash-less path only."""
    paths = {path for path, *_rest in endpoints}
    return [e for e in endpoints if not (e[0].endswith("/") and e[0].rstrip("/") in paths)]


def add_default_error(result, generator, request, public):
    """Any status an operation does not list still answers with the error shape
    (405, 429, 500…), so say so once for every operation."""
    error = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation["responses"].setdefault(
                "default", {"description": "Error", "content": {"application/json": {"schema": error}}}
            )
    return result
