package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.airlift.json.JsonCodec;
import io.airlift.slice.Slice;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.exceptions.NoSnapshotException;
import io.icedb.engine.spec.FileMarker;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.plugin.icedb.catalog.IcedbTableDeletion;
import io.trino.plugin.icedb.dml.IcedbMergeTableHandle;
import io.trino.plugin.icedb.dml.IcedbRowLevelOperations;
import io.trino.plugin.icedb.dml.IcedbUpdateHandle;
import io.trino.plugin.icedb.maintenance.IcedbCleaner;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbOrphanFileRemover;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngine;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngineType;
import io.trino.plugin.icedb.mv.IcedbMaterializedViewRefresh;
import io.trino.plugin.icedb.mv.IcedbMaterializedViews;
import io.trino.plugin.icedb.procedure.IcedbCoordinatorExecuteHandle;
import io.trino.plugin.icedb.procedure.IcedbMergeExecuteHandle;
import io.trino.plugin.icedb.procedure.IcedbTableExecuteHandle;
import io.trino.plugin.icedb.procedure.IcedbTableProcedures;
import io.trino.plugin.icedb.stats.IcedbAnalyzeProperties;
import io.trino.plugin.icedb.stats.IcedbExtendedStatistics;
import io.trino.plugin.icedb.stats.IcedbTableStatistics;
import io.trino.plugin.icedb.system.IcedbSystemTables;
import io.trino.spi.RefreshType;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.BeginTableExecuteResult;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ColumnPosition;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorAnalyzeMetadata;
import io.trino.spi.connector.ConnectorInsertTableHandle;
import io.trino.spi.connector.ConnectorMaterializedViewDefinition;
import io.trino.spi.connector.ConnectorMergeTableHandle;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorOutputMetadata;
import io.trino.spi.connector.ConnectorOutputTableHandle;
import io.trino.spi.connector.ConnectorPartitioningHandle;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableExecuteHandle;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTableLayout;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConnectorTableVersion;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.ConstraintApplicationResult;
import io.trino.spi.connector.MaterializedViewFreshness;
import io.trino.spi.connector.ProjectionApplicationResult;
import io.trino.spi.connector.RelationColumnsMetadata;
import io.trino.spi.connector.RetryMode;
import io.trino.spi.connector.RowChangeParadigm;
import io.trino.spi.connector.SaveMode;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.expression.ConnectorExpression;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.security.TrinoPrincipal;
import io.trino.spi.statistics.ComputedStatistics;
import io.trino.spi.statistics.TableStatistics;
import io.trino.spi.statistics.TableStatisticsMetadata;
import io.trino.spi.type.Type;

import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static io.trino.plugin.icedb.IcedbSessionProperties.isCollectExtendedStatisticsOnWrite;
import static io.trino.plugin.icedb.IcedbSessionProperties.isExtendedStatisticsEnabled;
import static io.trino.spi.StandardErrorCode.INVALID_ARGUMENTS;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * Translates Trino's metadata calls to the catalog and the engine's snapshots. One instance per transaction: it
 * keeps the snapshots the transaction planned with, so splits are made from exactly those.
 */
