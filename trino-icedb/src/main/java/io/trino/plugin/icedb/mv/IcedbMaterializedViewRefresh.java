package io.trino.plugin.icedb.mv;

import com.google.common.collect.ImmutableList;
import io.airlift.json.JsonCodec;
import io.airlift.log.Logger;
import io.airlift.slice.Slice;
import io.icedb.engine.Snapshot;
import io.icedb.engine.commit.MergedLogBuilder.MergedLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.history.MaintenanceRun;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.table.TableLogs;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbSessionProperties;
import io.trino.plugin.icedb.IcedbTableCommits;
import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.IcedbTableView;
import io.trino.plugin.icedb.IcedbWritableTableHandle;
import io.trino.plugin.icedb.IcedbWrittenPart;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbMergeCommit;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.spi.RefreshType;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.RetryMode;
import io.trino.spi.connector.SchemaTableName;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static com.google.common.base.Preconditions.checkState;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.spi.StandardErrorCode.TRANSACTION_CONFLICT;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * {@code REFRESH MATERIALIZED VIEW}, one per transaction (Trino plans the refresh as an insert into the storage table
 * that runs the view's query). {@link #begin} decides between an incremental and a full refresh; when incremental, the
 * split manager asks {@link #scan} and makes splits of the source's new parts only (the hook the Iceberg connector uses
 * for its incremental refresh: the transaction's metadata restricts the source scan). {@link #finish} commits under the
 * storage table's lease: an incremental refresh appends one insert log (the storage table's merge engine combines the
 * partial result); a full one replaces every part of the storage table in one merged log. Either records the source's
 * snapshot ({@link IcedbRefreshRecord}).
 */
public final class IcedbMaterializedViewRefresh
{
    private static final Logger log = Logger.get(IcedbMaterializedViewRefresh.class);

    private final IcedbMaterializedViews views;
    private final IcedbTableCommits commits;
    private final IcedbMaintenance maintenance;
    private final IcedbMergeCommit mergeCommit;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final Map<String, List<FileMarker>> scans = new ConcurrentHashMap<>();
    private volatile Optional<Pending> pending = Optional.empty();

    private record Pending(
            SchemaTableName view,
            SchemaTableName storage,
            IcedbTableLocation storageLocation,
            Optional<IcedbRefreshDelta.LastRefresh> last,
            boolean incremental,
            long partsRead,
            Optional<String> sourceLocation,
            long sourceVersion,
            String sourceLastLog,
            List<String> coveredSourceLogs,
            long startedMillis) {}

    public IcedbMaterializedViewRefresh(IcedbMaterializedViews views, IcedbTableCommits commits, IcedbMaintenance maintenance, TrinoFileSystemFactory fileSystemFactory, JsonCodec<IcedbWrittenPart> partCodec)
    {
        this.views = requireNonNull(views, "views is null");
        this.commits = requireNonNull(commits, "commits is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.mergeCommit = new IcedbMergeCommit(maintenance, commits.statisticsStore());
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
    }

    /**
     * @param views the table a handle's snapshot makes (the transaction's)
     * @return the insert into the storage table that writes the refresh's rows
     */
    public IcedbWritableTableHandle begin(ConnectorSession session, IcedbTableHandle storage, List<ConnectorTableHandle> sources, RefreshType refreshType, Function<IcedbTableHandle, IcedbTableView> views, RetryMode retryMode)
    {
        checkState(pending.isEmpty(), "A materialized view refresh already began in this transaction");
        SchemaTableName viewName = IcedbMaterializedViews.viewOfStorageTable(storage.schemaTableName())
                .orElseThrow(() -> new IllegalStateException("Not a storage table: " + storage.schemaTableName()));
        IcedbMaterializedViewDefinition definition = this.views.find(session, viewName).orElseThrow(() -> new io.trino.spi.connector.MaterializedViewNotFoundException(viewName));
        Optional<IcedbRefreshDelta.LastRefresh> last = this.views.lastRefresh(session, viewName);

        Optional<IcedbTableHandle> source = sources.size() == 1 && sources.getFirst() instanceof IcedbTableHandle handle
                && definition.sourceSchema().equals(Optional.of(handle.schemaName()))
                && definition.sourceTable().equals(Optional.of(handle.tableName()))
                ? Optional.of(handle)
                : Optional.empty();
        Optional<IcedbTableView> sourceView = source.map(views);
        Optional<Snapshot> sourceSnapshot = sourceView.map(IcedbTableView::snapshot);
        Optional<List<FileMarker>> newParts = Optional.empty();
        boolean decomposes = switch (definition.refreshKind()) {
            case AGGREGATE -> true;
            case APPEND -> refreshType == RefreshType.INCREMENTAL;
            case FULL -> false;
        };
        // a source with a merge engine that combines rows: a new row may change an old one, so only a full refresh is exact
        boolean appendOnlySource = sourceView.map(view -> !view.definition().mergeEngine().mergesRows()).orElse(false);
        if (decomposes && appendOnlySource && IcedbSessionProperties.isIncrementalRefreshEnabled(session) && last.isPresent() && last.get().record().sourceLocation().equals(source.get().location())) {
            IcedbTableHandle handle = source.get();
            MaintainedTable sourceTable = maintenance.table(session, handle.schemaTableName(), handle.tableLocation());
            Map<String, String> operations = new LinkedHashMap<>();
            for (MaintenanceRun run : maintenance.history(session, handle.schemaTableName(), handle.tableLocation())) {
                run.logKey().ifPresent(key -> operations.put(key, run.operation()));
            }
            TrinoFileSystem fileSystem = fileSystemFactory.create(session.getIdentity());
            newParts = IcedbRefreshDelta.newParts(
                    sourceTable.log(),
                    sourceSnapshot.orElseThrow(),
                    last.get().record(),
                    key -> Optional.ofNullable(operations.get(key)),
                    path -> exists(fileSystem, handle.tableLocation(), path));
        }
        newParts.ifPresent(parts -> scans.put(source.orElseThrow().location(), parts));
        pending = Optional.of(new Pending(
                viewName,
                storage.schemaTableName(),
                storage.tableLocation(),
                last,
                newParts.isPresent(),
                newParts.map(List::size).orElse(-1),
                source.map(IcedbTableHandle::location),
                sourceSnapshot.map(Snapshot::version).orElse(-1L),
                sourceSnapshot.map(snapshot -> snapshot.logFiles().stream().max(String::compareTo).orElse("")).orElse(""),
                sourceSnapshot.map(IcedbRefreshRecord::coveredLogs).orElse(List.of()),
                maintenance.clock().millis()));
        log.info("Refresh of materialized view %s: %s", viewName, newParts.map(parts -> "incremental, " + parts.size() + " new source parts").orElse("full"));
        IcedbTableView storageView = views.apply(storage);
        return commits.beginInsert(session, storage, storageView.schemaColumns(), storageView, retryMode);
    }

    /**
     * The parts an incremental refresh scans of the source table at {@code location}.
     */
    public Optional<List<FileMarker>> scan(String location)
    {
        return Optional.ofNullable(scans.get(location));
    }

    public void finish(ConnectorSession session, IcedbWritableTableHandle insert, Collection<Slice> fragments)
    {
        Pending refresh = pending.orElseThrow(() -> new IllegalStateException("No materialized view refresh began in this transaction"));
        pending = Optional.empty();
        scans.clear();
        MaintainedTable table = maintenance.table(session, refresh.storage(), refresh.storageLocation());
        List<IcedbWrittenPart> written = fragments.stream().map(fragment -> partCodec.fromJson(fragment.getBytes())).collect(toImmutableList());
        try (LeaseHandle lease = maintenance.acquireLease(session, table, "refresh")) {
            Optional<IcedbRefreshDelta.LastRefresh> now = views.lastRefresh(session, refresh.view());
            if (!Objects.equals(now.map(IcedbRefreshDelta.LastRefresh::storageLogKey), refresh.last().map(IcedbRefreshDelta.LastRefresh::storageLogKey))) {
                TrinoException failure = new TrinoException(TRANSACTION_CONFLICT, format("Refresh of materialized view %s: a concurrent refresh committed first; retry", refresh.view()));
                IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, written, failure);
                throw failure;
            }
            IcedbRefreshRecord record = new IcedbRefreshRecord(
                    refresh.sourceLocation().orElse(""),
                    refresh.sourceVersion(),
                    refresh.sourceLastLog(),
                    refresh.incremental(),
                    refresh.partsRead(),
                    maintenance.clock().millis(),
                    refresh.coveredSourceLogs());
            if (refresh.incremental() || storageIsEmpty(table)) {
                String logKey = commits.finishInsert(session, insert, fragments)
                        .orElseGet(() -> commits.commitInsert(session, refresh.storage(), refresh.storageLocation(), new Schema(Map.of()), ImmutableList.of()));
                writeRecord(table, logKey, record);
                log.info("Incremental refresh of materialized view %s: storage log %s adds %s parts from %s source parts", refresh.view(), logKey, written.size(), refresh.partsRead());
                return;
            }
            TableLogs logs = table.log().readAll();
            Snapshot snapshot = logs.fold();
            Set<String> replaced = snapshot.aliveFiles().stream().map(FileMarker::path).collect(toImmutableSet());
            List<FileMarker> markers = written.stream()
                    .map(part -> FileMarker.alive(part.key(), part.bytes(), part.createdMillis()))
                    .collect(toImmutableList());
            MergedLog mergedLog = mergeCommit.plan(logs, replaced, markers);
            // the record first: a merged log without a record is the storage table's own maintenance
            writeRecord(table, mergedLog.log().key(), record);
            Map<String, Long> metrics = new LinkedHashMap<>();
            metrics.put("parts_removed", (long) replaced.size());
            metrics.put("parts_written", (long) markers.size());
            mergeCommit.commit(session, table, lease, mergedLog, "refresh", refresh.startedMillis(), IcedbMergeCommit.statistics(written), metrics);
            log.info("Full refresh of materialized view %s: merged log %s replaces %s parts by %s", refresh.view(), mergedLog.log().key(), replaced.size(), markers.size());
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }

    public void abort()
    {
        pending = Optional.empty();
        scans.clear();
    }

    /**
     * Whether the storage table has no live part: a full refresh then appends (there is nothing to replace).
     */
    private static boolean storageIsEmpty(MaintainedTable table)
    {
        return table.log().readAll().fold().aliveFiles().isEmpty();
    }

    private static void writeRecord(MaintainedTable table, String logKey, IcedbRefreshRecord record)
    {
        String key = IcedbRefreshRecord.key(table.prefix(), logKey);
        try {
            record.write(table.fileIo(), table.prefix(), logKey);
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to write the refresh record %s of %s: %s", key, table, e.getMessage()), e);
        }
    }

    private static boolean exists(TrinoFileSystem fileSystem, IcedbTableLocation location, String path)
    {
        try {
            return fileSystem.newInputFile(location.keyLocation(path)).exists();
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to check part %s of %s: %s", path, location, e.getMessage()), e);
        }
    }
}
