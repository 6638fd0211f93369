"""The pointer locator agrees with json-source-map, the library it stands in for."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from json_source_map import calculate
from strategies import json_values
from values import paths

from validator.pointers import pointer
from validator.reading.positions import locate

# json-source-map neither escapes '/' and '~' in its pointers nor decodes escapes in
# keys, so keys that need either are pinned by examples below instead.
KEYS = st.sampled_from(["a", "b", "id", "é", "", "ab cd"])
VALUES = json_values(KEYS, max_leaves=15)


@given(value=VALUES, indent=st.sampled_from([None, 0, 2]), extra=st.sampled_from(["", "/zz"]),
       key=st.booleans(), compact=st.booleans(), data=st.data())
def test_locate_agrees_with_json_source_map(value, indent, extra, key, compact, data) -> None:
    separators = (",", ":") if compact else None
    text = json.dumps(value, indent=indent, ensure_ascii=False, separators=separators)
    path = data.draw(st.sampled_from(paths(value)))
    ptr = pointer(*path) + extra
    entries = calculate(text)
    resolved = ptr
    while resolved not in entries:  # a missing field: its nearest parent, and its value
        resolved, key = resolved.rsplit("/", 1)[0], False
    entry = entries[resolved]
    where = entry.key_start if key and entry.key_start is not None else entry.value_start
    assert locate(text, ptr, key=key) == (where.line + 1, where.column + 1)


def test_unmappable_text_is_located_at_the_start() -> None:
    assert locate("{not json", "/a") == (1, 1)
    assert locate('{"a": [1, 2]}', "/a/x") == (1, 7)
    assert locate('{"a": [1, 2]}', "/a/5") == (1, 7)
    assert locate('{"a": [1, 2]}', "/a/01") == (1, 7)  # not an index (RFC 6901)


def test_keys_are_rfc_6901_tokens() -> None:
    text = '{"x/y": 1, "t~": 2, "q\\"": 3, "\\u00e9": 4}'
    assert locate(text, "/x~1y") == (1, 9)
    assert locate(text, "/t~0") == (1, 18)
    assert locate(text, '/q"') == (1, 28)
    assert locate(text, "/\u00e9") == (1, 41)
    assert locate(text, "/\u00e9", key=True) == (1, 31)


def test_a_pointer_below_a_scalar_is_located_at_the_scalar() -> None:
    assert locate('{"a": "x", "b": [1]}', "/a/b") == (1, 7)
    assert locate('{"a": "x", "b": [1]}', "/a/0") == (1, 7)  # an index, but no array
    assert locate('{"a": "x", "b": [1]}', "/b/0/c") == (1, 18)


def test_pointers_escape_and_resolve_rfc_6901_tokens() -> None:
    from validator.pointers import join, resolve

    assert pointer("a/b", "c~d", 0) == "/a~1b/c~0d/0"
    assert pointer("~1") == "/~01"  # '~' first, or '~1' would read back as '/'
    assert join(("a",), "b/c") == join("/a", "b/c") == "/a/b~1c"
    document = {"a/b": {"c~d": [10, 20]}, "~1": True}
    assert resolve(document, "/a~1b/c~0d/1") == 20
    assert resolve(document, "/~01") is True


@given(st.lists(st.one_of(st.text(alphabet="ab/~01", max_size=4), st.integers(0, 20)),
                max_size=5))
def test_a_pointer_escapes_each_part_of_its_path(parts: list[str | int]) -> None:
    """Joined at once when no part needs an escape, and the same as part by part."""
    assert pointer(*parts) == "".join(
        "/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

