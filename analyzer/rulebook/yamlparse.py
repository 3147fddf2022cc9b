"""The PyYAML half of yamlread: a loader whose mappings and lists remember their lines."""

from __future__ import annotations

from typing import Any

import yaml

from analyzer.errors import RuleError
from analyzer.rulebook.yamlread import LinedDict, LinedList

# libyaml's parser when PyYAML was built with it (5x faster: rules load on every run); the
# constructors below are Python either way and node marks carry the lines in both.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """SafeLoader that remembers lines (and refuses duplicate keys, which YAML allows)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LinedDict:
    mapping = LinedDict()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"keys must be text, got {key!r}", key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LinedList:
    items = [loader.construct_object(child, deep=True) for child in node.value]
    lines = [child.start_mark.line + 1 for child in node.value]
    return LinedList(items, lines, node.start_mark.line + 1)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                            _construct_sequence)


def parse_lined(text: str, name: str) -> Any:
    """The document of YAML text read from `name`; raises RuleError naming it (and the line)."""
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleError(name, mark.line + 1 if mark else None, None,
                        f"invalid YAML: {problem}") from None
    except ValueError as exc:  # a scalar PyYAML reads as a date that is none (2025-13-01)
        raise RuleError(name, None, None, f"invalid YAML value: {exc} (quote it)") from None
