"""OpenAPI post-processing: document the error answers every operation can give, so machine
clients (and the fuzz tests) can rely on the schema for refusals as well as successes."""

from __future__ import annotations

from typing import Any

_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "additionalProperties": True}
_FIELD_ERRORS = {"type": "object", "additionalProperties": True,
                 "description": "Errors by field name (lists of messages), or `detail` / `non_field_errors`."}
_ERRORS = {
    "400": ("Invalid input: errors by field", _FIELD_ERRORS),
    "401": ("Not signed in, or the token is invalid, expired or revoked", _DETAIL),
    "403": ("Signed in, but this role may not do this", _DETAIL),
    "404": ("No such record for this user (or not theirs to see)", _DETAIL),
    "405": ("Method not allowed", _DETAIL),
    "409": ("The case's state does not allow this, or someone else changed it first", _DETAIL),
    "415": ("The body is not JSON", _DETAIL),
    "429": ("Too many requests", _DETAIL),
}


_NO_NUL = "^[^\\u0000]*$"


def _forbid_nul_characters(node: Any) -> None:
    """Text may not contain NUL characters (PostgreSQL cannot store them; DRF refuses them): say so."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"enum", "format", "pattern"} & set(node) and not node.get(
                "readOnly"):
            node["pattern"] = _NO_NUL
        for value in node.values():
            _forbid_nul_characters(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul_characters(value)


def forbid_nul_characters(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _forbid_nul_characters(component)
    return result


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, body) in _ERRORS.items():
                if code == "409" and method == "get":
                    continue
                responses.setdefault(code, {"description": description,
                                            "content": {"application/json": {"schema": body}}})
    return result
