package io.icedb.engine.exceptions;

/**
 * Base of the engine's typed, unchecked exceptions. Every message names the table, log file, column or types involved.
 */
public class IcedbException
        extends RuntimeException
{
    public IcedbException(String message)
    {
        super(message);
    }

    public IcedbException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
