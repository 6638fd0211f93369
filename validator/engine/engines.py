"""Compiled schema engines (jsonschema-rs): the released schemas, and narrowed copies.

Every engine is offline (its retriever refuses) and asserts formats.  Each is
built once per process and cached.

A *narrowed* engine is a stricter copy of a released record schema, built for
the hot path of the records layer so that one call in Rust decides what would
otherwise take Python per record.  The released schema is never changed, and
no finding ever comes from a narrowed engine: a record it refuses takes the
full path, where the released schema and every check decide.  The copy adds:

- a bound on every number, so that a record it accepts holds no integer that
  orjson could have parsed inexactly (see `validator.reading.limits.EXACT_DIGITS`), and the
  block reader need not look for long runs of digits;
- what record checks state about one dataset (`RecordCheck.narrowing`): say,
  that an actor reference names a row of that dataset's actors table.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.pointers import tokens
from validator.reading.limits import EXACT_DIGITS

if TYPE_CHECKING:
    from collections.abc import Mapping

JSON = Any

NUMBER_BOUND = 10**EXACT_DIGITS - 1  # every integer up to this size orjson parses exactly


def refuse(uri: str) -> JSON:
    """The engines' retriever: nothing is ever fetched."""
    raise ValueError(f"offline: refusing to retrieve {uri}")


def _engine(documents: Mapping[str, JSON], document: str) -> Any:  # noqa: ANN401 - jsonschema-rs
    import jsonschema_rs

    resources = [(doc["$id"], doc) for doc in documents.values() if "$id" in doc]
    # Without a retriever, jsonschema-rs fetches a reference it cannot resolve over
    # HTTP.  Both refuse; either alone would do (test_an_engine_never_fetches_a_schema).
    return jsonschema_rs.validator_for(
        documents[document], registry=jsonschema_rs.Registry(resources, retriever=refuse),
        validate_formats=True, retriever=refuse)


@functools.cache
def compiled(version: str, document: str) -> Any:  # noqa: ANN401 - a jsonschema-rs validator
    """A compiled, offline, format-asserting validator of a released schema."""
    return _engine(registry.load(version).documents, document)


# Keywords whose values are subschemas, lists of them, or maps of names to them
# (JSON Schema 2020-12, applicator and unevaluated vocabularies, and $defs).
_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains",
        "propertyNames", "unevaluatedItems", "unevaluatedProperties")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs")


def _bounded(schema: JSON) -> JSON:
    """A copy of `schema` where every subschema that admits numbers bounds them."""
    if not isinstance(schema, dict):
        return schema
    copy = dict(schema)
    for key in _ONE:
        if key in copy:
            copy[key] = _bounded(copy[key])
    for key in _LIST:
        if isinstance(copy.get(key), list):
            copy[key] = [_bounded(item) for item in copy[key]]
    for key in _MAP:
        if isinstance(copy.get(key), dict):
            copy[key] = {name: _bounded(item) for name, item in copy[key].items()}
    types = copy.get("type")
    if {"integer", "number"} & set([types] if isinstance(types, str) else types or ()):
        copy["maximum"] = min(copy.get("maximum", NUMBER_BOUND), NUMBER_BOUND)
        copy["minimum"] = max(copy.get("minimum", -NUMBER_BOUND), -NUMBER_BOUND)
    return copy


@functools.cache
def _bounded_documents(version: str) -> dict[str, JSON]:
    return {name: _bounded(doc) for name, doc in registry.load(version).documents.items()}


def narrowed(version: str, narrowing: Mapping[str, JSON]) -> Any:  # noqa: ANN401 - jsonschema-rs
    """A record engine stricter than the released one: numbers bounded, and `narrowing` added.

    `narrowing` maps a schema location (`file#pointer`, as in a `$ref`) to a
    subschema that the value there must also match.  Raises `LookupError` if
    a location is not in the version's schemas.
    """
    import orjson

    return _narrowed(version, orjson.dumps(dict(narrowing), option=orjson.OPT_SORT_KEYS))


@functools.lru_cache(maxsize=16)
def _narrowed(version: str, narrowing: bytes) -> Any:  # noqa: ANN401 - a jsonschema-rs validator
    """Cached by the narrowing's bytes: datasets that share their tables share an engine."""
    import orjson

    documents = dict(_bounded_documents(version))
    for location, extra in orjson.loads(narrowing).items():
        name, _, ptr = location.partition("#")
        documents[name] = _with(documents[name], tokens(ptr), extra)
    return _engine(documents, registry.RECORD_SCHEMA)


def _with(schema: JSON, path: tuple[str, ...], extra: JSON) -> JSON:
    """A copy of `schema` whose subschema at `path` must also match `extra`."""
    if not path:
        return {"allOf": [schema, extra]}
    if not isinstance(schema, dict) or path[0] not in schema:
        raise LookupError(path[0])
    return {**schema, path[0]: _with(schema[path[0]], path[1:], extra)}
