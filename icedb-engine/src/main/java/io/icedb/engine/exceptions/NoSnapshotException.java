package io.icedb.engine.exceptions;

/**
 * The table has no log before the requested time: no data at that time.
 */
public final class NoSnapshotException
        extends IcedbException
{
    public NoSnapshotException(String message)
    {
        super(message);
    }
}
