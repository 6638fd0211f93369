"""The released schemas: valid, offline-resolvable, in step with codelists and docs."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from referencing.exceptions import Unresolvable

from validator import codegen, registry
from validator.codelists import load_codelists

REPO = Path(__file__).parent.parent
VERSIONS = registry.versions()


def schema_files(version: str) -> list[Path]:
    return sorted((REPO / "schema" / version).glob("*.json"))


def _manifest(version: str) -> dict[str, str]:
    """The released files of a version and their SHA-256, from `schema/<version>.sha256`."""
    manifest = REPO / "schema" / f"{version}.sha256"
    assert manifest.is_file(), f"{version} has no manifest; see CONTRIBUTING.md"
    return {path: digest for digest, path in
            (line.split("  ", 1) for line in manifest.read_text("utf-8").splitlines())}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_released_version_is_never_edited(version: str) -> None:
    """Every file of a version is the one its manifest (`sha256sum -c` format) names."""
    folder = REPO / "schema"
    present = {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
               for path in (folder / version).rglob("*") if path.is_file()}
    released = _manifest(version)
    changed = sorted(path for path in present.keys() | released.keys()
                     if present.get(path) != released.get(path))
    assert not changed, (f"schema/{version} is released and never edited, but these files "
                         f"differ from schema/{version}.sha256: {', '.join(changed)}; "
                         "ship the change as a new version (CONTRIBUTING.md)")


@pytest.mark.parametrize("version", VERSIONS)
def test_every_schema_passes_its_metaschema(version: str) -> None:
    files = schema_files(version)
    assert len(files) >= 6
    for path in files:
        document = json.loads(path.read_text("utf-8"))
        jsonschema.Draft202012Validator.check_schema(document)
        assert document["$id"] == f"https://schema.textevents.org/{version}/{path.name}"


@pytest.mark.parametrize("version", VERSIONS)
def test_additional_properties_false_throughout(version: str) -> None:
    """Every object schema with properties closes itself.

    Excepted are predicates and refinements that apply beside a closed schema:
    if/then branches, `named_*` predicates, and the per-type classification.
    """
    def walk(node, where):
        if isinstance(node, dict):
            refinement = any(part in where for part in ("/if", "/then", "/named_")) \
                or where.endswith("classification")
            if "properties" in node and node.get("type") == "object" and not refinement:
                assert node.get("additionalProperties") is False, where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    for path in schema_files(version):
        walk(json.loads(path.read_text("utf-8")), path.name)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access refused in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_ref_resolves_offline(version: str, no_network) -> None:
    """With the network refused, every $ref of every schema resolves from package files."""
    loaded = registry.load(version)

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    count = 0
    for document in loaded.documents.values():
        if "$id" not in document:
            continue
        resolver = loaded.registry.resolver(base_uri=document["$id"])
        for ref in refs(document):
            resolver.lookup(ref)
            count += 1
    assert count > 50
    with pytest.raises(Unresolvable):
        loaded.registry.resolver().lookup("https://example.com/remote.json")


def test_engines_refuse_remote_refs(no_network) -> None:
    import jsonschema_rs

    from validator.engine.engines import refuse

    with pytest.raises(Exception, match="offline"):
        jsonschema_rs.validator_for({"$ref": "https://example.com/s.json"}, retriever=refuse)


@pytest.mark.parametrize("version", VERSIONS)
def test_enums_are_generated_from_codelists(version: str) -> None:
    """codelists.schema.json equals what the codelist CSVs generate (no drift)."""
    folder = REPO / "schema" / version
    expected = codegen.codelist_schema(version, load_codelists(folder / "codelists"))
    assert json.loads((folder / "codelists.schema.json").read_text("utf-8")) == expected
    closed = {n for n, c in load_codelists(folder / "codelists").items() if c.closed}
    for name in closed:
        assert expected["$defs"][name]["enum"]


def test_generated_files_are_current() -> None:
    """docs/ and the codelist schema are regenerated from their sources (stale = fail)."""
    stale = [path for path, text in codegen.outputs(REPO).items()
             if not path.exists() or path.read_text("utf-8") != text]
    assert not stale, f"run python -m validator.codegen: {stale}"


def test_drift_is_detected(tmp_path: Path) -> None:
    """A codelist changed without regenerating is caught by --check."""
    copy = tmp_path / "repo"
    (copy / "schema").mkdir(parents=True)
    for version in VERSIONS:
        shutil.copytree(REPO / "schema" / version, copy / "schema" / version)
    shutil.copytree(REPO / "docs", copy / "docs")
    modality = copy / "schema" / VERSIONS[-1] / "codelists" / "modality.csv"
    modality.write_text(modality.read_text("utf-8") + "rumoured,Rumoured,Hearsay.\n", "utf-8")
    assert codegen.main(["--check", "--repo", str(copy)]) == 1


def test_installed_package_works_from_another_folder(tmp_path: Path) -> None:
    """The schema loads through the API and --version answers, outside the checkout."""
    code = ("import validator, json; v = validator.load_schema('1.0.0'); "
            "print(json.dumps([validator.__file__, str(v.folder)]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout
    module, folder = json.loads(out)
    assert Path(folder, "event.schema.json").is_file()
    version = subprocess.run([sys.executable, "-m", "validator", "--version"], cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    assert "schema 1.0.0" in version
    if "site-packages" in module:  # under nox: a real, non-editable install
        assert "site-packages" in folder


def test_a_subschema_is_found_by_its_absolute_location() -> None:
    common = registry.load("1.0.0").uri("common.schema.json")
    span = registry.subschema(f"{common}#/$defs/span")
    assert {"source", "start", "end", "text"} <= set(span["properties"])
    whole = registry.subschema(registry.load("1.0.0").uri(registry.RECORD_SCHEMA))
    assert whole is registry.load("1.0.0").record_schema
    for nowhere in ("https://example.org/x.json#/a", f"{common}#/$defs/nothing"):
        with pytest.raises(LookupError):
            registry.subschema(nowhere)
