package io.icedb.engine.types;

import io.icedb.engine.exceptions.InvalidTypeException;

/**
 * Parser and printer of DuckDB type strings (spec §4). {@code print(parse(s)).equals(s)} for every string DuckDB prints.
 */
public final class DuckDbTypes
{
    private DuckDbTypes() {}

    /**
     * @throws InvalidTypeException naming the string and the position when it is not a DuckDB type of spec §4
     */
    public static DuckDbType parse(String typeString)
    {
        throw new UnsupportedOperationException("TODO");
    }

    public static String print(DuckDbType type)
    {
        throw new UnsupportedOperationException("TODO");
    }
}
