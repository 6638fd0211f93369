"""textevents: the validator for datasets of event records grounded in news text.

Use it as a library::

    from validator import validate
    report = validate(["datasets"])
    for finding in report.findings:
        print(finding.file, finding.line, finding.code, finding.message)

or check one record in memory, as a pipeline makes it::

    from validator import check_record
    for finding in check_record(record, texts={"voa-8005899": text}):
        print(finding.code, finding.pointer, finding.message)
"""

from validator.engine.run import validate
from validator.findings import RULES, Finding, Rule, Severity, UsageError
from validator.one_record import check_record
from validator.registry import load as load_schema
from validator.registry import versions as schema_versions
from validator.results import Report

__all__ = [
    "RULES",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "UsageError",
    "check_record",
    "load_schema",
    "schema_versions",
    "validate",
]
