package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.airlift.json.JsonCodec;
import io.airlift.slice.Slice;
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
import io.trino.plugin.icedb.mv.IcedbMaterializedViewRefresh;
import io.trino.plugin.icedb.mv.IcedbMaterializedViews;
import io.trino.plugin.icedb.procedure.IcedbCoordinatorExecuteHandle;
import io.trino.plugin.icedb.procedure.IcedbMergeExecuteHandle;
import io.trino.plugin.icedb.procedure.IcedbTableExecuteHandle;
import io.trino.plugin.icedb.procedure.IcedbTableProcedures;
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
import io.trino.spi.connector.WriterScalingOptions;
import io.trino.spi.expression.ConnectorExpression;
import io.trino.spi.security.TrinoPrincipal;
import io.trino.spi.statistics.ComputedStatistics;
import io.trino.spi.statistics.TableStatistics;
import io.trino.spi.statistics.TableStatisticsMetadata;
import io.trino.spi.type.Type;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * Translates Trino's metadata calls to the catalog and the engine's snapshots, delegating each group of them: the
 * snapshots and table views the transaction pinned ({@link IcedbTableViews}), the write path ({@link IcedbTableCommits}),
 * statistics ({@code stats/}), table procedures ({@code procedure/}), row-level changes ({@code dml/}) and
 * materialized views ({@code mv/}). One instance per transaction (Guice makes a new one for each, see
 * {@link IcedbTransactionManager}): it keeps the snapshots the transaction planned with, so splits are made from exactly
 * those.
 */
