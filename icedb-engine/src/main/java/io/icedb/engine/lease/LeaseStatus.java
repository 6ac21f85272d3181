package io.icedb.engine.lease;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The table's current epoch, for display: who holds or last held the maintenance lease.
 *
 * @param released whether the holder released it (sealed the epoch), so the lease is free whatever {@code expiresAt} says
 */
public record LeaseStatus(String holderId, long epoch, Instant acquiredAt, Instant expiresAt, boolean released)
{
    public LeaseStatus
    {
        requireNonNull(holderId, "holderId is null");
        requireNonNull(acquiredAt, "acquiredAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }
}
