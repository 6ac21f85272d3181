package io.trino.plugin.icedb;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.predicate.TupleDomain;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A table pinned to one snapshot. The snapshot itself (schema, alive parts) stays on the coordinator, in the
 * transaction's {@link IcedbMetadata}; the handle carries only what names it.
 *
 * @param location the table's location, e.g. {@code s3://warehouse/events}
 * @param snapshotUpperBound the snapshot folds the logs whose name timestamp is below this (see {@code SnapshotTime})
 * @param enforcedPredicate on partition keys and hidden columns: parts that fail it are never opened
 * @param unenforcedPredicate on regular columns: used to skip row groups and pages, still filtered by the engine
 * @param executeParts for {@code ALTER TABLE ... EXECUTE merge}: the only parts (keys) to read, those the merge replaces
 */
public record IcedbTableHandle(
        String schemaName,
        String tableName,
        String location,
        long snapshotUpperBound,
        TupleDomain<IcedbColumnHandle> enforcedPredicate,
        TupleDomain<IcedbColumnHandle> unenforcedPredicate,
        Optional<List<String>> executeParts)
        implements ConnectorTableHandle
{
    public IcedbTableHandle
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(location, "location is null");
        requireNonNull(enforcedPredicate, "enforcedPredicate is null");
        requireNonNull(unenforcedPredicate, "unenforcedPredicate is null");
        executeParts = executeParts.map(List::copyOf);
    }

    @JsonIgnore
    public SchemaTableName schemaTableName()
    {
        return new SchemaTableName(schemaName, tableName);
    }

    @JsonIgnore
    public IcedbTableLocation tableLocation()
    {
        return IcedbTableLocation.parse(location);
    }

    public IcedbTableHandle withPredicates(TupleDomain<IcedbColumnHandle> enforcedPredicate, TupleDomain<IcedbColumnHandle> unenforcedPredicate)
    {
        return new IcedbTableHandle(schemaName, tableName, location, snapshotUpperBound, enforcedPredicate, unenforcedPredicate, executeParts);
    }

    public IcedbTableHandle withExecuteParts(List<String> parts)
    {
        return new IcedbTableHandle(schemaName, tableName, location, snapshotUpperBound, enforcedPredicate, unenforcedPredicate, Optional.of(parts));
    }

    @Override
    public String toString()
    {
        return schemaName + "." + tableName + "@" + snapshotUpperBound;
    }
}
