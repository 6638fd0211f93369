"""The export's tidy tables: their columns, and the rows a dataset gives each.

Every table has the same columns whatever the dataset and the schema version
(a field a version lacks is empty), so tables of many datasets and versions
stack.  A column that copies a record field names it by JSON Pointer
(`field`), from which the data dictionary takes the schema's description.
Rows are made by pure functions of a record or a table row, one record at a
time: an export streams.

Actors get a corpus-wide key: `wikidata:<Q-id>` where the actors table gives
one, else `<dataset>/<actor id>` (an actor id is unique only in its dataset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from validator.checks.walk import actor_refs, dates, spans
from validator.pointers import pointer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from validator.findings import Finding

JSON = Any
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, its type, and where its values come from."""

    name: str
    type: str  # string, integer, boolean, date (a calendar date: YYYY-MM-DD in CSV)
    field: str | None = None  # the record field it copies (a JSON Pointer), if one
    description: str = ""  # said here when no single field is its source


def _c(name: str, kind: str = "string", field: str | None = None, description: str = "",
       ) -> Column:
    return Column(name, kind, field, description)


KEY = _c("record_id", field="/id")
DATASET = _c("dataset", description="The dataset's name (its datapackage.json `name`).")

TABLES: dict[str, tuple[Column, ...]] = {
    "events": (
        KEY, DATASET,
        _c("schema_version", field="/schema_version"),
        _c("event_type", field="/event_type"),
        _c("summary", field="/summary"),
        _c("date_start", "date", "/date/start"), _c("date_end", "date", "/date/end"),
        _c("date_precision", field="/date/precision"), _c("date_text", field="/date/text"),
        _c("date_inferred", "boolean", "/date/inferred_from_publication"),
        _c("date_start_bound", field="/date/start_bound"),
        _c("date_end_bound", field="/date/end_bound"),
        _c("date_month_part", field="/date/month_part"),
        _c("date_reason", field="/date/reason"),
        _c("location_name", field="/location/name"),
        _c("location_country", field="/location/country"),
        _c("location_precision", field="/location/precision"),
        _c("location_geonames_id", "integer", "/location/geonames_id"),
        _c("cameo", field="/classification/cameo"),
        _c("plover_event", field="/classification/plover_event"),
        _c("plover_mode", field="/classification/plover_mode"),
        _c("plover_context", field="/classification/plover_context",
           description="The PLOVER contexts, joined by '|'."),
        _c("modality", field="/modality"),
        _c("visit_status", field="/diplomatic_visit/status"),
        _c("visit_mode", field="/diplomatic_visit/mode"),
        _c("visit_purpose", field="/diplomatic_visit/purpose"),
        _c("allegation_stage", field="/arms_allegation/stage"),
        _c("transfer_modality", field="/arms_allegation/transfer_modality"),
        _c("verification", field="/arms_allegation/verification"),
        _c("claimant_attribution", field="/arms_allegation/claimant/attribution"),
        _c("claimant_key", description="The claimant's corpus-wide actor key."),
        _c("claimant_description", field="/arms_allegation/claimant/description"),
        _c("supplier_key", description="The supplier's corpus-wide actor key (empty: unknown)."),
        _c("recipient_key",
           description="The recipient's corpus-wide actor key (empty: unknown)."),
        _c("assistance", field="/arms_allegation/assistance"),
        _c("conflict", field="/arms_allegation/conflict/name"),
        _c("sources", field="/reporting/sources",
           description="The source ids of the articles that report the event, joined by '|'."),
        _c("original_source", field="/reporting/original_source"),
        _c("coding_method", field="/coding/method"), _c("coder", field="/coding/coder"),
        _c("coding_date", "date", "/coding/date"), _c("coding_note", field="/coding/note"),
    ),
    "participants": (
        KEY, DATASET,
        _c("role", description="The actor's part: visitor, host, delegation, participant (of "
                               "a meeting), a role's own value (convener, counterpart, …), "
                               "side (the party a role's holder stands for: the row's pointer "
                               "ends in /side, beside the role's /actor), claimant, "
                               "on_behalf_of, supplier, recipient, responder (its kind in "
                               "responses), member or group (of a group), or listed (in the "
                               "record's actors)."),
        _c("actor_id", description="The actor's id in its dataset's actors table."),
        _c("actor_key", description="The actor's corpus-wide key. actors has a row for each "
                                    "dataset that lists the actor: join on dataset and "
                                    "actor_id for one row, on actor_key for every dataset's."),
        _c("pointer", description="Where in the record the actor is named (JSON Pointer)."),
    ),
    "responses": (
        KEY, DATASET,
        _c("pointer", description="The response in the record (JSON Pointer); its date is the "
                                  "dates row of <pointer>/date, its spans the evidence rows "
                                  "below it."),
        _c("actor_id", field="/arms_allegation/responses/0/actor"),
        _c("actor_key", description="The responder's corpus-wide actor key."),
        _c("kind", field="/arms_allegation/responses/0/kind"),
    ),
    "meetings": (
        KEY, DATASET,
        _c("pointer", description="The meeting in the record (JSON Pointer); its participants "
                                  "are the participants rows below it, its date the dates "
                                  "row of <pointer>/date."),
        _c("location_name", field="/diplomatic_visit/meetings/0/location/name"),
        _c("location_country", field="/diplomatic_visit/meetings/0/location/country"),
        _c("description", field="/diplomatic_visit/meetings/0/description"),
    ),
    "weapons": (
        KEY, DATASET,
        _c("weapon_index", "integer", description="The weapon's position in the allegation."),
        _c("category", field="/arms_allegation/weapons/0/category"),
        _c("designation", field="/arms_allegation/weapons/0/designation"),
        _c("description", field="/arms_allegation/weapons/0/description"),
        _c("calibre", field="/arms_allegation/weapons/0/calibre"),
        _c("quantity_value", "integer", "/arms_allegation/weapons/0/quantity/value",
           "How many (one row a quantity; empty when the text gives none)."),
        _c("quantity_qualifier", field="/arms_allegation/weapons/0/quantity/qualifier"),
        _c("quantity_unit", field="/arms_allegation/weapons/0/quantity/unit"),
        _c("quantity_measure", field="/arms_allegation/weapons/0/quantity/measure"),
    ),
    "dates": (
        KEY, DATASET,
        _c("pointer", description="Which date of the record (JSON Pointer): /date, a transfer "
                                  "or use date, a meeting's or a response's."),
        _c("start", "date", "/date/start"), _c("end", "date", "/date/end"),
        _c("precision", field="/date/precision"), _c("text", field="/date/text"),
        _c("inferred", "boolean", "/date/inferred_from_publication"),
        _c("start_bound", field="/date/start_bound"), _c("end_bound", field="/date/end_bound"),
    ),
    "evidence": (
        KEY, DATASET,
        _c("pointer", description="Where the span stands in the record (JSON Pointer)."),
        _c("supports", field="/evidence/0/supports",
           description="A span that names none supports the object that holds its evidence "
                       "list: the export gives that object's pointer (empty for the record "
                       "itself)."),
        _c("source_id", field="/evidence/0/source"),
        _c("source_key", description="The source's corpus-wide key: <dataset>/<source id> "
                                     "(joins sources.source_key)."),
        _c("start", "integer", "/evidence/0/start"), _c("end", "integer", "/evidence/0/end"),
        _c("text", field="/evidence/0/text"),
    ),
    "links": (
        KEY, DATASET,
        _c("relation", field="/links/0/relation"),
        _c("target_record_id", field="/links/0/record",
           description="It joins events.record_id, unless export --with-findings left that "
                       "record out (the export names each record it leaves out)."),
    ),
    "actors": (
        _c("actor_key", description="Corpus-wide: wikidata:<id> where the row gives one, else "
                                    "<dataset>/<id>."),
        DATASET,
        _c("actor_id", description="The id column of actors.csv."),
        _c("name", description="The name column of actors.csv."),
        _c("kind", description="The kind column of actors.csv (person, state, …)."),
        _c("country", description="The country column of actors.csv (ISO 3166-1 alpha-3)."),
        _c("office", description="The office column of actors.csv."),
        _c("wikidata", description="The wikidata column of actors.csv."),
        _c("affiliation_key", description="The corpus-wide key of the actor it belongs to."),
    ),
    "aliases": (
        _c("actor_key", description="The corpus-wide key of the actor the alias names "
                                    "(joins actors.actor_key)."),
        DATASET,
        _c("actor_id", description="The actor column of aliases.csv (schema 1.3.0)."),
        _c("alias", description="The alias column of aliases.csv: another name of the actor."),
        _c("language", description="The language column of aliases.csv (a BCP 47 tag)."),
    ),
    "sources": (
        _c("source_key", description="<dataset>/<source id>."),
        DATASET,
        *(_c(name, description=f"The {name} column of sources.csv.")
          for name in ("id", "url", "title", "publisher", "author", "published", "language",
                       "retrieved", "path", "sha256", "license")),
    ),
    "findings": (
        _c("record_id", description="The record the finding is about (joins events.record_id, "
                                    "unless export --with-findings left the record out); empty "
                                    "when it is about no one record."),
        _c("dataset", description="The name of the dataset that holds the file (empty: a file "
                                  "of no dataset)."),
        _c("file", description="The file, as validate names it."),
        _c("line", "integer", description="1-based; 0 when the finding is about the whole file."),
        _c("column", "integer", description="1-based, in characters; 0 with line 0."),
        _c("code", description="The rule code (docs/rules.md)."),
        _c("severity", description="error or warning."),
        _c("message", description="What is wrong, and how to fix it."),
        _c("pointer", description="Where in the record, descriptor or table row (JSON Pointer); "
                                  "empty when nothing narrower than the line applies."),
    ),
}

