package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.spi.connector.ConnectorPartitioningHandle;

import java.util.List;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Rows go to writers by the partition path their values give ({@link IcedbBucketFunction}), so each partition has one
 * writer; used by {@code ALTER TABLE ... EXECUTE merge}, whose point is one part per partition.
 *
 * @param fields the table's partition fields, then the Hive keys that are no schema columns (identity)
 * @param channels for each field, the position of its column among the layout's partition columns
 */
public record IcedbPartitioningHandle(List<IcedbPartitionField> fields, List<Integer> channels)
        implements ConnectorPartitioningHandle
{
    public IcedbPartitioningHandle
    {
        fields = ImmutableList.copyOf(fields);
        channels = ImmutableList.copyOf(channels);
        checkArgument(fields.size() == channels.size(), "fields and channels differ in size");
    }
}