public final class IcedbMetadata
        implements ConnectorMetadata
{
    private final IcedbCatalog catalog;
    private final IcedbSnapshotLoader snapshotLoader;
    private final IcedbTypeMapping typeMapping;
    private final IcedbTableDefinitions tableDefinitions;
    private final IcedbTableCommits commits;
    private final IcedbMaintenance maintenance;
    private final IcedbCleaner cleaner;
    private final IcedbOrphanFileRemover orphanFileRemover;
    private final IcedbTableStatistics tableStatistics;
    private final IcedbExtendedStatistics extendedStatistics;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final IcedbTableProcedures tableProcedures;
    private final IcedbRowLevelOperations rowLevelOperations;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final IcedbMaterializedViews materializedViews;
    private final IcedbMaterializedViewRefresh materializedViewRefresh;
    private final ConcurrentMap<SnapshotKey, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final ConcurrentMap<SnapshotKey, IcedbTableView> views = new ConcurrentHashMap<>();

    public IcedbMetadata(
            IcedbCatalog catalog,
            IcedbSnapshotLoader snapshotLoader,
            IcedbTypeMapping typeMapping,
            IcedbTableDefinitions tableDefinitions,
            IcedbTableCommits commits,
            IcedbMaintenance maintenance,
            IcedbCleaner cleaner,
            IcedbOrphanFileRemover orphanFileRemover,
            TrinoFileSystemFactory fileSystemFactory,
            JsonCodec<IcedbWrittenPart> partCodec,
            IcedbTableStatistics tableStatistics,
            IcedbExtendedStatistics extendedStatistics,
            IcedbMaterializedViews materializedViews)
    {
        this.extendedStatistics = requireNonNull(extendedStatistics, "extendedStatistics is null");
        this.materializedViews = requireNonNull(materializedViews, "materializedViews is null");
        this.materializedViewRefresh = new IcedbMaterializedViewRefresh(materializedViews, commits, maintenance, fileSystemFactory, partCodec);
        this.tableStatistics = requireNonNull(tableStatistics, "tableStatistics is null");
        this.cleaner = requireNonNull(cleaner, "cleaner is null");
        this.orphanFileRemover = requireNonNull(orphanFileRemover, "orphanFileRemover is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.tableProcedures = new IcedbTableProcedures(maintenance, cleaner, orphanFileRemover, commits, partCodec, fileSystemFactory, extendedStatistics);
        this.rowLevelOperations = new IcedbRowLevelOperations(maintenance, commits, fileSystemFactory);
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.typeMapping = requireNonNull(typeMapping, "typeMapping is null");
        this.tableDefinitions = requireNonNull(tableDefinitions, "tableDefinitions is null");
        this.commits = requireNonNull(commits, "commits is null");
    }

    @Override
    public List<String> listSchemaNames(ConnectorSession session)
    {
        return catalog.listSchemas(session.getIdentity());
    }

    @Override
    public ConnectorTableHandle getTableHandle(ConnectorSession session, SchemaTableName tableName, Optional<ConnectorTableVersion> startVersion, Optional<ConnectorTableVersion> endVersion)
    {
        if (startVersion.isPresent()) {
            throw new TrinoException(NOT_SUPPORTED, "Read table with start version is not supported");
        }
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

    @Override
    public Optional<SystemTable> getSystemTable(ConnectorSession session, SchemaTableName tableName)
    {
        int separator = tableName.getTableName().lastIndexOf('$');
        if (separator <= 0) {
            return Optional.empty();
        }
        Optional<IcedbSystemTables.Kind> kind = IcedbSystemTables.Kind.fromSuffix(tableName.getTableName().substring(separator + 1));
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        SchemaTableName baseName = new SchemaTableName(tableName.getSchemaName(), tableName.getTableName().substring(0, separator));
        IcedbTableHandle table = (IcedbTableHandle) getTableHandle(session, baseName, Optional.empty(), Optional.empty());
        if (table == null) {
            return Optional.empty();
        }
        IcedbTableLocation location = table.tableLocation();
        Snapshot snapshot = snapshot(session, table);
        return Optional.of(IcedbSystemTables.create(
                kind.get(),
                tableName,
                location,
                snapshot,
                () -> snapshotLoader.changes(session.getIdentity(), baseName, location, snapshot),
                () -> maintenance.history(session, baseName, location),
                () -> view(session, table).storedDefinition()));
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

    @Override
    public ConnectorTableMetadata getTableMetadata(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        IcedbTableView view = view(session, table);
        Optional<IcedbTableDefinition> storedDefinition = view.storedDefinition();
        IcedbTableDefinition definition = view.definition();
        List<ColumnMetadata> columns = view.columns().stream()
                .map(IcedbColumnHandle::toColumnMetadata)
                .map(column -> definition.columnComments().containsKey(column.getName())
                        ? ColumnMetadata.builderFrom(column).setComment(Optional.of(definition.columnComments().get(column.getName()))).build()
                        : column)
                .collect(toImmutableList());
        return new ConnectorTableMetadata(table.schemaTableName(), columns, IcedbTableDefinitions.tableProperties(table.tableLocation(), storedDefinition), definition.comment());
    }

    @Override
    public List<SchemaTableName> listTables(ConnectorSession session, Optional<String> schemaName)
    {
        // tables, and materialized views (Trino lists both here)
        return ImmutableList.<SchemaTableName>builder()
                .addAll(catalog.listTables(session.getIdentity(), schemaName))
                .addAll(materializedViews.list(session, schemaName))
                .build();
    }

    @Override
    public Map<String, ColumnHandle> getColumnHandles(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return columns(session, (IcedbTableHandle) tableHandle).stream()
                .collect(toImmutableMap(column -> column.name().toLowerCase(ENGLISH), column -> column, (first, _) -> first));
    }

    @Override
    public ColumnMetadata getColumnMetadata(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle columnHandle)
    {
        return ((IcedbColumnHandle) columnHandle).toColumnMetadata();
    }

    @Override
    public Iterator<RelationColumnsMetadata> streamRelationColumns(ConnectorSession session, Optional<String> schemaName, UnaryOperator<Set<SchemaTableName>> relationFilter)
    {
        ImmutableList.Builder<RelationColumnsMetadata> relations = ImmutableList.builder();
        Set<SchemaTableName> tables = relationFilter.apply(new LinkedHashSet<>(listTables(session, schemaName)));
        for (SchemaTableName tableName : tables) {
            try {
                ConnectorTableHandle handle = getTableHandle(session, tableName, Optional.empty(), Optional.empty());
                if (handle == null) {
                    materializedViews.get(session, tableName)
                            .ifPresent(view -> relations.add(RelationColumnsMetadata.forMaterializedView(tableName, view.getColumns())));
                    continue;
                }
                relations.add(RelationColumnsMetadata.forTable(tableName, getTableMetadata(session, handle).getColumns()));
            }
            catch (TableNotFoundException _) {
                // removed concurrently
            }
            catch (TrinoException _) {
                // a table that cannot be read (bad log, unsupported type) must not hide every other table's columns
            }
        }
        return relations.build().iterator();
    }

    @Override
    public TableStatistics getTableStatistics(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        return tableStatistics.statistics(session, table, view(session, table));
    }

    @Override
    public Optional<ConstraintApplicationResult<ConnectorTableHandle>> applyFilter(ConnectorSession session, ConnectorTableHandle tableHandle, Constraint constraint)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        return IcedbPushdown.applyFilter(table, constraint, view(session, table), IcedbSessionProperties.isMergeOnReadEnabled(session));
    }

    @Override
    public Optional<ProjectionApplicationResult<ConnectorTableHandle>> applyProjection(
            ConnectorSession session,
            ConnectorTableHandle handle,
            List<ConnectorExpression> projections,
            Map<String, ColumnHandle> assignments)
    {
        if (!IcedbSessionProperties.isProjectionPushdownEnabled(session)) {
            return Optional.empty();
        }
        IcedbMergeEngine mergeEngine = view(session, (IcedbTableHandle) handle).definition().mergeEngine();
        if (mergeEngine.type() == IcedbMergeEngineType.AGGREGATE && IcedbSessionProperties.isMergeOnReadEnabled(session)) {
            // a field of an aggregated row column (min, max, any) must come from the aggregated value: merge whole columns
            return Optional.empty();
        }
        return IcedbPushdown.applyProjection(handle, projections, assignments);
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

    private List<IcedbColumnHandle> columns(ConnectorSession session, IcedbTableHandle table)
    {
        return view(session, table).columns();
    }

    // the write path: the catalog, IcedbTableDefinitions and IcedbTableCommits

    @Override
    public void createSchema(ConnectorSession session, String schemaName, Map<String, Object> properties, TrinoPrincipal owner)
    {
        catalog.createSchema(session.getIdentity(), schemaName, properties);
    }

    @Override
    public void dropSchema(ConnectorSession session, String schemaName, boolean cascade)
    {
        catalog.dropSchema(session.getIdentity(), schemaName, cascade);
    }

    @Override
    public Optional<Type> getSupportedType(ConnectorSession session, Map<String, Object> tableProperties, Type type)
    {
        return tableDefinitions.getSupportedType(type);
    }

    @Override
    public void createTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, SaveMode saveMode)
    {
        materializedViews.checkNotStorageTable(session, tableMetadata.getTable(), "create or replace");
        commits.createTable(session, tableMetadata, saveMode);
    }

    @Override
    public Optional<ConnectorTableLayout> getNewTableLayout(ConnectorSession session, ConnectorTableMetadata tableMetadata)
    {
        Map<String, Type> columnTypes = tableMetadata.getColumns().stream()
                .collect(toImmutableMap(column -> column.getName().toLowerCase(ENGLISH), ColumnMetadata::getType, (first, _) -> first));
        return IcedbWriteLayout.writeLayout(IcedbTableProperties.getPartitioning(tableMetadata.getProperties()), columnTypes);
    }

    @Override
    public Optional<ConnectorTableLayout> getInsertLayout(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        IcedbTableView view = view(session, (IcedbTableHandle) tableHandle);
        List<String> partitioning = view.definition().partitioning();
        if (partitioning.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Type> columnTypes = view.columns().stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR)
                .collect(toImmutableMap(IcedbColumnHandle::name, IcedbColumnHandle::type, (first, _) -> first));
        return IcedbWriteLayout.writeLayout(partitioning, columnTypes);
    }

    @Override
    public ConnectorOutputTableHandle beginCreateTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, Optional<ConnectorTableLayout> layout, RetryMode retryMode, boolean replace)
    {
        materializedViews.checkNotStorageTable(session, tableMetadata.getTable(), "create or replace");
        return commits.beginCreateTable(session, tableMetadata, retryMode, replace);
    }

    @Override
    public Optional<ConnectorOutputMetadata> finishCreateTable(ConnectorSession session, ConnectorOutputTableHandle tableHandle, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        IcedbWritableTableHandle table = (IcedbWritableTableHandle) tableHandle;
        String logKey = commits.finishCreateTable(session, table, fragments);
        // the table's first log, or a replacement of every row: nothing older is merged in
        extendedStatistics.extend(session.getIdentity(), table.tableLocation(), logKey, writtenTypes(table), computedStatistics, true);
        return Optional.empty();
    }

    @Override
    public ConnectorInsertTableHandle beginInsert(ConnectorSession session, ConnectorTableHandle tableHandle, List<ColumnHandle> columns, RetryMode retryMode)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        materializedViews.checkNotStorageTable(session, table.schemaTableName(), "insert into");
        List<IcedbColumnHandle> insertColumns = columns.stream().map(IcedbColumnHandle.class::cast).collect(toImmutableList());
        IcedbTableView view = view(session, table);
        return commits.beginInsert(session, table, insertColumns, view.snapshot().schema(), view.definition(), view.writePathKeys(), retryMode);
    }

    @Override
    public Optional<ConnectorOutputMetadata> finishInsert(ConnectorSession session, ConnectorInsertTableHandle insertHandle, List<ConnectorTableHandle> sourceTableHandles, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        IcedbWritableTableHandle table = (IcedbWritableTableHandle) insertHandle;
        commits.finishInsert(session, table, fragments)
                .ifPresent(logKey -> extendedStatistics.extend(session.getIdentity(), table.tableLocation(), logKey, writtenTypes(table), computedStatistics, false));
        return Optional.empty();
    }

    private static Map<String, Type> writtenTypes(IcedbWritableTableHandle table)
    {
        return table.columns().stream().collect(toImmutableMap(IcedbWriteColumn::name, IcedbWriteColumn::type));
    }

    // ANALYZE and statistics collected by writes: stats/IcedbExtendedStatistics

    @Override
    public TableStatisticsMetadata getStatisticsCollectionMetadataForWrite(ConnectorSession session, ConnectorTableMetadata tableMetadata)
    {
        if (!isExtendedStatisticsEnabled(session) || !isCollectExtendedStatisticsOnWrite(session)) {
            return TableStatisticsMetadata.empty();
        }
        Optional<IcedbTableLocation> location = catalog.findTable(session.getIdentity(), tableMetadata.getTable());
        if (location.isEmpty()) {
            // a new table (CTAS): every column
            return IcedbExtendedStatistics.collectionMetadata(tableMetadata.getColumns(), Optional.empty());
        }
        IcedbTableHandle table = (IcedbTableHandle) getTableHandle(session, tableMetadata.getTable(), Optional.empty(), Optional.empty());
        Optional<Snapshot> snapshot = table == null || table.snapshotUpperBound() == Long.MAX_VALUE ? Optional.empty() : Optional.of(snapshot(session, table));
        return extendedStatistics.writeMetadata(session.getIdentity(), location.get(), snapshot, tableMetadata.getColumns());
    }

    @Override
    public ConnectorAnalyzeMetadata getStatisticsCollectionMetadata(ConnectorSession session, ConnectorTableHandle tableHandle, Map<String, Object> analyzeProperties)
    {
        if (!isExtendedStatisticsEnabled(session)) {
            throw new TrinoException(NOT_SUPPORTED, "Analyze is not enabled. You can enable analyze using %s config or %s catalog session property".formatted(
                    IcedbConfig.EXTENDED_STATISTICS_CONFIG,
                    IcedbSessionProperties.EXTENDED_STATISTICS_ENABLED));
        }
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        return new ConnectorAnalyzeMetadata(table, IcedbExtendedStatistics.collectionMetadata(
                getTableMetadata(session, table).getColumns(),
                IcedbAnalyzeProperties.getColumnNames(analyzeProperties)));
    }

    @Override
    public ConnectorTableHandle beginStatisticsCollection(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return tableHandle;
    }

    @Override
    public void finishStatisticsCollection(ConnectorSession session, ConnectorTableHandle tableHandle, Collection<ComputedStatistics> computedStatistics)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        IcedbTableView view = view(session, table);
        Map<String, Type> columnTypes = view.columns().stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR || column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY)
                .collect(toImmutableMap(IcedbColumnHandle::name, IcedbColumnHandle::type, (first, _) -> first));
        extendedStatistics.writeAnalyzed(session.getIdentity(), table.tableLocation(), view.snapshot(), columnTypes, computedStatistics);
    }

    @Override
    public void addColumn(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnMetadata column, ColumnPosition position)
    {
        if (!(position instanceof ColumnPosition.Last)) {
            // IceDB appends new columns at the end
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support adding columns with %s clause".formatted(position instanceof ColumnPosition.First ? "FIRST" : "AFTER"));
        }
        materializedViews.checkNotStorageTable(session, ((IcedbTableHandle) tableHandle).schemaTableName(), "add a column to");
        commits.addColumn(session, (IcedbTableHandle) tableHandle, column);
    }

    @Override
    public void setTableComment(ConnectorSession session, ConnectorTableHandle tableHandle, Optional<String> comment)
    {
        tableDefinitions.setTableComment(session, (IcedbTableHandle) tableHandle, comment);
    }

    @Override
    public void setColumnComment(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle column, Optional<String> comment)
    {
        tableDefinitions.setColumnComment(session, (IcedbTableHandle) tableHandle, ((IcedbColumnHandle) column).name(), comment);
    }

    @Override
    public void dropTable(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        materializedViews.checkNotStorageTable(session, table.schemaTableName(), "drop");
        catalog.dropTable(session.getIdentity(), table.schemaTableName(), table.tableLocation(), () -> new IcedbTableDeletion(maintenance).drop(
                session,
                maintenance.table(session, table.schemaTableName(), table.tableLocation()),
                fileSystemFactory.create(session.getIdentity())));
    }

    // ALTER TABLE ... EXECUTE: IcedbTableProcedures

    @Override
    public Optional<ConnectorTableExecuteHandle> getTableHandleForExecute(
            ConnectorSession session,
            ConnectorAccessControl accessControl,
            ConnectorTableHandle tableHandle,
            String procedureName,
            Map<String, Object> executeProperties,
            RetryMode retryMode)
    {
        return Optional.of(tableProcedures.handle((IcedbTableHandle) tableHandle, procedureName, executeProperties, retryMode));
    }

    @Override
    public Optional<ConnectorTableLayout> getLayoutForTableExecute(ConnectorSession session, ConnectorTableExecuteHandle tableExecuteHandle)
    {
        IcedbTableExecuteHandle execute = (IcedbTableExecuteHandle) tableExecuteHandle;
        return tableProcedures.layout(execute, view(session, execute.table()));
    }

    @Override
    public BeginTableExecuteResult<ConnectorTableExecuteHandle, ConnectorTableHandle> beginTableExecute(
            ConnectorSession session,
            ConnectorTableExecuteHandle tableExecuteHandle,
            ConnectorTableHandle updatedSourceTableHandle)
    {
        IcedbTableHandle source = (IcedbTableHandle) updatedSourceTableHandle;
        return tableProcedures.begin(session, (IcedbMergeExecuteHandle) tableExecuteHandle, source, view(session, source));
    }

    @Override
    public void finishTableExecute(ConnectorSession session, ConnectorTableExecuteHandle tableExecuteHandle, Collection<Slice> fragments, List<Object> splitSourceInfo)
    {
        tableProcedures.finish(session, (IcedbMergeExecuteHandle) tableExecuteHandle, fragments);
    }

    @Override
    public void executeTableExecute(ConnectorSession session, ConnectorTableExecuteHandle tableExecuteHandle)
    {
        tableProcedures.execute(session, (IcedbCoordinatorExecuteHandle) tableExecuteHandle);
    }

    /**
     * The transaction committed: every table procedure that began has finished (committed its log and released its lease).
     * One that did not (Trino ended the query without calling finishTableExecute) releases its lease here.
     */
    public void commit()
    {
        tableProcedures.releaseUnfinished();
        rowLevelOperations.abort();
        materializedViewRefresh.abort();
    }

    /**
     * The transaction rolled back (the query failed): releases what a merge that began and did not finish holds.
     */
    public void rollback()
    {
        tableProcedures.releaseUnfinished();
        rowLevelOperations.abort();
        materializedViewRefresh.abort();
    }

    // DELETE, UPDATE, MERGE and TRUNCATE: dml/IcedbRowLevelOperations

    @Override
    public Optional<ConnectorTableHandle> applyDelete(ConnectorSession session, ConnectorTableHandle handle)
    {
        return IcedbRowLevelOperations.applyDelete((IcedbTableHandle) handle);
    }

    @Override
    public OptionalLong executeDelete(ConnectorSession session, ConnectorTableHandle handle)
    {
        IcedbTableHandle table = (IcedbTableHandle) handle;
        materializedViews.checkNotStorageTable(session, table.schemaTableName(), "delete from");
        return rowLevelOperations.deleteParts(session, table, view(session, table).partitionFields());
    }

    @Override
    public void truncateTable(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        materializedViews.checkNotStorageTable(session, ((IcedbTableHandle) tableHandle).schemaTableName(), "truncate");
        rowLevelOperations.truncate(session, (IcedbTableHandle) tableHandle);
    }

    @Override
    public RowChangeParadigm getRowChangeParadigm(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return RowChangeParadigm.DELETE_ROW_AND_INSERT_ROW;
    }

    @Override
    public ColumnHandle getMergeRowIdColumnHandle(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return IcedbColumnHandle.MERGE_ROW_ID_COLUMN;
    }

    @Override
    public Optional<ConnectorPartitioningHandle> getUpdateLayout(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return Optional.of(IcedbUpdateHandle.INSTANCE);
    }

    @Override
    public ConnectorMergeTableHandle beginMerge(ConnectorSession session, ConnectorTableHandle tableHandle, Map<Integer, Collection<ColumnHandle>> updateCaseColumns, RetryMode retryMode)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        materializedViews.checkNotStorageTable(session, table.schemaTableName(), updateCaseColumns.isEmpty() ? "delete from" : "update or merge into");
        IcedbTableView view = view(session, table);
        List<IcedbColumnHandle> columns = view.columns().stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR || column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY)
                .collect(toImmutableList());
        IcedbWritableTableHandle insert = commits.beginInsert(session, table, columns, view.snapshot().schema(), view.definition(), view.writePathKeys(), retryMode);
        rowLevelOperations.beginMerge(session, table, updateCaseColumns.isEmpty() ? "delete" : "update");
        return new IcedbMergeTableHandle(table, insert);
    }

    @Override
    public void finishMerge(ConnectorSession session, ConnectorMergeTableHandle mergeTableHandle, List<ConnectorTableHandle> sourceTableHandles, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        IcedbMergeTableHandle merge = (IcedbMergeTableHandle) mergeTableHandle;
        rowLevelOperations.finishMerge(session, merge.table(), merge.insert(), fragments);
    }

    // materialized views: mv/IcedbMaterializedViews and mv/IcedbMaterializedViewRefresh

    @Override
    public void createMaterializedView(ConnectorSession session, SchemaTableName viewName, ConnectorMaterializedViewDefinition definition, Map<String, Object> properties, boolean replace, boolean ignoreExisting)
    {
        materializedViews.create(session, viewName, definition, properties, replace, ignoreExisting);
    }

    @Override
    public void dropMaterializedView(ConnectorSession session, SchemaTableName viewName)
    {
        materializedViews.drop(session, viewName);
    }

    @Override
    public void renameMaterializedView(ConnectorSession session, SchemaTableName source, SchemaTableName target)
    {
        materializedViews.rename(session, source, target);
    }

    @Override
    public List<SchemaTableName> listMaterializedViews(ConnectorSession session, Optional<String> schemaName)
    {
        return materializedViews.list(session, schemaName);
    }

    @Override
    public Map<SchemaTableName, ConnectorMaterializedViewDefinition> getMaterializedViews(ConnectorSession session, Optional<String> schemaName)
    {
        ImmutableMap.Builder<SchemaTableName, ConnectorMaterializedViewDefinition> views = ImmutableMap.builder();
        for (SchemaTableName name : listMaterializedViews(session, schemaName)) {
            materializedViews.get(session, name).ifPresent(view -> views.put(name, view));
        }
        return views.buildKeepingLast();
    }

    @Override
    public Optional<ConnectorMaterializedViewDefinition> getMaterializedView(ConnectorSession session, SchemaTableName viewName)
    {
        return materializedViews.get(session, viewName);
    }

    @Override
    public Map<String, Object> getMaterializedViewProperties(ConnectorSession session, SchemaTableName viewName, ConnectorMaterializedViewDefinition definition)
    {
        return materializedViews.properties(session, viewName);
    }

    @Override
    public MaterializedViewFreshness getMaterializedViewFreshness(ConnectorSession session, SchemaTableName viewName)
    {
        return materializedViews.freshness(session, viewName);
    }

    @Override
    public boolean delegateMaterializedViewRefreshToConnector(ConnectorSession session, SchemaTableName viewName)
    {
        return false;
    }

    @Override
    public ConnectorInsertTableHandle beginRefreshMaterializedView(ConnectorSession session, ConnectorTableHandle tableHandle, List<ConnectorTableHandle> sourceTableHandles, RetryMode retryMode, RefreshType refreshType)
    {
        IcedbTableHandle storage = (IcedbTableHandle) tableHandle;
        materializedViewRefresh.begin(session, storage, sourceTableHandles, refreshType, source -> view(session, source));
        IcedbTableView view = view(session, storage);
        List<IcedbColumnHandle> columns = view.columns().stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR)
                .collect(toImmutableList());
        return commits.beginInsert(session, storage, columns, view.snapshot().schema(), view.definition(), view.writePathKeys(), retryMode);
    }

    @Override
    public Optional<ConnectorOutputMetadata> finishRefreshMaterializedView(
            ConnectorSession session,
            ConnectorTableHandle tableHandle,
            ConnectorInsertTableHandle insertHandle,
            Collection<Slice> fragments,
            Collection<ComputedStatistics> computedStatistics,
            List<ConnectorTableHandle> sourceTableHandles,
            List<String> sourceTableFunctions)
    {
        materializedViewRefresh.finish(session, (IcedbWritableTableHandle) insertHandle, fragments);
        return Optional.empty();
    }

    /**
     * The parts the running {@code REFRESH MATERIALIZED VIEW} reads of the source table at {@code location}, when the
     * refresh is incremental; empty for every other scan.
     */
    public Optional<List<FileMarker>> refreshScan(String location)
    {
        return materializedViewRefresh.scan(location);
    }

    private record SnapshotKey(String location, long upperBound)
    {
        private SnapshotKey
        {
            requireNonNull(location, "location is null");
        }
    }
}
