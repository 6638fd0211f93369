"""What `--ignore` names: rule codes and layers, checked against the catalogue.

A run may leave unchecked only the rules that `Rule.ignorable` allows; the
reports name what a run left out, a whole layer as one.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from validator.findings import RULES, Layer

if TYPE_CHECKING:
    from collections.abc import Iterable


def ignored_codes(names: Iterable[str]) -> frozenset[str]:
    """The rule codes that `names` ask to ignore: codes, or layers whose every rule may be.

    Raises `ValueError`, saying why, for a name that is neither, or for a rule
    that may not be ignored (see `Rule.ignorable`).
    """
    codes: set[str] = set()
    layers = {layer.value: layer for layer in Layer}
    for name in [names] if isinstance(names, str) else names:  # one name, not its letters
        if name in RULES:
            if not RULES[name].ignorable:
                raise ValueError(f"{name} cannot be ignored: {_NOT_IGNORABLE}")
            codes.add(name)
        elif name in layers:
            rules = [rule for rule in RULES.values() if rule.layer is layers[name]]
            if not all(rule.ignorable for rule in rules):
                raise ValueError(f"layer {name} cannot be ignored: {_NOT_IGNORABLE}")
            codes.update(rule.code for rule in rules)
        else:
            close = difflib.get_close_matches(name, [*RULES, *layers], n=1)
            hint = f"; did you mean {close[0]}?" if close else " (see --list-rules)"
            raise ValueError(f"no rule or layer is named {name!r}{hint}")
    return frozenset(codes)


def ignored_names(codes: Iterable[str]) -> list[str]:
    """Rule codes as a reader names them: a whole layer as one ("the meaning layer")."""
    left = set(codes)
    names = []
    for layer in Layer:
        rules = {code for code, rule in RULES.items() if rule.layer is layer}
        if rules and rules <= left:
            names.append(f"the {layer.value} layer")
            left -= rules
    return names + sorted(left)


_NOT_IGNORABLE = ("only warnings, and the rules of the references, evidence and meaning "
                  "layers, can be; the others mean that data went unchecked")
