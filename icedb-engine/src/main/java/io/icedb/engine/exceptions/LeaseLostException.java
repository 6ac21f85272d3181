package io.icedb.engine.exceptions;

import static java.util.Objects.requireNonNull;

/**
 * This holder no longer holds the table's maintenance lease (it expired and another holder took over, or it was released),
 * so it must not commit: the operation is abandoned and nothing it tried to commit is visible.
 */
public final class LeaseLostException
        extends IcedbException
{
    private final String tablePrefix;
    private final String holderId;

    public LeaseLostException(String tablePrefix, String holderId, long epoch, String reason)
    {
        super("Maintenance lease of table '%s' (epoch %s) is no longer held by '%s': %s".formatted(tablePrefix, epoch, holderId, reason));
        this.tablePrefix = requireNonNull(tablePrefix, "tablePrefix is null");
        this.holderId = requireNonNull(holderId, "holderId is null");
    }

    public String tablePrefix()
    {
        return tablePrefix;
    }

    public String holderId()
    {
        return holderId;
    }
}