# A participant's role from the field that names it, where the field is not a role object.
_ROLES = {"visitors": "visitor", "hosts": "host", "delegation": "delegation",
          "participants": "participant", "members": "member", "actors": "listed",
          "supplier": "supplier", "recipient": "recipient", "on_behalf_of": "on_behalf_of",
          "groups": "group"}


def _at(value: JSON, *keys: str | int) -> JSON:
    """The value at `keys`, or None where the record has none (or another shape)."""
    for key in keys:
        if isinstance(key, int):
            value = value[key] if isinstance(value, list) and 0 <= key < len(value) else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def _scalar(value: JSON, kind: str) -> JSON:
    """The value if it has the column's type (a broken record's odd value is left out)."""
    if kind == "integer":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "boolean":
        return value if isinstance(value, bool) else None
    if isinstance(value, list):
        return "|".join(str(item) for item in value) if value else None
    return value if isinstance(value, str) else None


class Keys:
    """Corpus-wide keys of one dataset's actors (from its actors table)."""

    def __init__(self, dataset: str, actors: Mapping[str, Mapping[str, str]]) -> None:
        """Keys of the actors of `dataset`, its actors table's rows by actor id."""
        self.dataset = dataset
        self._wikidata = {actor: row.get("wikidata", "") for actor, row in actors.items()}

    def of(self, actor: JSON) -> str | None:
        """The key of an actor id of this dataset (None for no actor)."""
        if not isinstance(actor, str):
            return None
        wikidata = self._wikidata.get(actor)
        return f"wikidata:{wikidata}" if wikidata else f"{self.dataset}/{actor}"


