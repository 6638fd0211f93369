"""The pre-commit hook of a textevents checkout, as a repository of datasets uses it.

Run by `nox -s precommit` (which installs pre-commit) as
`python tests/hooks/precommit_check.py CHECKOUT WORK`: in a fresh git
repository under WORK holding one dataset, the hook of CHECKOUT's HEAD
passes a clean dataset and changes outside any dataset (a file named like a
dataset's among them), and fails a new undeclared file or link in a dataset
and a broken record, each with its finding, and a shifted quote beside files
named like options; it refuses an option in its `args`, and passes the quote
when its `entry` ignores the rule.  A deleted article, which pre-commit does
not pass to the hook, fails textevents-validate-all.  Exits 1 at the first
expectation that does not hold, saying which.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HOOK = "textevents-validate"


def run(*command: str, code: int = 0, cwd: Path | None = None) -> str:
    """Run a command; its output, or exit if its exit code is not `code`."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != code:
        sys.exit(f"{' '.join(command)}: exit {done.returncode}, not {code}\n"
                 f"{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def expect(condition: bool, failure: str, output: str = "") -> None:
    """Exit, saying what failed, unless `condition` holds."""
    if not condition:
        sys.exit(f"{failure}\n{output}")


class Repository:
    """A git repository of datasets with the hooks of one checkout configured."""

    def __init__(self, checkout: Path, work: Path) -> None:
        self.root = work / "contributor"
        shutil.rmtree(self.root, ignore_errors=True)
        self.dataset = self.root / "datasets" / "payne"
        shutil.copytree(checkout / "datasets" / "voa-2021-05-15-payne-washington", self.dataset)
        (self.root / "README.md").write_text("A repository of datasets.\n", encoding="utf-8")
        rev = run("git", "-C", str(checkout), "rev-parse", "HEAD").strip()
        self.config = self.root / ".pre-commit-config.yaml"
        self.config.write_text(
            f"repos:\n  - repo: {checkout}\n    rev: {rev}\n    hooks:\n"
            f"      - id: {HOOK}\n      - id: textevents-validate-all\n", encoding="utf-8")
        os.environ["PRE_COMMIT_HOME"] = str(work / "pre-commit-home")
        run("git", "-C", str(self.root), "init", "-q")
        self.git("add", "-A")
        self.git("commit", "-qm", "datasets")

    def git(self, *args: str) -> str:
        """git in the repository, as a contributor."""
        return run("git", "-C", str(self.root), "-c", "user.name=ci", "-c",
                   "user.email=ci@example.org", *args)

    def hook(self, *args: str, code: int, hook_id: str = HOOK) -> str:
        """pre-commit's run of one hook over the staged files (or `args`)."""
        return run("pre-commit", "run", hook_id, *args, code=code, cwd=self.root)


def outside_and_undeclared(repo: Repository) -> None:
    """Changes outside any dataset pass; an undeclared file or link in one fails."""
    expect("Passed" in repo.hook("--all-files", code=0), "the hook did not pass the clean dataset")
    with (repo.root / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("More.\n")
    (repo.root / "examples").mkdir()
    (repo.root / "examples" / "events.jsonl").write_text("not a record\n", encoding="utf-8")
    repo.git("add", "-A")
    expect("Passed" in repo.hook(code=0), "the hook failed changes outside any dataset")
    repo.git("commit", "-qm", "outside")
    additions = {"notes.txt": lambda path: path.write_text("a note\n", encoding="utf-8"),
                 "link.txt": lambda path: path.symlink_to("../../README.md")}
    for added, make in additions.items():
        make(repo.dataset / added)
        repo.git("add", "-A")
        out = repo.hook(code=1)
        expect(f"datasets/payne/{added}:0:0: error resource-undeclared" in out,
               f"the hook did not report the undeclared {added}", out)
        repo.git("rm", "-q", "--cached", str(repo.dataset / added))
        (repo.dataset / added).unlink()


def broken_record(repo: Repository) -> Path:
    """A value outside its codelist fails, at its line; returns the events file."""
    events = repo.dataset / "events.jsonl"
    events.write_text(events.read_text("utf-8").replace('"modality": "asserted"',
                                                        '"modality": "rumoured"'), "utf-8")
    repo.git("add", "-A")
    out = repo.hook(code=1)
    expect("datasets/payne/events.jsonl:1:" in out and "schema-not-in-codelist" in out,
           "the hook did not report the broken record", out)
    repo.git("checkout", "-q", "HEAD", "--", str(events))
    return events


def options_stay_paths(repo: Repository, events: Path) -> None:
    """A quote one character off fails the hook, also beside files named like options
    (`--list-rules`, `--ignore=…`: paths after the entry's `--`, never obeyed); an option
    in `args` (after the `--` too) is refused, and the quote passes once the hook's
    `entry` ignores the rule."""
    lines = events.read_text("utf-8").splitlines()
    record = json.loads(lines[0])
    record["evidence"][0]["start"] += 1
    events.write_text("\n".join([json.dumps(record, ensure_ascii=False), *lines[1:]]) + "\n",
                      "utf-8")
    repo.git("add", "-A")
    expect("span-text-mismatch" in repo.hook(code=1), "the hook did not report the shifted quote")
    named = [repo.root / "--list-rules", repo.root / "--ignore=references,evidence,meaning"]
    for path in named:
        path.write_text("a file named like an option\n", encoding="utf-8")
    repo.git("add", "-A")
    expect("span-text-mismatch" in repo.hook(code=1), "files named like options silenced the hook")
    repo.git("rm", "-q", "--cached", *map(str, named))
    for path in named:
        path.unlink()
    original = repo.config.read_text("utf-8")
    repo.config.write_text(original.replace(
        f"- id: {HOOK}\n", f"- id: {HOOK}\n        args: [--ignore=span-text-mismatch]\n"), "utf-8")
    repo.git("add", "-A")
    expect("options go before --" in repo.hook(code=1),  # pre-commit exits 1 for any failure
           "the hook took an option in its args, after the end of options")
    repo.config.write_text(original.replace(
        f"- id: {HOOK}\n", f"- id: {HOOK}\n"
        "        entry: validate --skip-outside --ignore=span-text-mismatch --\n"), "utf-8")
    repo.git("add", "-A")
    expect("not checked (--ignore): span-text-mismatch" in repo.hook("--verbose", code=0),
           "the options of the hook's entry did not reach validate")
    repo.git("checkout", "-q", "HEAD", "--", str(events), str(repo.config))


def deleted_article(repo: Repository) -> None:
    """pre-commit passes no deleted file: only textevents-validate-all sees it go."""
    repo.git("rm", "-q", str(next(repo.dataset.glob("articles/*.txt"))))
    repo.hook(code=0)
    expect("error resource-missing" in repo.hook(code=1, hook_id="textevents-validate-all"),
           "textevents-validate-all did not report the deleted article")


def main() -> int:
    checkout, work = (Path(arg).resolve() for arg in sys.argv[1:3])
    repo = Repository(checkout, work)
    outside_and_undeclared(repo)
    options_stay_paths(repo, broken_record(repo))
    deleted_article(repo)
    print("the hook passed the clean dataset and the changes outside any dataset, and failed "
          "the undeclared file, the undeclared link, the broken record and a shifted quote "
          "beside files named like options, refused an option in its args, and passed the "
          "quote its entry ignores; textevents-validate-all failed the deleted article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
