"""The package's parts import one way, and no module grows past what a reader holds at once."""

from __future__ import annotations

from pathlib import Path

import grimp

PACKAGE = Path(__file__).parent.parent / "validator"
# Top to bottom: a part imports only the parts below it.  The core (findings
# and the rule catalogue, results, escaping, pointers) imports nothing above.
LAYERS = (
    ("validator.cli", "validator.codegen", "validator.__main__", "validator.authoring",
     "validator.upgrade", "validator.upgrade_steps", "validator.output_file",
     "validator.export"),
    ("validator.one_record",),
    ("validator.render",),
    ("validator.engine",),
    ("validator.checks",),
    ("validator.bundling", "validator.changes"),
    ("validator.registry", "validator.codelists", "validator.recall"),
    ("validator.reading",),
    ("validator.results", "validator.pointers", "validator.capping", "validator.ignoring"),
    ("validator.findings",),
    ("validator.escaping",),
)
MAX_LINES = 400


def test_parts_import_one_way() -> None:
    """Reading, registry, checks, engine, render and CLI form layers with no import upwards."""
    graph = grimp.build_graph("validator")
    layers = [grimp.Layer(*names, independent=False) for names in LAYERS]
    illegal = graph.find_illegal_dependencies_for_layers(layers=layers)
    assert not illegal, sorted(f"{d.importer} -> {d.imported}" for d in illegal)


def test_every_module_is_in_a_layer() -> None:
    """A new top-level module must be placed in the layers above, or the test proves nothing."""
    graph = grimp.build_graph("validator")
    placed = {name for names in LAYERS for name in names}
    tops = {".".join(m.split(".")[:2]) for m in graph.modules if m != "validator"}
    assert tops <= placed, sorted(tops - placed)


def test_no_module_is_over_four_hundred_lines() -> None:
    """Small modules: a module that outgrows this is split by what it does."""
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, long
