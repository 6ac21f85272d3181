package io.trino.plugin.icedb;

import io.trino.spi.type.Type;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A column of the pages a write receives.
 *
 * @param duckDbType the column's type in the log schema; empty for a partition key that is no schema column (a Hive
 * key of a Python table's part paths): its value goes only into the part's path
 */
public record IcedbWriteColumn(String name, Type type, Optional<String> duckDbType)
{
    public IcedbWriteColumn
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(duckDbType, "duckDbType is null");
    }

    public boolean isDataColumn()
    {
        return duckDbType.isPresent();
    }
}
