package io.trino.plugin.icedb;

import io.trino.plugin.icedb.dml.IcedbUpdateBucketFunction;
import io.trino.plugin.icedb.dml.IcedbUpdateHandle;
import io.trino.spi.connector.BucketFunction;
import io.trino.spi.connector.ConnectorNodePartitioningProvider;
import io.trino.spi.connector.ConnectorPartitioningHandle;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.type.Type;

import java.util.List;

public final class IcedbNodePartitioningProvider
        implements ConnectorNodePartitioningProvider
{
    @Override
    public BucketFunction getBucketFunction(
            ConnectorTransactionHandle transactionHandle,
            ConnectorSession session,
            ConnectorPartitioningHandle partitioningHandle,
            List<Type> partitionChannelTypes,
            int bucketCount)
    {
        if (partitioningHandle instanceof IcedbUpdateHandle) {
            return new IcedbUpdateBucketFunction(bucketCount);
        }
        return new IcedbBucketFunction((IcedbPartitioningHandle) partitioningHandle, partitionChannelTypes, bucketCount);
    }
}