def _role(record: JSON, path: tuple[str | int, ...]) -> str:
    """The part the actor at `path` takes: the field that names it, or its role object's."""
    fields = [part for part in path if isinstance(part, str)]
    if fields[-2:] == ["roles", "actor"]:
        role = _at(record, *path[:-1], "role")
        return role if isinstance(role, str) else "role"
    if fields[-1] == "actor" and len(fields) > 1:
        return {"claimant": "claimant", "responses": "responder"}.get(fields[-2], fields[-2])
    return _ROLES.get(fields[-1], fields[-1])


def record_rows(record: JSON, keys: Keys) -> Iterator[tuple[str, Row]]:
    """(table, row) of every row one record gives, its events row first."""
    dataset = keys.dataset
    record_id = _scalar(_at(record, "id"), "string")
    allegation = _at(record, "arms_allegation")
    computed = {"dataset": dataset,
                "claimant_key": keys.of(_at(allegation, "claimant", "actor")),
                "supplier_key": keys.of(_at(allegation, "supplier")),
                "recipient_key": keys.of(_at(allegation, "recipient"))}
    yield "events", tuple(
        computed[column.name] if column.name in computed
        else _scalar(_at(record, *_tokens(column.field)), column.type)
        for column in TABLES["events"])
    for path, actor in actor_refs(record):
        yield "participants", (record_id, dataset, _role(record, path), actor,
                               keys.of(actor), pointer(*path))
    for index, response in enumerate(_at(allegation, "responses") or ()):
        actor = _at(response, "actor")
        yield "responses", (record_id, dataset, pointer("arms_allegation", "responses", index),
                            _scalar(actor, "string"), keys.of(actor),
                            _scalar(_at(response, "kind"), "string"))
    for index, meeting in enumerate(_at(record, "diplomatic_visit", "meetings") or ()):
        yield "meetings", (record_id, dataset,
                           pointer("diplomatic_visit", "meetings", index),
                           *(_scalar(_at(meeting, *keys_), "string")
                             for keys_ in (("location", "name"), ("location", "country"),
                                           ("description",))))
    for index, weapon in enumerate(_at(allegation, "weapons") or ()):
        quantities = _at(weapon, "quantities") or [_at(weapon, "quantity")]
        for quantity in quantities:
            yield "weapons", (record_id, dataset, index,
                              *(_scalar(_at(weapon, key), "string")
                                for key in ("category", "designation", "description",
                                            "calibre")),
                              _scalar(_at(quantity, "value"), "integer"),
                              *(_scalar(_at(quantity, key), "string")
                                for key in ("qualifier", "unit", "measure")))
    for path, date in dates(record):
        yield "dates", (record_id, dataset, pointer(*path),
                        *(_scalar(_at(date, key), "string")
                          for key in ("start", "end", "precision", "text")),
                        _scalar(_at(date, "inferred_from_publication"), "boolean"),
                        *(_scalar(_at(date, key), "string")
                          for key in ("start_bound", "end_bound")))
    for path, span in spans(record):
        source = _scalar(_at(span, "source"), "string")
        # No pointer of its own: the span supports what holds its evidence list.
        supports = _scalar(_at(span, "supports"), "string")
        yield "evidence", (record_id, dataset, pointer(*path),
                           pointer(*path[:-2]) if supports is None else supports, source,
                           f"{dataset}/{source}" if source else None,
                           _scalar(_at(span, "start"), "integer"),
                           _scalar(_at(span, "end"), "integer"),
                           _scalar(_at(span, "text"), "string"))
    for link in _at(record, "links") or ():
        yield "links", (record_id, dataset, _scalar(_at(link, "relation"), "string"),
                        _scalar(_at(link, "record"), "string"))


