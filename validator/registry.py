"""The released schema versions, each loaded once into an offline registry.

Every file of `schema/<version>/` is registered under its `$id`, so every
`$ref` resolves from the package's own files; any other URI is refused, so no
schema engine ever reaches the network.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator.codelists import Codelist, load_codelists
from validator.pointers import resolve

if TYPE_CHECKING:
    import referencing

JSON = Any  # a parsed JSON value; the schemas are plain dicts and lists

RECORD_SCHEMA = "event.schema.json"
PROFILE_SCHEMA = "datapackage.profile.json"
CODELIST_SCHEMA = "codelists.schema.json"
TABLES = ("sources", "actors")  # the tables every version has, each required
OPTIONAL_TABLES = ("aliases",)  # tables a later version adds, each optional (1.3.0)


class SchemaUnavailableError(Exception):
    """The package's schema files are missing or unreadable: the tool cannot run."""


def schema_root() -> Path:
    """The folder that holds one subfolder per released schema version.

    An installed wheel carries it as `validator/schema`; a source checkout
    (an editable install, or tests run from the repository) has it beside the
    package.
    """
    packaged = Path(str(resources.files("validator"))) / "schema"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "schema"
    if checkout.is_dir():
        return checkout
    raise SchemaUnavailableError(f"no schema folder at {packaged} or {checkout}")


@functools.cache
def versions() -> tuple[str, ...]:
    """The released schema versions this validator ships, oldest first (read once)."""
    names = [p.name for p in schema_root().iterdir() if (p / RECORD_SCHEMA).is_file()]
    return tuple(sorted(names, key=lambda v: tuple(int(n) for n in v.split("."))))


def _refuse(uri: str) -> referencing.Resource[JSON]:
    # Offline by design: an unknown URI is an error, never a fetch.
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class


@dataclass(frozen=True)
class SchemaVersion:
    """One released version: its schemas by file name, codelists and registry."""

    version: str
    folder: Path
    documents: dict[str, JSON]
    codelists: dict[str, Codelist]

    @functools.cached_property
    def registry(self) -> referencing.Registry[JSON]:
        """The schemas in a `referencing` registry (for python-jsonschema), built when asked.

        The validator's engines do not need it, so `referencing` is not imported
        at start-up.
        """
        import referencing.jsonschema

        resources_ = [
            (doc["$id"], referencing.jsonschema.DRAFT202012.create_resource(doc))
            for doc in self.documents.values()
            if "$id" in doc
        ]
        registry: referencing.Registry[JSON] = referencing.Registry(retrieve=_refuse)  # type: ignore[call-arg]
        return registry.with_resources(resources_).crawl()

    def uri(self, name: str) -> str:
        """The `$id` of one of this version's schema files."""
        return str(self.documents[name]["$id"])

    @property
    def record_schema(self) -> JSON:
        """The JSON Schema of one event record."""
        return self.documents[RECORD_SCHEMA]

    @property
    def profile(self) -> JSON:
        """The JSON Schema of `datapackage.json`."""
        return self.documents[PROFILE_SCHEMA]

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables this version defines: TABLES, then the OPTIONAL_TABLES it has."""
        return TABLES + tuple(table for table in OPTIONAL_TABLES
                              if f"tables/{table}.json" in self.documents)

    def table_schema(self, table: str) -> JSON:
        """The Frictionless Table Schema of one of the version's `tables`."""
        return self.documents[f"tables/{table}.json"]


def _read_json(path: Path) -> JSON:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SchemaUnavailableError(f"cannot read {path}: {error}") from error


@functools.cache
def load(version: str) -> SchemaVersion:
    """Load one released version; raises `KeyError` for a version not shipped."""
    if version not in versions():
        raise KeyError(version)
    folder = schema_root() / version
    documents = {
        path.relative_to(folder).as_posix(): _read_json(path)
        for path in sorted(folder.rglob("*.json"))
    }
    return SchemaVersion(
        version=version,
        folder=folder,
        documents=documents,
        codelists=load_codelists(folder / "codelists"),
    )


def subschema(location: str) -> JSON:
    """The schema at an absolute location (`$id#pointer`) in a released version.

    Engines name where an error arose this way.  Raises `LookupError` for a
    location in no released file.
    """
    base, _, fragment = location.partition("#")
    for version in versions():
        for document in load(version).documents.values():
            if document.get("$id") == base:
                return resolve(document, fragment)
    raise LookupError(location)
