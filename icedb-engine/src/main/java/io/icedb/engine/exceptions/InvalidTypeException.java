package io.icedb.engine.exceptions;

/**
 * A DuckDB type string that does not parse (spec §4).
 */
public final class InvalidTypeException
        extends IcedbException
{
    public InvalidTypeException(String message)
    {
        super(message);
    }
}
