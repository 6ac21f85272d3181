package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import io.airlift.json.JsonCodec;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.spi.connector.ConnectorSplit;

import java.util.List;
import java.util.Optional;

import static com.google.common.base.MoreObjects.toStringHelper;
import static io.airlift.slice.SizeOf.estimatedSizeOf;
import static io.airlift.slice.SizeOf.instanceSize;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Every alive part of one partition of a table with a merge engine, read together and merged by key.
 *
 * @param parts whole parts, in commit order (the order of the logs that added them)
 * @param engineColumns the key columns and the version column, read even when the query does not project them
 * @param keyOrder the key columns in the order rows are merged in ({@link IcedbSortedParts#keyOrder})
 */
public record IcedbMergeSplit(String partition, List<IcedbSplit> parts, IcedbMergeEngine engine, List<IcedbColumnHandle> engineColumns, List<IcedbSortField> keyOrder)
        implements ConnectorSplit
{
    /**
     * The row id of merged rows names the split, so a row-level rewrite re-reads exactly the same merge.
     */
    public static final String ROW_ID_PREFIX = "icedb-merged-partition:";

    private static final JsonCodec<RowIdPartition> CODEC = JsonCodec.jsonCodec(RowIdPartition.class);
    private static final int INSTANCE_SIZE = instanceSize(IcedbMergeSplit.class);

    public IcedbMergeSplit
    {
        requireNonNull(partition, "partition is null");
        parts = ImmutableList.copyOf(parts);
        requireNonNull(engine, "engine is null");
        engineColumns = ImmutableList.copyOf(engineColumns);
        keyOrder = ImmutableList.copyOf(keyOrder);
    }

    public String rowIdPath()
    {
        return ROW_ID_PREFIX + new String(CODEC.toJsonBytes(new RowIdPartition(partition, parts)), UTF_8);
    }

    /**
     * The split a merged row's row id names, with the table's engine, columns and key order (they are not in the row id).
     */
    public static Optional<IcedbMergeSplit> fromRowIdPath(String path, IcedbMergeEngine engine, List<IcedbColumnHandle> engineColumns, List<IcedbSortField> keyOrder)
    {
        if (!path.startsWith(ROW_ID_PREFIX)) {
            return Optional.empty();
        }
        RowIdPartition partition = CODEC.fromJson(path.substring(ROW_ID_PREFIX.length()));
        return Optional.of(new IcedbMergeSplit(partition.partition(), partition.parts(), engine, engineColumns, keyOrder));
    }

    public static boolean isRowIdPath(String path)
    {
        return path.startsWith(ROW_ID_PREFIX);
    }

    /**
     * What a merged row's row id says: the partition and the parts merged, in commit order.
     */
    public record RowIdPartition(String partition, List<IcedbSplit> parts)
    {
        public RowIdPartition
        {
            requireNonNull(partition, "partition is null");
            parts = ImmutableList.copyOf(parts);
        }
    }

    @Override
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE + estimatedSizeOf(partition) + estimatedSizeOf(parts, IcedbSplit::getRetainedSizeInBytes);
    }

    @Override
    public String toString()
    {
        return toStringHelper(this)
                .add("partition", partition)
                .add("parts", parts.size())
                .add("engine", engine.type())
                .toString();
    }
}
