package io.icedb.engine.exceptions;

/**
 * An insert's log could not be created: every attempt found its name taken by another writer or failed.
 */
public final class CommitFailedException
        extends IcedbException
{
    public CommitFailedException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
