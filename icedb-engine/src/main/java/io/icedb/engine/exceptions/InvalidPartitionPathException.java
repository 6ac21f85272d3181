package io.icedb.engine.exceptions;

/**
 * A data part key that is not {@code P/_data/<partition>/<file>}, or partition keys that cannot form a path.
 */
public final class InvalidPartitionPathException
        extends IcedbException
{
    public InvalidPartitionPathException(String message)
    {
        super(message);
    }
}
