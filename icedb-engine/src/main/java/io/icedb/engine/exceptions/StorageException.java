package io.icedb.engine.exceptions;

import java.io.IOException;

/**
 * A storage failure while reading or writing the table's objects; names the object.
 */
public final class StorageException
        extends IcedbException
{
    public StorageException(String message, IOException cause)
    {
        super(message, cause);
    }
}
