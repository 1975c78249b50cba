"""The record dataclasses and the pyarrow schemas must describe the same columns."""

import pyarrow as pa
import pytest

from transforms.records import TABLES, field_names


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
