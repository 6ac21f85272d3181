package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableMap;
import io.airlift.json.JsonCodec;
import io.airlift.slice.Slice;
import io.airlift.units.Duration;
import io.icedb.engine.Snapshot;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbPartitioningHandle;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.IcedbTableCommits;
import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbTableView;
import io.trino.plugin.icedb.IcedbWritableTableHandle;
import io.trino.plugin.icedb.IcedbWrittenPart;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.PartitionTransform;
import io.trino.plugin.icedb.maintenance.IcedbCleaner;
import io.trino.plugin.icedb.maintenance.IcedbDistributedMerge;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbMerger;
import io.trino.plugin.icedb.maintenance.IcedbOrphanFileRemover;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.plugin.icedb.reader.IcedbPartLevelValues;
import io.trino.plugin.icedb.stats.IcedbExtendedStatistics;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.BeginTableExecuteResult;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableExecuteHandle;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTableLayout;
import io.trino.spi.connector.RetryMode;
import io.trino.spi.type.Type;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * The coordinator's side of {@code ALTER TABLE ... EXECUTE} in one transaction: makes the {@link IcedbTableExecuteHandle}
 * of a procedure, and runs it: {@code merge} distributed ({@link IcedbDistributedMerge} picks and commits, the workers'
 * page sinks rewrite), {@code cleanup} and {@code remove_orphan_files} on the coordinator.
 */
public final class IcedbTableProcedures
{
    private final IcedbMaintenance maintenance;
    private final IcedbCleaner cleaner;
    private final IcedbOrphanFileRemover orphanFileRemover;
    private final IcedbTableCommits commits;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final IcedbDistributedMerge distributedMerge;
    private final IcedbExtendedStatistics extendedStatistics;

