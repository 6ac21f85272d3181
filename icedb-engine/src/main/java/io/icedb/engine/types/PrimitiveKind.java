package io.icedb.engine.types;

import static java.util.Objects.requireNonNull;

/**
 * The scalar DuckDB types of spec §4, with the exact names DuckDB's {@code DESCRIBE} prints.
 */
public enum PrimitiveKind
{
    BOOLEAN("BOOLEAN"),
    TINYINT("TINYINT"),
    SMALLINT("SMALLINT"),
    INTEGER("INTEGER"),
    BIGINT("BIGINT"),
    HUGEINT("HUGEINT"),
    UTINYINT("UTINYINT"),
    USMALLINT("USMALLINT"),
    UINTEGER("UINTEGER"),
    UBIGINT("UBIGINT"),
    FLOAT("FLOAT"),
    DOUBLE("DOUBLE"),
    VARCHAR("VARCHAR"),
    BLOB("BLOB"),
    UUID("UUID"),
    JSON("JSON"),
    DATE("DATE"),
    TIME("TIME"),
    TIMESTAMP("TIMESTAMP"),
    TIMESTAMP_WITH_TIME_ZONE("TIMESTAMP WITH TIME ZONE"),
    TIMESTAMP_MS("TIMESTAMP_MS"),
    TIMESTAMP_NS("TIMESTAMP_NS"),
    TIMESTAMP_S("TIMESTAMP_S"),
    INTERVAL("INTERVAL");

    private final String typeName;

    PrimitiveKind(String typeName)
    {
        this.typeName = requireNonNull(typeName, "typeName is null");
    }

    public String typeName()
    {
        return typeName;
    }
}
