"""hypothesis-jsonschema on the schema: the records it draws pass validate's schema layer.

Built from one record type's schema (`textevents schema --type`, as the README's
recipe does; the bundle takes minutes, see the README), each record it draws is
one the schema layer of `validate` accepts: strict JSON, the released schema of
its version, and the bounds validate reads numbers within (1.2.0 bounds every
integer).  The other layers need a dataset (texts, tables), so they are not asked.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
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


@pytest.mark.slow
@pytest.mark.parametrize("event_type", registry.load(NEWEST).codelists["event_type"].codes)
@settings(max_examples=5, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_drawn_records_pass_the_schema_layer(event_type: str, data: st.DataObject) -> None:
    record = data.draw(_records_of(event_type))
    assert record["event_type"] == event_type
    text = json.dumps(record, ensure_ascii=False)
    found = [(f.code, f.pointer, f.message) for f in check_record(text)
             if f.code in SCHEMA_LAYER]
    assert found == []
