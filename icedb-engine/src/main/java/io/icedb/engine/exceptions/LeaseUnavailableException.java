package io.icedb.engine.exceptions;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The table's maintenance lease is held by another holder and has not expired.
 */
public final class LeaseUnavailableException
        extends IcedbException
{
    private final String tablePrefix;
    private final String holderId;
    private final Instant expiresAt;

    public LeaseUnavailableException(String tablePrefix, String holderId, Instant expiresAt, String detail)
    {
        super("Maintenance lease of table '%s' is held by '%s' until %s%s".formatted(tablePrefix, holderId, expiresAt, detail));
        this.tablePrefix = requireNonNull(tablePrefix, "tablePrefix is null");
        this.holderId = requireNonNull(holderId, "holderId is null");
        this.expiresAt = requireNonNull(expiresAt, "expiresAt is null");
    }

    public String tablePrefix()
    {
        return tablePrefix;
    }

    public String holderId()
    {
        return holderId;
    }

    public Instant expiresAt()
    {
        return expiresAt;
    }
}
