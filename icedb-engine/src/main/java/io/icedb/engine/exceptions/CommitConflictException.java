package io.icedb.engine.exceptions;

/**
 * A commit lost a race it cannot retry by itself (for example, the maintenance lease was lost).
 */
public final class CommitConflictException
        extends IcedbException
{
    public CommitConflictException(String message)
    {
        super(message);
    }
}
