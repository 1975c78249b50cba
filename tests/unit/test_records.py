"""The record dataclasses and the pyarrow schemas must describe the same columns."""

import dataclasses
import types
import typing
from datetime import date, datetime

import pyarrow as pa
import pytest

from transforms.records import TABLES, field_names

# The Python type of a dataclass field -> the Arrow types a column of it may have.
ARROW_OF = {
    str: (pa.string(), pa.large_string()),
    int: (pa.int64(), pa.int32()),
    float: (pa.float64(),),
    bool: (pa.bool_(),),
    datetime: (pa.timestamp("us", tz="UTC"), pa.timestamp("ms", tz="UTC"), pa.timestamp("ns", tz="UTC")),
    date: (pa.date32(),),
    bytes: (pa.binary(), pa.large_binary()),
}


def _arrow_types(hint) -> tuple:
    """Accepted Arrow types for a type hint (Optional unwrapped; list[X] and tuple[X, ...] as list<X>)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        assert len(inner) == 1, hint
        return _arrow_types(inner[0])
    if typing.get_origin(hint) in (list, tuple):
        return tuple(pa.list_(t) for t in _arrow_types(args[0]))
    return ARROW_OF[hint]


@pytest.mark.parametrize("table", sorted(TABLES))
def test_dataclass_fields_match_schema(table):
    record_type, schema, partition = TABLES[table]
    assert field_names(record_type) == schema.names
    assert partition not in schema.names  # the hive key lives in the path only


def test_timestamps_are_utc():
    for _, schema, _ in TABLES.values():
        for f in schema:
            if pa.types.is_timestamp(f.type):
                assert f.type.tz == "UTC", f.name


@pytest.mark.parametrize("table", sorted(TABLES))
def test_dataclass_field_types_match_schema_types(table):
    """Names alone would let an int field sit on a string column; types are checked too."""
    record_type, schema, _ = TABLES[table]
    hints = typing.get_type_hints(record_type)
    wrong = [
        f"{f.name}: {hints[f.name]} vs {schema.field(f.name).type}"
        for f in dataclasses.fields(record_type)
        if schema.field(f.name).type not in _arrow_types(hints[f.name])
    ]
    assert not wrong, wrong


def test_type_check_can_fail():
    assert pa.string() not in _arrow_types(int | None)
    assert pa.list_(pa.string()) in _arrow_types(list[str])
