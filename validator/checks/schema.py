"""Records and descriptors against their JSON Schema, one problem per schema error.

A compiled engine (jsonschema-rs, formats asserted, offline) finds every error
of a value, not only the first.  Each error becomes a problem with a rule code
chosen by the failing keyword, at the pointer of the offending value.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.checks.meaning import country_hint
from validator.checks.suggest import did_you_mean
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import join, pointer

if TYPE_CHECKING:
    from collections.abc import Iterator

JSON = Any

# Which rule a failing JSON Schema keyword breaks, for record schemas.
_RECORD_CODES = {
    "Required": "schema-missing-field",
    "AdditionalProperties": "schema-unknown-field",
    "FalseSchema": "schema-unknown-field",
    "Type": "schema-wrong-type",
    "Enum": "schema-not-in-codelist",
    "Constant": "schema-not-in-codelist",
    "Format": "schema-format",
}

_QUOTED = 40  # characters of a value quoted in a message


def _message(kind: Any, error: Any) -> tuple[str, str]:  # noqa: ANN401 - engine objects
    """A one-line message and an extra pointer segment for one engine error."""
    name = type(kind).__name__
    if name == "Required":
        return f"missing required field {escape(kind.property)}", ""
    if name == "AdditionalProperties":
        unexpected = list(getattr(kind, "unexpected", ()))
        if unexpected:  # the first: schema_problems gives the others
            return _unknown(unexpected[0], _missing(error)), unexpected[0]
    if name == "FalseSchema":
        path = list(error.instance_path)
        field = path[-1] if path else "value"
        return f"field {escape(str(field))} is not allowed here", ""
    if name == "Enum":
        options = list(kind.options)
        shown = ", ".join(escape(o, 24) for o in options[:8])
        more = f" and {len(options) - 8} more" if len(options) > 8 else ""
        hint = did_you_mean(error.instance, frozenset(o for o in options if isinstance(o, str))) \
            if isinstance(error.instance, str) else ""
        return f"{escape(error.instance)} is not one of {shown}{more}{hint}", ""
    if name == "Constant":
        return f"{escape(error.instance)} is not {escape(kind.expected_value)}", ""
    if name == "Type":
        types = kind.types if isinstance(kind.types, list | tuple) else [kind.types]
        return (f"{escape(error.instance)} is not of type "
                f"{' or '.join(str(t) for t in types)}"), ""
    if name == "Format":
        return f"{escape(error.instance)} is not a valid {kind.format}", ""
    # Other messages quote the value whole, as compact JSON, which can push the
    # reason past the length a message may have: quote it short instead.
    message, whole = error.message, json.dumps(error.instance, ensure_ascii=False,
                                               separators=(",", ":"), sort_keys=True)
    if len(whole) > _QUOTED and whole in message:
        message = message.replace(whole, escape(error.instance, _QUOTED), 1)
    return escape(message, 160)[1:-1], ""


def _shipped_uri(value: JSON) -> str:
    """' (the 1.1.0 record schema)' when `value` is the $id of a shipped schema, else ''."""
    for version in registry.versions():
        for name, what in ((registry.RECORD_SCHEMA, "record schema"),
                           (registry.PROFILE_SCHEMA, "dataset profile")):
            if registry.load(version).documents[name].get("$id") == value:
                return f" (the {version} {what})"
    return " (no schema this validator ships)"


def _schema_uri_message(error: Any) -> str:  # noqa: ANN401 - an engine error
    """Why a `$schema` is refused: what it names, and the $id it must be."""
    expected = error.kind.expected_value
    return (f"$schema {escape(error.instance, 80)}{_shipped_uri(error.instance)} is not the "
            f"$id of the schema this file's version follows: {escape(expected, 80)}")


def _unknown(field: str, missing: frozenset[str]) -> str:
    """The message of one unknown field of an object, with the `missing` field it may mean."""
    return f"unknown field {escape(field)}{did_you_mean(field, missing)}"


def _missing(error: Any) -> frozenset[str]:  # noqa: ANN401 - an engine error
    """The fields an object refused for an unknown field may have but does not."""
    location = error.absolute_keyword_location or ""
    try:
        schema = registry.subschema(location.removesuffix("/additionalProperties"))
    except LookupError:  # not a place in a released schema file: no fields to offer
        return frozenset()
    fields = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return frozenset(fields) - frozenset(error.instance)


def _within(where: str, refused: set[str]) -> bool:
    """Whether pointer `where` is one of `refused` or below one (linear in `where`)."""
    return where in refused or any(where[:at] in refused
                                   for at, char in enumerate(where) if char == "/")


def schema_problems(validator: Any, value: JSON, *,  # noqa: ANN401 - a jsonschema-rs validator
                    default_code: str = "schema-value",
                    codes: dict[str, str] | None = None) -> Iterator[Problem]:
    """Every schema error of `value`, as problems located by pointer.

    An object of the wrong record type's details is one 'not allowed' problem;
    the errors inside it would only repeat that, so they are left out.
    """
    codes = _RECORD_CODES if codes is None else codes
    errors = list(validator.iter_errors(value))
    refused = {pointer(*e.instance_path) for e in errors if type(e.kind).__name__ == "FalseSchema"}
    for error in errors:
        where = pointer(*error.instance_path)
        name = type(error.kind).__name__
        if name != "FalseSchema" and refused and _within(where, refused):
            continue
        message, extra = _message(error.kind, error)
        if name == "Constant" and where == "/$schema":  # schema 1.2.0: the file's own schema
            yield Problem("schema-uri-mismatch", _schema_uri_message(error), pointer=where)
            continue
        if name == "Pattern" and where.endswith("/country"):  # NG, Nigeria: NGA
            message += country_hint(error.instance)
        ptr = join(where, extra) if extra else where
        yield Problem(codes.get(name, default_code), message, pointer=ptr)
        if name == "AdditionalProperties":  # one error names every unknown field of an object
            others = list(getattr(error.kind, "unexpected", ()))[1:]
            missing = _missing(error) if others else frozenset()  # once: it reads every key
            yield from (Problem(codes.get(name, default_code), _unknown(field, missing),
                                pointer=join(where, field)) for field in others)
