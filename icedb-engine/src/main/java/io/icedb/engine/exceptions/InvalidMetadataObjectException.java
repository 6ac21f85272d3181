package io.icedb.engine.exceptions;

import static java.util.Objects.requireNonNull;

/**
 * One of our own objects beside a table's log (a lease object, a maintenance record) that is not what it must be.
 */
public final class InvalidMetadataObjectException
        extends IcedbException
{
    private final String key;

    public InvalidMetadataObjectException(String key, String message)
    {
        super(message);
        this.key = requireNonNull(key, "key is null");
    }

    public InvalidMetadataObjectException(String key, String message, Throwable cause)
    {
        super(message, cause);
        this.key = requireNonNull(key, "key is null");
    }

    public String key()
    {
        return key;
    }
}
