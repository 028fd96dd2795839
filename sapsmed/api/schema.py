"""OpenAPI post-processing: document the error answers every operation can give.

drf-spectacular documents the success answers; the API can also answer 400 (bad input, e.g. a
page number that is not a number), 401 (a token that is wrong), 403 (a role that does not allow
it), 404 (no such object or page), 409 for a write (changed meanwhile, or locked), 415 for a write
whose body is in no format the API reads (or a form body it cannot parse) and 429 (too many requests).
Clients should know them.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

ERRORS = {
    "400": "The request's parameters or body are not valid; the body says which and why.",
    "401": "The credentials (token or session) are missing or wrong.",
    "403": "Your role does not allow this.",
    "404": "No such object, or no such page of results.",
}
WRITE_ERRORS = {
    "409": "The object changed since you read it (a stale revision), or its state refuses this (a locked round).",
    "415": "The body is not JSON, a form or multipart data the API can read.",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "description": "An error: usually {'detail': '...'}; for invalid input, each field with its messages.",
        "additionalProperties": True,
    }
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            errors = ERRORS if method.upper() in SAFE_METHODS else {**ERRORS, **WRITE_ERRORS}
            for status, description in errors.items():
                responses.setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result


class PolicyAutoSchema(AutoSchema):
    """Marks authentication optional where a permission class says the public may read."""

    def get_auth(self):
        auths = super().get_auth()
        public = any(getattr(p, "public_read", False) for p in self.view.get_permissions())
        if public and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths
