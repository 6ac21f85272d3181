package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.exceptions.NoSnapshotException;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorMaterializedViewDefinition;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConnectorTableVersion;
import io.trino.spi.connector.RelationColumnsMetadata;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.predicate.TupleDomain;

import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import static io.trino.spi.StandardErrorCode.INVALID_ARGUMENTS;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The snapshots one transaction planned with, and the {@link IcedbTableView}s they make: a table handle pins the
 * snapshot {@link #handle} read, so the split manager and the write path see exactly what planning saw. One instance
 * per transaction (its {@link IcedbMetadata}'s).
 */
public final class IcedbTableViews
{
    private final IcedbCatalog catalog;
    private final IcedbSnapshotLoader snapshotLoader;
    private final IcedbTableDefinitions tableDefinitions;
    private final IcedbTypeMapping typeMapping;
    private final ConcurrentMap<SnapshotKey, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final ConcurrentMap<SnapshotKey, IcedbTableView> views = new ConcurrentHashMap<>();

    public IcedbTableViews(IcedbCatalog catalog, IcedbSnapshotLoader snapshotLoader, IcedbTableDefinitions tableDefinitions, IcedbTypeMapping typeMapping)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.tableDefinitions = requireNonNull(tableDefinitions, "tableDefinitions is null");
        this.typeMapping = requireNonNull(typeMapping, "typeMapping is null");
    }

    /**
     * The handle of the table's snapshot at {@code endVersion} (the latest when empty), pinned to the logs read; null
     * when there is no such table.
     */
    public IcedbTableHandle handle(ConnectorSession session, SchemaTableName tableName, Optional<ConnectorTableVersion> endVersion)
    {
        Optional<IcedbTableLocation> location = catalog.findTable(session.getIdentity(), tableName);
        if (location.isEmpty()) {
            return null;
        }
        SnapshotTime time = endVersion.map(version -> IcedbTableVersions.snapshotTime(session, version)).orElseGet(SnapshotTime::latest);
        Snapshot snapshot;
        try {
            snapshot = snapshotLoader.load(session.getIdentity(), tableName, location.get(), time);
        }
        catch (TrinoException e) {
            if (endVersion.isEmpty() && IcedbUnreadableTables.isUnfoldable(e)) {
                // a log that no longer folds (a schema conflict, an invalid log) must not hide the table from DROP TABLE,
                // the way out; every read of the handle's snapshot fails with this error again
                return new IcedbTableHandle(tableName.getSchemaName(), tableName.getTableName(), location.get().location(), Long.MAX_VALUE, TupleDomain.all(), TupleDomain.all(), Optional.empty());
            }
            if (endVersion.isPresent() && e.getCause() instanceof NoSnapshotException) {
                throw new TrinoException(INVALID_ARGUMENTS, format(
                        "No version history table %s before %s: its oldest readable log is later, or was removed by a tombstone cleanup",
                        tableName,
                        Instant.ofEpochMilli(time.exclusiveUpperBound())), e);
            }
            throw e;
        }
        // pin exactly the logs read: a log that shows up later with an older name cannot change this query
        long upperBound = SnapshotTime.asOfVersion(snapshot.version()).exclusiveUpperBound();
        snapshots.putIfAbsent(new SnapshotKey(location.get().location(), upperBound), snapshot);
        return new IcedbTableHandle(tableName.getSchemaName(), tableName.getTableName(), location.get().location(), upperBound, TupleDomain.all(), TupleDomain.all(), Optional.empty());
    }

    /**
     * The snapshot the handle is pinned to; read once per transaction.
     */
    public Snapshot snapshot(ConnectorSession session, IcedbTableHandle table)
    {
        return snapshots.computeIfAbsent(
                new SnapshotKey(table.location(), table.snapshotUpperBound()),
                key -> snapshotLoader.load(session.getIdentity(), table.schemaTableName(), table.tableLocation(), new SnapshotTime(key.upperBound())));
    }

    /**
     * The table as the pinned snapshot and its definition make it: columns, partition fields, path keys. Computed once
     * per snapshot in this transaction.
     */
    public IcedbTableView view(ConnectorSession session, IcedbTableHandle table)
    {
        SnapshotKey key = new SnapshotKey(table.location(), table.snapshotUpperBound());
        IcedbTableView view = views.get(key);
        if (view == null) {
            // not computeIfAbsent: it reads the snapshot, which uses the snapshots map
            view = IcedbTableView.create(
                    table.schemaTableName(),
                    table.tableLocation(),
                    snapshot(session, table),
                    tableDefinitions.findDefinition(session.getIdentity(), table.tableLocation()),
                    typeMapping);
            IcedbTableView previous = views.putIfAbsent(key, view);
            if (previous != null) {
                view = previous;
            }
        }
        return view;
    }

    /**
     * What {@code DESCRIBE} shows of the table at the handle's snapshot: columns (with comments), properties, comment.
     */
    public ConnectorTableMetadata tableMetadata(ConnectorSession session, IcedbTableHandle table)
    {
        IcedbTableView view = view(session, table);
        return new ConnectorTableMetadata(table.schemaTableName(), view.columnMetadata(), IcedbTableDefinitions.tableProperties(table.tableLocation(), view.storedDefinition()), view.definition().comment());
    }

    /**
     * The columns of the latest snapshot of each of {@code relations} that is a table, else of the materialized view
     * {@code materializedViews} finds by that name. A table that cannot be read (bad log, unsupported type) or was
     * removed concurrently is left out: it must not hide every other table's columns.
     */
    public Iterator<RelationColumnsMetadata> relationColumns(ConnectorSession session, Set<SchemaTableName> relations, Function<SchemaTableName, Optional<ConnectorMaterializedViewDefinition>> materializedViews)
    {
        ImmutableList.Builder<RelationColumnsMetadata> columns = ImmutableList.builder();
        for (SchemaTableName name : relations) {
            try {
                IcedbTableHandle table = handle(session, name, Optional.empty());
                if (table == null) {
                    materializedViews.apply(name).ifPresent(view -> columns.add(RelationColumnsMetadata.forMaterializedView(name, view.getColumns())));
                    continue;
                }
                columns.add(RelationColumnsMetadata.forTable(name, tableMetadata(session, table).getColumns()));
            }
            catch (TableNotFoundException _) {
                // removed concurrently
            }
            catch (TrinoException _) {
                // unreadable
            }
        }
        return columns.build().iterator();
    }

    private record SnapshotKey(String location, long upperBound)
    {
        private SnapshotKey
        {
            requireNonNull(location, "location is null");
        }
    }
}
