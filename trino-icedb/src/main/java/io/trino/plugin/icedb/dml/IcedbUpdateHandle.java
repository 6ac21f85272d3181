package io.trino.plugin.icedb.dml;

import io.trino.spi.connector.ConnectorPartitioningHandle;

/**
 * The update layout of a row-level statement: the deleted rows of one part all go to one merge sink (by the part's
 * path in the row id, {@link IcedbUpdateBucketFunction}), which rewrites the part once without them.
 */
public enum IcedbUpdateHandle
        implements ConnectorPartitioningHandle
{
    INSTANCE
}
