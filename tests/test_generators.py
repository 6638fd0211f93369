"""hypothesis-jsonschema on the schema: the records it draws pass validate's schema layer.

Built from one record type's schema (`textevents schema --type`, as the README's
recipe does; the bundle takes minutes, see the README), each record it draws is
one the schema layer of `validate` accepts with no error: strict JSON, the released
schema of its version, and the bounds validate reads numbers within (1.2.0 bounds
every integer); an open codelist's new value stays a warning.  The other layers
need a dataset (texts, tables), so they are not asked.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from validator import check_record, registry
from validator.bundling import record_type_schema
from validator.findings import RULES, Layer

NEWEST = registry.versions()[-1]
SCHEMA_LAYER = {code for code, rule in RULES.items() if rule.layer in {Layer.INPUT, Layer.RECORDS}}


@functools.cache
def _records_of(event_type: str) -> st.SearchStrategy[Any]:
    from hypothesis_jsonschema import from_schema

    return from_schema(record_type_schema(NEWEST, event_type))  # some 30 s: built once


# Diplomatic visits only: hypothesis-jsonschema builds the arms allegations' strategy as
# fast, but drew eight of its records in more than 400 s (measured; see the README).
@pytest.mark.slow
@pytest.mark.parametrize("event_type", ["diplomatic_visit"])
@settings(max_examples=5, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_drawn_records_pass_the_schema_layer(event_type: str, data: st.DataObject) -> None:
    record = data.draw(_records_of(event_type))
    assert record["event_type"] == event_type
    text = json.dumps(record, ensure_ascii=False)
    # The other layers need a dataset: left out, so that only the schema layer speaks.
    found = check_record(text, ignore=("references", "evidence", "meaning"))
    assert {f.code for f in found} <= SCHEMA_LAYER
    assert [(f.code, f.pointer, f.message) for f in found if f.severity.value == "error"] == []