    public IcedbTableProcedures(
            IcedbMaintenance maintenance,
            IcedbCleaner cleaner,
            IcedbOrphanFileRemover orphanFileRemover,
            IcedbTableCommits commits,
            JsonCodec<IcedbWrittenPart> partCodec,
            TrinoFileSystemFactory fileSystemFactory,
            IcedbExtendedStatistics extendedStatistics)
    {
        this.extendedStatistics = requireNonNull(extendedStatistics, "extendedStatistics is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.cleaner = requireNonNull(cleaner, "cleaner is null");
        this.orphanFileRemover = requireNonNull(orphanFileRemover, "orphanFileRemover is null");
        this.commits = requireNonNull(commits, "commits is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
        this.distributedMerge = new IcedbDistributedMerge(maintenance, fileSystemFactory, commits.statisticsStore());
    }

    public IcedbTableExecuteHandle handle(IcedbTableHandle table, String procedureName, Map<String, Object> executeProperties, RetryMode retryMode)
    {
        if (retryMode != RetryMode.NO_RETRIES) {
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support query retries");
        }
        IcebergTableProcedureAliases.Resolved procedure = IcebergTableProcedureAliases.resolve(procedureName, executeProperties);
        Map<String, Object> properties = procedure.properties();
        IcedbTableProcedureId procedureId = IcedbTableProcedureId.valueOf(procedure.procedureName());
        return switch (procedureId) {
            case MERGE -> {
                long maxFileSize = (long) properties.get(MergeTableProcedure.MAX_FILE_SIZE);
                int maxFileCount = (int) properties.get(MergeTableProcedure.MAX_FILE_COUNT);
                IcedbMerger.checkThresholds(maxFileSize, maxFileCount);
                yield new IcedbMergeExecuteHandle(table, maxFileSize, maxFileCount, Optional.empty());
            }
            case CLEANUP, REMOVE_ORPHAN_FILES, DROP_EXTENDED_STATS -> new IcedbCoordinatorExecuteHandle(
                    table,
                    procedureId,
                    Optional.ofNullable((Duration) properties.get(CleanupTableProcedure.RETENTION_THRESHOLD)));
        };
    }

    /**
     * For merge, one writer per partition, also for derived keys (day(ts)) and Python's Hive keys: one merged part per partition.
     */
    public Optional<ConnectorTableLayout> layout(IcedbTableExecuteHandle execute, IcedbTableView view)
    {
        if (!(execute instanceof IcedbMergeExecuteHandle)) {
            return Optional.empty();
        }
        List<IcedbPartitionField> fields = view.fields();
        if (fields.isEmpty()) {
            // as the page sink partitions a table Python wrote
            fields = view.writePathKeys().stream()
                    .map(key -> new IcedbPartitionField(key, PartitionTransform.IDENTITY, OptionalInt.empty()))
                    .collect(toImmutableList());
        }
        if (fields.isEmpty()) {
            // an unpartitioned table: every row to one writer (a bucket function without fields), so one merged part
            return Optional.of(new ConnectorTableLayout(new IcedbPartitioningHandle(List.of(), List.of()), List.of(), false));
        }
        List<String> layoutColumns = fields.stream().map(IcedbPartitionField::column).distinct().collect(toImmutableList());
        List<Integer> channels = fields.stream().map(field -> layoutColumns.indexOf(field.column())).collect(toImmutableList());
        return Optional.of(new ConnectorTableLayout(
                new IcedbPartitioningHandle(fields, channels),
                layoutColumns.stream().map(name -> name.toLowerCase(ENGLISH)).collect(toImmutableList()),
                false));
    }

    /**
     * Takes the lease and selects the parts to merge from the query's snapshot, in the partitions the WHERE clause keeps.
     */
    public BeginTableExecuteResult<ConnectorTableExecuteHandle, ConnectorTableHandle> begin(ConnectorSession session, IcedbMergeExecuteHandle execute, IcedbTableHandle source, IcedbTableView view)
    {
        source.enforcedPredicate().getDomains().orElse(ImmutableMap.of()).keySet().stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.PATH || column.kind() == IcedbColumnHandle.Kind.FILE_SIZE || column.kind() == IcedbColumnHandle.Kind.FILE_MODIFIED_TIME)
                .findFirst()
                .ifPresent(column -> {
                    throw new TrinoException(NOT_SUPPORTED, format("ALTER TABLE EXECUTE merge of %s: the WHERE clause can only reference partition columns and $partition, not %s", source.schemaTableName(), column.name()));
                });
        Snapshot snapshot = view.snapshot();
        // the columns of the pages: every column that is not hidden, in table order
        IcedbWritableTableHandle write = commits.beginInsert(session, source, view.writtenColumns(), view, RetryMode.NO_RETRIES);

        List<IcedbPartitionField> fields = view.fields();
        List<Type> fieldTypes = view.fieldTypes();
        String root = source.tableLocation().root();
        List<String> replaced = distributedMerge.begin(
                session,
                maintenance.table(session, source.schemaName(), source.tableName()),
                snapshot,
                execute.maxFileSizeBytes(),
                execute.maxFileCount(),
                partition -> IcedbPartLevelValues.matchesEnforced(new IcedbSplit(root + partition, 0, 0, 0, partition, 0), source.enforcedPredicate(), fields, fieldTypes));
        return new BeginTableExecuteResult<>(execute.withWrite(write), source.withExecuteParts(replaced));
    }

    /**
     * Commits the merged parts the page sinks wrote.
     */
    public void finish(ConnectorSession session, IcedbMergeExecuteHandle execute, Collection<Slice> fragments)
    {
        List<IcedbWrittenPart> newParts = fragments.stream()
                .map(fragment -> partCodec.fromJson(fragment.getBytes()))
                .collect(toImmutableList());
        distributedMerge.finish(session, execute.table().location(), newParts);
    }

    public void execute(ConnectorSession session, IcedbCoordinatorExecuteHandle execute)
    {
        MaintainedTable table = maintenance.table(session, execute.table().schemaName(), execute.table().tableName());
        switch (execute.procedureId()) {
            case CLEANUP -> cleaner.cleanup(session, table, execute.retentionThreshold().orElse(cleaner.minRetention()));
            case REMOVE_ORPHAN_FILES -> {
                Duration retention = execute.retentionThreshold().orElse(orphanFileRemover.minRetention());
                orphanFileRemover.removeOrphanFiles(session, table, maintenance.clock().millis() - retention.toMillis());
            }
            case DROP_EXTENDED_STATS -> extendedStatistics.drop(session.getIdentity(), execute.table().tableLocation());
            case MERGE -> throw new IllegalArgumentException("merge runs distributed, not on the coordinator: " + execute);
        }
    }

    /**
     * Releases the leases of merges that began and did not finish.
     */
    public void releaseUnfinished()
    {
        distributedMerge.releaseUnfinished();
    }
}
