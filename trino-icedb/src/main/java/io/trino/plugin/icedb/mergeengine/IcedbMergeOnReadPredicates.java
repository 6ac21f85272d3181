package io.trino.plugin.icedb.mergeengine;

import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.spi.predicate.TupleDomain;

/**
 * Which predicates may skip data before a merge on read. A row that a predicate on a non-key column rejects may be
 * the newest of its key: skipping it would bring back an older row of the key. A predicate on key columns (and so on
 * partitions, whose columns are in the key) rejects all rows of a key or none, so it may skip parts, row groups and
 * pages. Per-part hidden columns ({@code $path}, {@code $file_size}, {@code $file_modified_time}) are not per key:
 * predicates on them are left to the engine, applied to merged rows.
 */
public final class IcedbMergeOnReadPredicates
{
    private IcedbMergeOnReadPredicates() {}

    public static TupleDomain<IcedbColumnHandle> keyPredicate(TupleDomain<IcedbColumnHandle> predicate, IcedbMergeEngine engine)
    {
        return predicate.filter((column, _) -> isKeyColumn(column, engine));
    }

    public static boolean isKeyColumn(IcedbColumnHandle column, IcedbMergeEngine engine)
    {
        return column.kind() == IcedbColumnHandle.Kind.REGULAR && column.isBaseColumn() && engine.primaryKey().contains(column.name());
    }

    /**
     * Whether a predicate on {@code column} is decided by the part's path and holds for whole keys: the partition and
     * a Python table's Hive keys, not the per-part hidden columns.
     */
    public static boolean isPerPartition(IcedbColumnHandle column)
    {
        return column.kind() == IcedbColumnHandle.Kind.PARTITION || column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY;
    }
}
