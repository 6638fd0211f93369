"""Reports of a finished run: text, JSON, SARIF, GitHub annotations and the HTML page.

Each renderer takes findings (or a `validator.results.Report`) and gives text;
none runs a check or changes a finding.
"""
