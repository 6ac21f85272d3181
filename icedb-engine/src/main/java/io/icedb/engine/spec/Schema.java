package io.icedb.engine.spec;

import io.icedb.engine.exceptions.SchemaConflictException;
import io.icedb.engine.types.DuckDbType;
import io.icedb.engine.types.DuckDbTypes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

import static java.util.Objects.requireNonNull;

/**
 * The schema line of a log (spec §2, §4): column name to DuckDB type string, in order, and each column's parsed
 * {@link DuckDbType}.
 */
public final class Schema
{
    public static final Schema EMPTY = new Schema(Map.of());

    private final SequencedMap<String, String> columns;
    private volatile SequencedMap<String, DuckDbType> types;

    public Schema(Map<String, String> columns)
    {
        requireNonNull(columns, "columns is null");
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        columns.forEach((name, type) -> copy.put(requireNonNull(name, "column name is null"), requireNonNull(type, "type of column is null")));
        this.columns = Collections.unmodifiableSequencedMap(copy);
    }

    /**
     * Column name to DuckDB type string, in schema order.
     */
    public SequencedMap<String, String> columns()
    {
        return columns;
    }

    /**
     * Column name to its parsed DuckDB type, in schema order; parsed once, on first use.
     *
     * @throws io.icedb.engine.exceptions.InvalidTypeException when a type string is not a DuckDB type (spec §4)
     */
    public SequencedMap<String, DuckDbType> types()
    {
        SequencedMap<String, DuckDbType> parsed = types;
        if (parsed == null) {
            LinkedHashMap<String, DuckDbType> map = new LinkedHashMap<>();
            columns.forEach((name, type) -> map.put(name, DuckDbTypes.parse(type)));
            parsed = Collections.unmodifiableSequencedMap(map);
            types = parsed;
        }
        return parsed;
    }

    /**
     * This schema with the columns of {@code other} appended (spec §3 step 4).
     *
     * @param logKey the log that {@code other} comes from, named in a conflict
     * @throws SchemaConflictException when a column has a different type string in {@code other}
     */
    public Schema union(Schema other, String logKey)
    {
        LinkedHashMap<String, String> merged = new LinkedHashMap<>(columns);
        for (Map.Entry<String, String> column : other.columns.entrySet()) {
            String existing = merged.putIfAbsent(column.getKey(), column.getValue());
            if (existing != null && !existing.equals(column.getValue())) {
                throw new SchemaConflictException(column.getKey(), existing, column.getValue(), logKey);
            }
        }
        return merged.size() == columns.size() ? this : new Schema(merged);
    }

    @Override
    public boolean equals(Object o)
    {
        return o instanceof Schema other && columns.equals(other.columns) && columns.sequencedKeySet().stream().toList().equals(other.columns.sequencedKeySet().stream().toList());
    }

    @Override
    public int hashCode()
    {
        return columns.hashCode();
    }

    @Override
    public String toString()
    {
        return columns.toString();
    }
}
