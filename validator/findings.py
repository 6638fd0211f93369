"""Findings as data, and the one catalogue of rule codes.

A check never prints and never raises for bad data: it yields `Finding`
values.  Every code a check may yield is listed once in `RULES`, with a title
and a description; `validate --list-rules`, the docs and the tests that prove
each rule fires are all driven from that table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Final

from validator.escaping import printable


class Severity(enum.Enum):
    """How much a finding matters: errors fail a run, warnings only with --strict."""

    ERROR = "error"
    WARNING = "warning"


class Layer(enum.Enum):
    """The layer of a dataset a rule checks, in the order a run checks them."""

    INPUT = "input"
    DESCRIPTOR = "descriptor"
    TABLES = "tables"
    RECORDS = "records"
    REFERENCES = "references"
    EVIDENCE = "evidence"
    MEANING = "meaning"
    TOOL = "tool"


_IGNORABLE_LAYERS: Final = frozenset({Layer.REFERENCES, Layer.EVIDENCE, Layer.MEANING})


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogued rule: a stable kebab-case code and what it means."""

    code: str
    title: str
    severity: Severity
    layer: Layer
    description: str

    @property
    def ignorable(self) -> bool:
        """Whether `validate --ignore` may leave this rule unchecked.

        A warning never stops a check, and each error of the references,
        evidence and meaning layers is about one value of data that was read
        and has the schema's shape.  Every other error says that data could not
        be read, or lacks the shape that later checks rely on, so ignoring it
        would let a run pass with data left unchecked.
        """
        return self.severity is Severity.WARNING or self.layer in _IGNORABLE_LAYERS


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem found in a dataset, located as precisely as the file allows.

    `line` and `column` are 1-based; 0 means the finding concerns the whole file.
    `pointer` is an RFC 6901 JSON Pointer into the record, descriptor or row.
    `record` is the id of the record the finding is about, where a line of an
    events file holds a record with an id the schema accepts (else empty): the
    key that joins findings to records (and to the export's tables).
    Ordering is by file, then position, then code, so sorted output is stable.
    """

    file: str
    line: int
    column: int
    code: str
    message: str
    pointer: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)
    # Compared (a run's processes must agree on it too); a line holds one record, so it
    # never tells apart two findings of the same place.
    record: str = ""

    def as_dict(self) -> dict[str, str | int]:
        """The finding as a JSON-ready mapping (the report schema's `finding`)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "record": self.record,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """What a check or a reader yields: a finding not yet placed in a file.

    `line` and `column` are set by readers, which know them; a check over a
    parsed value gives a `pointer`, which the run locates in the file's text.
    """

    code: str
    message: str
    line: int = 0
    column: int = 0
    pointer: str = ""


class UsageError(Exception):
    """The command was asked something it cannot do (exit code 2)."""


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.code: rule for rule in rules}


E, W = Severity.ERROR, Severity.WARNING

RULES: Final[dict[str, Rule]] = _rules(
    # Input: bytes and syntax, before any schema is applied.
    Rule("path-unsafe", "Unsafe path", E, Layer.INPUT,
         "A path in the dataset is absolute, a URL, contains '..', a backslash or NUL, "
         "or names a symlink, FIFO, device or folder instead of a regular file. "
         "The file is not opened. A hard link (a file with more than one name, which may "
         "lie outside the dataset) is not read, and a file or folder that cannot be opened "
         "or listed (its permissions, say) is reported too: what it holds is not checked."),
    Rule("file-too-large", "File too large", E, Layer.INPUT,
         "A file, a line or a value exceeds a size limit of the validator; "
         "the rest of the file is not checked."),
    Rule("file-changed", "File changed during the run", E, Layer.INPUT,
         "A file changed, went or was replaced while the run read it: some of its records "
         "were not read, or not compared across the run. Run again once the files are still."),
    Rule("too-many-findings", "Too many findings", E, Layer.INPUT,
         "A file gave more findings than the limit; the rest of it is not checked, "
         "so that a broken or hostile file cannot flood the report or memory."),
    Rule("findings-capped", "Findings left out", W, Layer.INPUT,
         "One record, or one rule in one file, gave more findings than the limit "
         "(100 each): the first are reported and this one says that more were left out, "
         "so that a hostile file cannot flood the report or make a run take minutes. "
         "An error is never left out where it is the only one."),
    Rule("encoding-invalid", "Invalid UTF-8", E, Layer.INPUT,
         "A text file is not valid UTF-8 (every file of a dataset is UTF-8)."),
    Rule("encoding-bom", "Byte order mark", E, Layer.INPUT,
         "A file starts with a UTF-8 byte order mark; files must not carry one, "
         "since offsets and hashes would count it."),
    Rule("json-syntax", "Invalid JSON", E, Layer.INPUT,
         "A JSON document or JSON Lines record cannot be parsed."),
    Rule("json-duplicate-key", "Duplicate key", E, Layer.INPUT,
         "An object has the same key twice; parsers disagree on which one wins."),
    Rule("json-number-invalid", "Unsafe number", E, Layer.INPUT,
         "A number is NaN or Infinity, has more digits than the limit, or overflows a double."),
    Rule("json-too-deep", "Nesting too deep", E, Layer.INPUT,
         "Arrays and objects are nested deeper than the limit."),
    Rule("json-lone-surrogate", "Lone surrogate", E, Layer.INPUT,
         "A string escapes half of a UTF-16 surrogate pair, which is not a character."),
    Rule("events-empty", "No records", W, Layer.RECORDS,
         "The events file is empty: the dataset codes no event yet."),
    Rule("record-blank-line", "Blank line", E, Layer.INPUT,
         "A JSON Lines file has an empty line; every line must hold one record."),
    Rule("record-not-object", "Record not an object", E, Layer.INPUT,
         "A JSON Lines line holds valid JSON that is not an object."),
    # Descriptor.
    Rule("descriptor-missing", "No descriptor", E, Layer.DESCRIPTOR,
         "A dataset folder has no datapackage.json."),
    Rule("descriptor-invalid", "Descriptor breaks the profile", E, Layer.DESCRIPTOR,
         "datapackage.json does not follow the dataset profile of its schema version."),
    Rule("schema-version-unknown", "Unknown schema version", E, Layer.DESCRIPTOR,
         "datapackage.json declares a textevents_version that this validator does not ship, "
         "so its records cannot be checked."),
    Rule("resource-missing", "Declared file missing", E, Layer.DESCRIPTOR,
         "A resource declared in datapackage.json, or an article text named in the sources "
         "table, does not exist in the dataset."),
    Rule("resource-undeclared", "File not declared", E, Layer.DESCRIPTOR,
         "A file in the dataset folder is not declared as a resource of datapackage.json."),
    Rule("resource-duplicate", "Resource declared twice", E, Layer.DESCRIPTOR,
         "Two resources of datapackage.json share a name or a path."),
    Rule("resource-hash-mismatch", "Hash mismatch", E, Layer.DESCRIPTOR,
         "A file's SHA-256 differs from the hash that datapackage.json or the sources "
         "table gives for it."),
    Rule("table-schema-mismatch", "Table Schema not the released one", E, Layer.DESCRIPTOR,
         "A table resource of datapackage.json carries a Table Schema (inline, or the path of "
         "a JSON file in the dataset; schema 1.2.0) that is not the one its schema version "
         "ships, so frictionless validate would check the table against another schema."),
    # Tables.
    Rule("table-header", "Table header", E, Layer.TABLES,
         "A CSV table's header is missing, renames, reorders, repeats or adds columns "
         "of the table schema."),
    Rule("table-row", "Table row shape", E, Layer.TABLES,
         "A CSV row is blank or has more or fewer cells than the header."),
    Rule("table-value", "Table value", E, Layer.TABLES,
         "A CSV cell breaks its field's type or constraint (required, pattern, enum)."),
    Rule("table-unique", "Table key repeated", E, Layer.TABLES,
         "A CSV value that must be unique (an id, a text path) appears twice."),
    Rule("table-foreign-key", "Table reference", E, Layer.TABLES,
         "A CSV cell refers to a row that the table it names does not have "
         "(an actor's affiliation, or an alias's actor, names an unknown actor)."),
    Rule("table-format", "Table unreadable", E, Layer.TABLES,
         "A CSV table cannot be read as CSV (a broken quote, a NUL byte, a wrong dialect)."),
    # Records against the JSON Schema.
    Rule("schema-missing-field", "Missing field", E, Layer.RECORDS,
         "A record lacks a field that the schema requires."),
    Rule("schema-unknown-field", "Unknown field", E, Layer.RECORDS,
         "A record has a field that the schema does not define, or the details of "
         "another record type."),
    Rule("schema-wrong-type", "Wrong type", E, Layer.RECORDS,
         "A value has the wrong JSON type."),
    Rule("schema-not-in-codelist", "Not in closed codelist", E, Layer.RECORDS,
         "A value is not one of the codes the schema allows here (a closed codelist, "
         "or a code that does not fit the record type)."),
    Rule("schema-format", "Bad format", E, Layer.RECORDS,
         "A string is not a valid date, JSON Pointer or other declared format."),
    Rule("schema-uri-mismatch", "$schema names another schema", E, Layer.RECORDS,
         "A record's or a descriptor's $schema (schema 1.2.0) is not the $id of the schema of "
         "its own schema_version or textevents_version: another version's, or none shipped."),
    Rule("schema-value", "Value out of bounds", E, Layer.RECORDS,
         "A value breaks a pattern, a length, a range, or a count of items."),
    Rule("date-year-zero", "Year 0000", E, Layer.RECORDS,
         "A calendar date (a date's start or end, or the coding date) is in year 0000. "
         "RFC 3339, the schema's date format, admits it and JSON Schema engines accept it, "
         "but the calendar has no year 0 and the programs that read dates (Python, "
         "frictionless, spreadsheets) refuse it. The record is checked no further, as after "
         "a schema error, and the export leaves it out."),
    Rule("codelist-open-value", "Not in open codelist", W, Layer.RECORDS,
         "A value is not in an open codelist; it may be right, but check the spelling "
         "or propose the code."),
    # References across files.
    Rule("record-id-duplicate", "Record id repeated", E, Layer.REFERENCES,
         "Two records share an id, in one dataset or across the datasets of a run."),
    Rule("actor-unknown", "Unknown actor", E, Layer.REFERENCES,
         "A record refers to an actor id that is not in the dataset's actors table."),
    Rule("source-unknown", "Unknown source", E, Layer.REFERENCES,
         "A record refers to a source id that is not in the dataset's sources table."),
    Rule("actor-not-listed", "Actor not in record's actors", W, Layer.REFERENCES,
         "A record's details name an actor that its top-level actors list leaves out."),
    Rule("source-not-listed", "Cited article not in record's sources", W, Layer.REFERENCES,
         "An evidence span cites an article that the record's reporting sources leave out."),
    Rule("source-uncited", "Listed article without a span", W, Layer.REFERENCES,
         "An article of the record's reporting sources (a row of the sources table) is cited "
         "by none of its spans (codebook E5)."),
    Rule("link-dangling", "Link to no record", E, Layer.REFERENCES,
         "A record's link names a record id that no dataset of the run has, or the record "
         "itself (schema 1.1.0 links)."),
    Rule("wikidata-inconsistent", "One Wikidata id, two actors", W, Layer.REFERENCES,
         "Rows of the actors tables of a run give one Wikidata id with different actor ids, "
         "names or kinds; one actor has one id, name and kind everywhere (codebook AC1-AC3)."),
    Rule("actor-wikidata-conflict", "One actor id, two Wikidata ids", W, Layer.REFERENCES,
         "Rows of the actors tables of a run give one actor id different Wikidata ids "
         "(codebook AC4)."),
    Rule("event-possible-duplicate", "Possible duplicate event", W, Layer.REFERENCES,
         "Two records of one dataset, not linked to each other, may code one event: visits "
         "(or calls) with the same visitors and hosts, or arms allegations with the same "
         "supplier, recipient and weapon category, whose dates lie within two days (their "
         "windows of days overlap or are at most two days apart; an allegation is dated by "
         "its transfer, else its claim). Code one record, or link the two (codebook K1)."),
    Rule("event-possible-duplicate-elsewhere", "Possible duplicate event in another dataset",
         W, Layer.REFERENCES,
         "As event-possible-duplicate, for two records of different datasets of a run: link "
         "them with same_event, or with another relation if they are two events (codebook K2)."),
    Rule("visit-part-of-multilateral", "Trip to a multilateral meeting coded as a visit", W,
         Layer.REFERENCES,
         "A record of mode visit is linked part_of a record of mode multilateral, which may "
         "stand in another dataset of the run: a trip to attend a multilateral meeting has "
         "mode multilateral (codebook M7)."),
    # Evidence in the article texts.
    Rule("span-out-of-range", "Span outside text", E, Layer.EVIDENCE,
         "An evidence span does not satisfy 0 <= start < end <= length of the text."),
    Rule("span-text-mismatch", "Quote differs from text", E, Layer.EVIDENCE,
         "The quoted text of an evidence span is not exactly the text between its offsets."),
    Rule("span-pointer-unresolved", "Span supports nothing", E, Layer.EVIDENCE,
         "An evidence span's supports pointer does not resolve inside the record."),
    Rule("date-text-uncited", "Date text in no cited span", W, Layer.EVIDENCE,
         "A date's text is not part of any span cited for that date, for the part of the "
         "record that holds it, or for the record (codebook D11)."),
    Rule("purpose-uncited", "Purpose without a span", W, Layer.EVIDENCE,
         "No span points at a visit's purpose, the visit or the record (codebook V5, E3)."),
    Rule("field-uncited", "Decided field without a span", W, Layer.EVIDENCE,
         "No span points at a decided field (a visitor, host or counterpart, the place, a known "
         "visit status; the supplier, recipient, claimant, stage, a weapon, an assessed "
         "verification), nor at a part of the record that holds it or a part inside it, nor "
         "cites the whole record (codebook E3)."),
    Rule("span-actor-unnamed", "Span does not name its actor", W, Layer.EVIDENCE,
         "A span cited for a visitor, host, participant, actor in a role (a counterpart), "
         "claimant, supplier, recipient or response's actor "
         "does not name that actor: not by its name, a person's surname, a state's country "
         "name, demonym or capital, nor an alias of the aliases table (codebook E4, AC8)."),
    Rule("text-not-nfc", "Text not NFC", E, Layer.EVIDENCE,
         "An article text is not in Unicode normalisation form C, so offsets are ambiguous."),
    Rule("text-line-ending", "Text has CR", E, Layer.EVIDENCE,
         "An article text contains carriage returns; texts use LF line ends only."),
    # Meaning: rules no JSON Schema can state.
    Rule("date-range-reversed", "Date range reversed", E, Layer.MEANING,
         "A date's end is before its start."),
    Rule("date-precision-mismatch", "Date and precision disagree", E, Layer.MEANING,
         "A date's start and end do not fit its precision (a day, a whole month, a whole year)."),
    Rule("date-text-mismatch", "Date text and precision disagree", W, Layer.MEANING,
         "The date as written names a weekday or a day of the month but the precision "
         "is coarser, or names only a month or a year but the precision is day."),
    Rule("date-weekday-mismatch", "Weekday and start disagree", E, Layer.MEANING,
         "A date known to the day names a weekday in its text, but its start falls on "
         "another day of the week (codebook D2)."),
    Rule("date-inference-unmarked", "Inferred date not marked", W, Layer.MEANING,
         "A date's text gives no four-digit year, so its year was worked out from the "
         "publication date, but inferred_from_publication is not true (codebook D10)."),
    Rule("stage-after-claim", "Stage dated after the claim", E, Layer.MEANING,
         "A transfer or use reported as past (stage delivered, used or tested) starts after "
         "the latest day of the claim that reports it (codebook D12)."),
    Rule("date-after-publication", "Event after publication", E, Layer.MEANING,
         "An event that is not planned or hypothetical starts after the publication of "
         "every source that reports it."),
    Rule("visitor-is-host", "Visitor is host", E, Layer.MEANING,
         "An actor is both visitor and host of a visit."),
    Rule("status-modality-mismatch", "Visit status and modality disagree", E, Layer.MEANING,
         "Modality planned without status planned or cancelled, or the reverse (codebook S3)."),
    Rule("host-not-state", "Host is not a state or organisation", W, Layer.MEANING,
         "A visit's host is a person, delegation or group in the actors table (codebook H1)."),
    Rule("counterpart-missing", "Host's participant without a counterpart role", W,
         Layer.MEANING,
         "A participant of a visit's meeting whose affiliation in the actors table is a host "
         "(and who is not a visitor, host or delegation member) has no role counterpart, or "
         "convener, with side that host in the visit or the meeting (codebook H2)."),
    Rule("mode-not-multilateral", "Three or more parties, not multilateral", W, Layer.MEANING,
         "A visit or meeting at a third place has three or more states or organisations as "
         "parties (its visitors' sides, its conveners and participants, and its host when it "
         "has one) but is not mode multilateral; a tour of several hosts and a call are not "
         "such a meeting (codebook M1, V3, P4)."),
    Rule("stage-inconsistent", "One transfer, two stages", W, Layer.MEANING,
         "Records of a dataset with the same supplier, recipient and a weapon category give "
         "different stages, and neither links the other (codebook G3)."),
    Rule("verification-inconsistent", "One transfer, two verifications", W, Layer.MEANING,
         "Records of a dataset with the same supplier, recipient and a weapon category give "
         "different verification, and neither has a coding note to say why (codebook F3)."),
    Rule("supplier-is-recipient", "Supplier is recipient", E, Layer.MEANING,
         "An arms allegation names the same actor as supplier and recipient."),
    Rule("classification-mismatch", "Codes disagree", E, Layer.MEANING,
         "The CAMEO code maps to another PLOVER event or mode than the record gives, "
         "or the mode does not fit the PLOVER event."),
    Rule("alias-ambiguous", "Alias names two actors", E, Layer.MEANING,
         "An alias of the aliases table (schema 1.3.0) is also the name of another actor of "
         "the dataset, or an alias of another actor, compared as span-actor-unnamed compares "
         "names; a span that names one would pass for the other (codebook AC8)."),
    Rule("country-code-unknown", "Unknown country", E, Layer.MEANING,
         "A country is not an assigned ISO 3166-1 alpha-3 code."),
    Rule("wikidata-id-malformed", "Malformed Wikidata id", E, Layer.MEANING,
         "An actor's Wikidata id is not Q followed by a number without leading zeros."),
    # The tool itself.
    Rule("internal-error", "Validator fault", E, Layer.TOOL,
         "The validator failed on this file; the rest of the run went on. "
         "Please report it with the file."),
)
del E, W


def make(code: str, message: str, file: str, line: int = 0, column: int = 0,
         pointer: str = "", record: str = "") -> Finding:
    """Build a finding for a catalogued rule, taking its severity from the catalogue.

    `record` is the id of the record it is about, if any (see `Finding`).  An
    uncatalogued code is a bug in the validator, so it raises `KeyError`.
    """
    return Finding(file=printable(file), line=line, column=column, code=code,
                   message=message, pointer=pointer, severity=RULES[code].severity,
                   record=record)
