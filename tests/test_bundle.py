"""The bundled schema of each version is one self-contained file that decides as the released ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import given, settings
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012
from strategies import datasets

from validator import registry
from validator.bundling import bundle, bundle_name
from validator.engine.engines import compiled

REPO = Path(__file__).parent.parent
BUNDLED = REPO / "schema" / "bundled"


def _records() -> list[object]:
    found = []
    for path in sorted([*REPO.glob("datasets/*/events.jsonl"),
                        *REPO.glob("tests/cases/invalid/*/*/dataset/events.jsonl")]):
        for line in path.read_text("utf-8", errors="replace").splitlines():
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
    return found


RECORDS = _records()


@pytest.mark.parametrize("version", registry.versions())
def test_the_bundle_is_one_file_with_no_reference_outside_it(version: str) -> None:
    """Every $ref of the bundle, reached or not, resolves in the bundle alone.

    referencing, with no way to retrieve anything, follows each subschema's base
    URI (the $id of the resource it stands in) as python-jsonschema would.
    """
    text = (BUNDLED / bundle_name(version)).read_text("utf-8")
    document = json.loads(text)
    assert document == bundle(version)
    assert document["$id"] == registry.load(version).uri(registry.RECORD_SCHEMA)
    resource = DRAFT202012.create_resource(document)
    resolver = Registry().with_resource(document["$id"], resource).resolver(document["$id"])
    references = list(_references(resolver, resource))
    assert len(references) == text.count('"$ref":')  # the walk misses none
    for inner, reference in references:
        inner.lookup(reference)  # Unresolvable for a $ref that leaves the bundle


def _references(resolver: Any, resource: Resource[Any]) -> Iterator[tuple[Any, str]]:
    """Each $ref of `resource` and of the subschemas below it, with its resolver.

    (referencing exports no name for its Resolver type: Any here.)
    """
    resolver = resolver.in_subresource(resource)
    contents = resource.contents
    if isinstance(contents, dict) and isinstance(contents.get("$ref"), str):
        yield resolver, contents["$ref"]
    for subresource in resource.subresources():
        yield from _references(resolver, subresource)


def test_a_reference_outside_the_bundle_is_found() -> None:
    """The walk above reaches a $ref deep in the bundle and refuses one that leaves it."""
    document = bundle(registry.versions()[-1])
    document["$defs"]["outside"] = {"properties": {"x": {"$ref": "other.schema.json"}}}
    resource = DRAFT202012.create_resource(document)
    resolver = Registry().with_resource(document["$id"], resource).resolver(document["$id"])
    found = [(inner, ref) for inner, ref in _references(resolver, resource)
             if ref == "other.schema.json"]
    assert len(found) == 1
    with pytest.raises(Unresolvable):
        found[0][0].lookup(found[0][1])


@pytest.mark.parametrize("version", registry.versions())
def test_the_bundle_decides_every_record_as_the_released_schema(version: str) -> None:
    released = compiled(version, registry.RECORD_SCHEMA)
    bundled = jsonschema_rs.validator_for(bundle(version), validate_formats=True)
    python = jsonschema.Draft202012Validator(
        bundle(version), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    checked = [r for r in RECORDS if _encodable(r)]
    assert len(checked) > 1000
    for record in checked:
        assert bundled.is_valid(record) == released.is_valid(record), record
        if '"0000-' in json.dumps(record):  # RFC 3339 and jsonschema-rs admit year 0000,
            assert not python.is_valid(record)  # python's datetime does not: date-year-zero
            continue
        assert python.is_valid(record) == released.is_valid(record), record


def _encodable(record: object) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: engines differ on what they receive
        return False
    return True


@settings(max_examples=50)
@given(datasets())
def test_generated_records_are_valid_under_the_bundle(data: dict) -> None:
    """Records drawn at each version are valid under that version's bundled schema."""
    bundled = jsonschema_rs.validator_for(bundle(data["version"]), validate_formats=True)
    for record in data["records"]:
        assert bundled.is_valid(record)


def test_the_catalogue_lists_every_version_s_ids_in_schemastore_s_format() -> None:
    """schema/catalog.json (generated; `codegen --check` fails when it is stale) names the
    record schema and the profile of each shipped version by `$id`, the newest as `url`."""
    from validator.bundling import CATALOG, catalog_text

    text = (REPO / "schema" / CATALOG).read_text("utf-8")
    assert text == catalog_text()
    catalog = json.loads(text)
    assert catalog["$schema"] == "https://json.schemastore.org/schema-catalog.json"
    assert catalog["version"] == 1
    newest = registry.versions()[-1]
    for entry, document in zip(catalog["schemas"],
                               (registry.RECORD_SCHEMA, registry.PROFILE_SCHEMA), strict=True):
        assert set(entry) == {"name", "description", "url", "versions"}  # SchemaStore's keys
        assert entry["url"] == registry.load(newest).uri(document)
        assert entry["versions"] == {v: registry.load(v).uri(document)
                                     for v in registry.versions()}


def test_textevents_schema_names_the_folder_and_the_catalogue(
        capsys: pytest.CaptureFixture[str]) -> None:
    from validator.authoring.cli import main

    assert main(["schema", "1.1.0", "--folder"]) == 0
    assert capsys.readouterr().out == f"{registry.schema_root() / '1.1.0'}\n"
    assert main(["schema", "--catalog"]) == 0
    assert Path(capsys.readouterr().out.strip()) == registry.schema_root() / "catalog.json"


@pytest.mark.parametrize("version", registry.versions())
def test_the_record_type_schemas_together_decide_every_record_as_the_bundle(version: str) -> None:
    """`textevents schema --type T` accepts exactly the records of type T the bundle accepts:
    over every record of the datasets and cases, as they are and moved to the version."""
    from validator.bundling import record_type_schema

    full = jsonschema_rs.validator_for(bundle(version), validate_formats=True)
    types = registry.load(version).codelists["event_type"].codes
    typed = {t: jsonschema_rs.validator_for(record_type_schema(version, t), validate_formats=True)
             for t in types}
    assert "$ref" not in json.dumps(record_type_schema(version, types[0])).replace(
        "every $ref inlined", "")
    records = [r for r in RECORDS if _encodable(r)]
    records += [{**r, "schema_version": version} for r in records if isinstance(r, dict)]
    accepted = 0
    for record in records:
        verdicts = {t: v.is_valid(record) for t, v in typed.items()}
        assert any(verdicts.values()) == full.is_valid(record), record
        assert sum(verdicts.values()) <= 1
        accepted += any(verdicts.values())
    assert accepted > 40
    with pytest.raises(KeyError):
        record_type_schema(version, "wizard")