def actor_rows(keys: Keys, actors: Mapping[str, Mapping[str, str]]) -> Iterator[Row]:
    """The actors table's rows, with corpus-wide keys."""
    for actor, row in actors.items():
        yield (keys.of(actor), keys.dataset, actor,
               *(row.get(name) or None for name in ("name", "kind", "country", "office",
                                                     "wikidata")),
               keys.of(row.get("affiliation") or None))


def alias_rows(keys: Keys, aliases: Iterable[Mapping[str, str]]) -> Iterator[Row]:
    """The aliases table's rows (schema 1.3.0), with the corpus-wide key of their actor."""
    for row in aliases:
        actor = row.get("actor") or None
        yield (keys.of(actor), keys.dataset, actor,
               *(row.get(name) or None for name in ("alias", "language")))


def finding_rows(findings: Iterable[Finding], dataset_of: Callable[[str], str | None],
                 ) -> Iterator[Row]:
    """The findings table's rows: the run's findings, each with its dataset's name."""
    for finding in findings:
        yield (finding.record or None, dataset_of(finding.file), finding.file, finding.line,
               finding.column, finding.code, finding.severity.value, finding.message,
               finding.pointer or None)


def source_rows(dataset: str, sources: Iterable[Mapping[str, str]]) -> Iterator[Row]:
    """The sources table's rows, with corpus-wide keys."""
    names = [column.name for column in TABLES["sources"][2:]]
    for row in sources:
        yield (f"{dataset}/{row.get('id', '')}", dataset,
               *(row.get(name) or None for name in names))


def _tokens(pointer: str | None) -> tuple[str, ...]:
    return tuple(pointer.split("/")[1:]) if pointer else ()