public final class IcedbMetadata
        implements ConnectorMetadata
{
    private final IcedbCatalog catalog;
    private final IcedbTableViews tables;
    private final IcedbSnapshotLoader snapshotLoader;
    private final IcedbTableDefinitions tableDefinitions;
    private final IcedbTableCommits commits;
    private final IcedbMaintenance maintenance;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final IcedbTableStatistics tableStatistics;
    private final IcedbExtendedStatistics extendedStatistics;
    private final IcedbTableProcedures tableProcedures;
    private final IcedbRowLevelOperations rowLevelOperations;
    private final IcedbMaterializedViews materializedViews;
    private final IcedbMaterializedViewRefresh materializedViewRefresh;

    @Inject
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
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.tables = new IcedbTableViews(catalog, snapshotLoader, tableDefinitions, typeMapping);
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.tableDefinitions = requireNonNull(tableDefinitions, "tableDefinitions is null");
        this.commits = requireNonNull(commits, "commits is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.tableStatistics = requireNonNull(tableStatistics, "tableStatistics is null");
        this.extendedStatistics = requireNonNull(extendedStatistics, "extendedStatistics is null");
        this.tableProcedures = new IcedbTableProcedures(maintenance, cleaner, orphanFileRemover, commits, partCodec, fileSystemFactory, extendedStatistics);
        this.rowLevelOperations = new IcedbRowLevelOperations(maintenance, commits, fileSystemFactory);
        this.materializedViews = requireNonNull(materializedViews, "materializedViews is null");
        this.materializedViewRefresh = new IcedbMaterializedViewRefresh(materializedViews, commits, maintenance, fileSystemFactory, partCodec);
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
        return tables.handle(session, tableName, endVersion);
    }

    @Override
    public Optional<SystemTable> getSystemTable(ConnectorSession session, SchemaTableName tableName)
    {
        return IcedbSystemTables.forTable(session, tableName, tables, snapshotLoader, maintenance);
    }

    /**
     * The table as the pinned snapshot and its definition make it; computed once per snapshot in this transaction.
     */
    public IcedbTableView view(ConnectorSession session, IcedbTableHandle table)
    {
        return tables.view(session, table);
    }

    @Override
    public ConnectorTableMetadata getTableMetadata(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return tables.tableMetadata(session, (IcedbTableHandle) tableHandle);
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
        return view(session, (IcedbTableHandle) tableHandle).columns().stream()
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
        return tables.relationColumns(session, relationFilter.apply(new LinkedHashSet<>(listTables(session, schemaName))), name -> materializedViews.get(session, name));
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
        return IcedbPushdown.applyProjection(session, handle, () -> view(session, (IcedbTableHandle) handle), projections, assignments);
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

    // as the Iceberg connector: an unpartitioned write scales from one writer per task up to task_max_writer_count
    @Override
    public WriterScalingOptions getNewTableWriterScalingOptions(ConnectorSession session, SchemaTableName tableName, Map<String, Object> tableProperties)
    {
        return WriterScalingOptions.ENABLED;
    }

    @Override
    public WriterScalingOptions getInsertWriterScalingOptions(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return WriterScalingOptions.ENABLED;
    }

    @Override
    public Optional<ConnectorTableLayout> getNewTableLayout(ConnectorSession session, ConnectorTableMetadata tableMetadata)
    {
        return IcedbWriteLayout.newTableLayout(tableMetadata);
    }

    @Override
    public Optional<ConnectorTableLayout> getInsertLayout(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return IcedbWriteLayout.insertLayout(view(session, (IcedbTableHandle) tableHandle));
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
        commits.finishCreateTable(session, (IcedbWritableTableHandle) tableHandle, fragments, computedStatistics);
        return Optional.empty();
    }

    @Override
    public ConnectorInsertTableHandle beginInsert(ConnectorSession session, ConnectorTableHandle tableHandle, List<ColumnHandle> columns, RetryMode retryMode)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        materializedViews.checkNotStorageTable(session, table.schemaTableName(), "insert into");
        List<IcedbColumnHandle> insertColumns = columns.stream().map(IcedbColumnHandle.class::cast).collect(toImmutableList());
        return commits.beginInsert(session, table, insertColumns, view(session, table), retryMode);
    }

    @Override
    public Optional<ConnectorOutputMetadata> finishInsert(ConnectorSession session, ConnectorInsertTableHandle insertHandle, List<ConnectorTableHandle> sourceTableHandles, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        commits.finishInsert(session, (IcedbWritableTableHandle) insertHandle, fragments, computedStatistics);
        return Optional.empty();
    }

    // ANALYZE and statistics collected by writes: stats/IcedbExtendedStatistics

    @Override
    public TableStatisticsMetadata getStatisticsCollectionMetadataForWrite(ConnectorSession session, ConnectorTableMetadata tableMetadata)
    {
        return extendedStatistics.writeMetadata(session, tableMetadata, tables);
    }

    @Override
    public ConnectorAnalyzeMetadata getStatisticsCollectionMetadata(ConnectorSession session, ConnectorTableHandle tableHandle, Map<String, Object> analyzeProperties)
    {
        return new ConnectorAnalyzeMetadata(tableHandle, IcedbExtendedStatistics.analyzeMetadata(session, () -> getTableMetadata(session, tableHandle).getColumns(), analyzeProperties));
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
        extendedStatistics.writeAnalyzed(session.getIdentity(), table.tableLocation(), view(session, table), computedStatistics);
    }

    @Override
    public void addColumn(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnMetadata column, ColumnPosition position)
    {
        materializedViews.checkNotStorageTable(session, ((IcedbTableHandle) tableHandle).schemaTableName(), "add a column to");
        commits.addColumn(session, (IcedbTableHandle) tableHandle, column, position);
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
        catalog.dropTable(session.getIdentity(), table.schemaTableName(), table.tableLocation(), () -> IcedbTableDeletion.drop(maintenance, fileSystemFactory, session, table.schemaTableName(), table.tableLocation()));
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
        releaseUnfinished();
    }

    /**
     * The transaction rolled back (the query failed): releases what a merge that began and did not finish holds.
     */
    public void rollback()
    {
        releaseUnfinished();
    }

    private void releaseUnfinished()
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
        return rowLevelOperations.beginMerge(session, table, view(session, table), updateCaseColumns, retryMode);
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
        return materializedViews.getAll(session, schemaName);
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
        return materializedViewRefresh.begin(session, (IcedbTableHandle) tableHandle, sourceTableHandles, refreshType, table -> view(session, table), retryMode);
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
}
