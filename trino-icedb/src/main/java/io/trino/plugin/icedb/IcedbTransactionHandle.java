package io.trino.plugin.icedb;

import io.trino.spi.connector.ConnectorTransactionHandle;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

public record IcedbTransactionHandle(UUID uuid)
        implements ConnectorTransactionHandle
{
    public IcedbTransactionHandle
    {
        requireNonNull(uuid, "uuid is null");
    }

    public static IcedbTransactionHandle create()
    {
        return new IcedbTransactionHandle(UUID.randomUUID());
    }
}
