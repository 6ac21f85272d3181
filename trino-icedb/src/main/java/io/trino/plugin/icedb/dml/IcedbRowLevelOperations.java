package io.trino.plugin.icedb.dml;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.airlift.json.JsonCodec;
import io.airlift.log.Logger;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.commit.MergedLogBuilder.MergedLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.LeaseLostException;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.table.TableLogs;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.IcedbTableCommits;
import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.IcedbTableView;
import io.trino.plugin.icedb.IcedbTableView.PartitionFieldType;
import io.trino.plugin.icedb.IcedbWritableTableHandle;
import io.trino.plugin.icedb.IcedbWrittenPart;
import io.trino.plugin.icedb.layout.IcedbPartitionPruning;
import io.trino.plugin.icedb.layout.PartitionTransform;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbMergeCommit;
import io.trino.plugin.icedb.maintenance.LeasedRun;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.plugin.icedb.reader.IcedbPartLevelValues;
import io.trino.plugin.icedb.reader.IcedbPartitions;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.RetryMode;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static com.google.common.base.Preconditions.checkState;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.spi.StandardErrorCode.GENERIC_INTERNAL_ERROR;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.TRANSACTION_CONFLICT;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The coordinator's side of the statements that change rows: {@code TRUNCATE TABLE} and a {@code DELETE} whose
 * predicate covers whole parts (metadata only: one merged log that tombstones the parts, none opened), and {@code
 * DELETE}, {@code UPDATE} and {@code MERGE} by copy-on-write (the workers' {@link IcedbMergeSink}s rewrite each part
 * that has a changed row and write the inserted rows; one merged log tombstones the rewritten parts and adds the new
 * ones). Each takes the table's maintenance lease, so it conflicts with merge, cleanup and another such statement, and
 * builds its log on the table's logs read under the lease, so a concurrent insert is never lost: the merged log only
 * tombstones the parts the statement replaced (spec §5, partition removal and rewrite).
 */
public final class IcedbRowLevelOperations
{
    private static final Logger log = Logger.get(IcedbRowLevelOperations.class);
    public static final JsonCodec<IcedbMergeFragment> FRAGMENT_CODEC = JsonCodec.jsonCodec(IcedbMergeFragment.class);

    private final IcedbMaintenance maintenance;
    private final IcedbTableCommits commits;
    private final IcedbMergeCommit mergeCommit;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final Map<String, LeasedRun> running = new ConcurrentHashMap<>();

    public IcedbRowLevelOperations(IcedbMaintenance maintenance, IcedbTableCommits commits, TrinoFileSystemFactory fileSystemFactory)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.commits = requireNonNull(commits, "commits is null");
        this.mergeCommit = new IcedbMergeCommit(maintenance, commits.statisticsStore());
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
    }

    /**
     * {@code TRUNCATE TABLE}: tombstones every live part.
     */
    public void truncate(ConnectorSession session, IcedbTableHandle handle)
    {
        removeParts(session, handle, "truncate", _ -> true);
    }

    /**
     * A {@code DELETE} whose predicate the parts' paths decide alone (identity partition columns, a Python table's
     * Hive keys, {@code $partition}, {@code $path}) removes whole parts without opening them; any other is row-level.
     */
    public static Optional<ConnectorTableHandle> applyDelete(IcedbTableHandle table)
    {
        if (!table.unenforcedPredicate().isAll() || table.enforcedPredicate().isAll() || table.executeParts().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(table);
    }

    /**
     * Tombstones the live parts whose paths satisfy the handle's enforced predicate. The number of rows is not known
     * without opening the parts, so none is reported.
     *
     * @param partitionFields the table's partition fields with their columns' types: the enforced domains on regular
     * columns are on identity partition columns, decided by the parts' paths
     */
    public OptionalLong deleteParts(ConnectorSession session, IcedbTableHandle handle, List<PartitionFieldType> partitionFields)
    {
        TupleDomain<IcedbColumnHandle> predicate = handle.enforcedPredicate();
        if (predicate.isNone()) {
            return OptionalLong.of(0);
        }
        IcedbTableLocation location = handle.tableLocation();
        removeParts(session, handle, "delete", part -> allRowsMatch(
                handle,
                new IcedbSplit(location.root() + part.path(), 0, part.bytes(), part.bytes(), PartitionPath.partitionOf(location.prefix(), part.path()), part.createdMillis()),
                predicate,
                partitionFields));
        return OptionalLong.empty();
    }

    /**
     * Whether every row of the part satisfies the enforced predicate, judged from its path: part-level columns (Hive
     * keys, hidden columns) exactly, identity partition columns from their keys.
     */
    private static boolean allRowsMatch(IcedbTableHandle handle, IcedbSplit split, TupleDomain<IcedbColumnHandle> predicate, List<PartitionFieldType> partitionFields)
    {
        if (!IcedbPartLevelValues.matches(split, predicate)) {
            return false;
        }
        Map<String, Optional<String>> keys = IcedbPartitions.hiveKeys(split.partition());
        for (Map.Entry<IcedbColumnHandle, Domain> entry : predicate.getDomains().orElseThrow().entrySet()) {
            IcedbColumnHandle column = entry.getKey();
            if (column.isPartLevel()) {
                continue;
            }
            PartitionFieldType field = partitionFields.stream()
                    .filter(candidate -> candidate.field().transform() == PartitionTransform.IDENTITY && candidate.field().column().equals(column.name()))
                    .findFirst()
                    .orElseThrow(() -> new TrinoException(GENERIC_INTERNAL_ERROR, format("DELETE from %s: the predicate on %s is no identity partition predicate", handle.schemaTableName(), column.name())));
            if (!keys.containsKey(field.field().keyName())) {
                throw new TrinoException(NOT_SUPPORTED, format(
                        "DELETE from %s: part %s has no partition key %s in its path, so the predicate on %s cannot be decided without reading it",
                        handle.schemaTableName(),
                        split.path(),
                        field.field().keyName(),
                        column.name()));
            }
            if (!IcedbPartitionPruning.mayContain(List.of(field.field()), List.of(field.type()), keys, Map.of(column.name(), entry.getValue()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tombstones the live parts that {@code partFilter} selects, in one merged log.
     *
     * @return the number of parts removed
     */
    public long removeParts(ConnectorSession session, IcedbTableHandle handle, String operation, Predicate<FileMarker> partFilter)
    {
        MaintainedTable table = maintenance.table(session, handle.schemaName(), handle.tableName());
        long startedMillis = maintenance.clock().millis();
        try (LeaseHandle lease = maintenance.acquireLease(session, table, operation)) {
            TableLogs logs = table.log().readAll();
            if (logs.isEmpty()) {
                return 0;
            }
            Snapshot snapshot = logs.fold();
            List<FileMarker> removed = snapshot.aliveFiles().stream().filter(partFilter).collect(toImmutableList());
            if (removed.isEmpty()) {
                log.info("%s of table %s: no live part matches, nothing to commit", operation, table);
                return 0;
            }
            Set<String> removedPaths = removed.stream().map(FileMarker::path).collect(toImmutableSet());
            MergedLog mergedLog = mergeCommit.plan(logs, removedPaths, ImmutableList.of());
            long bytes = removed.stream().mapToLong(FileMarker::bytes).sum();
            mergeCommit.commit(session, table, lease, mergedLog, operation, startedMillis, ImmutableMap.of(), metrics(removed.size(), bytes, 0, 0, mergedLog.sourceLogs().size()));
            log.info("%s of table %s: merged log %s removes %s parts (%s bytes) and supersedes %s logs", operation, table, mergedLog.log().key(), removed.size(), bytes, mergedLog.sourceLogs().size());
            return removed.size();
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }

    /**
     * Begins the insert of the rows a row-level {@code DELETE} ({@code updateCaseColumns} empty), {@code UPDATE} or
     * {@code MERGE} writes into the table {@code view} shows, then takes the table's lease, kept renewed until
     * {@link #finishMerge} or {@link #abort}.
     */
    public IcedbMergeTableHandle beginMerge(ConnectorSession session, IcedbTableHandle handle, IcedbTableView view, Map<Integer, Collection<ColumnHandle>> updateCaseColumns, RetryMode retryMode)
    {
        IcedbWritableTableHandle insert = commits.beginInsert(session, handle, view.writtenColumns(), view, retryMode);
        MaintainedTable table = maintenance.table(session, handle.schemaName(), handle.tableName());
        checkState(!running.containsKey(handle.location()), "A row-level statement on %s is already running in this transaction", table);
        running.put(handle.location(), LeasedRun.begin(maintenance, session, table, updateCaseColumns.isEmpty() ? "delete" : "update"));
        return new IcedbMergeTableHandle(handle, insert);
    }

    /**
     * Commits what the merge sinks wrote: one merged log that tombstones the rewritten parts and adds the new ones
     * (an insert log when no part was rewritten).
     */
    public void finishMerge(ConnectorSession session, IcedbTableHandle handle, IcedbWritableTableHandle insert, Collection<Slice> fragments)
    {
        LeasedRun merge = running.remove(handle.location());
        checkState(merge != null, "No row-level statement on %s began in this transaction", handle.location());
        MaintainedTable table = merge.table();
        List<IcedbMergeFragment> parsed = fragments.stream().map(fragment -> FRAGMENT_CODEC.fromJson(fragment.getBytes())).collect(toImmutableList());
        Map<String, String> replaced = new LinkedHashMap<>();
        List<IcedbWrittenPart> rewritten = new ArrayList<>();
        List<IcedbWrittenPart> inserted = new ArrayList<>();
        for (IcedbMergeFragment fragment : parsed) {
            for (String key : fragment.rewrittenParts()) {
                if (replaced.put(key, PartitionPath.partitionOf(table.prefix(), key)) != null) {
                    // two writers each dropped some rows of the part: committing either would lose the other's deletes
                    List<IcedbWrittenPart> all = parsed.stream().flatMap(each -> each.allNewParts().stream()).toList();
                    TrinoException failure = new TrinoException(GENERIC_INTERNAL_ERROR, format("%s of table %s: part %s was rewritten by two writers", merge.operation(), table, key));
                    IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, all, failure);
                    merge.release();
                    throw failure;
                }
            }
            rewritten.addAll(fragment.rewrittenNewParts());
            inserted.addAll(fragment.insertedParts());
        }
        List<IcedbWrittenPart> newParts = ImmutableList.<IcedbWrittenPart>builder().addAll(rewritten).addAll(inserted).build();
        try (LeaseHandle lease = merge.lease()) {
            merge.stopRenewing();
            if (replaced.isEmpty()) {
                // only inserted rows (a MERGE without a matched row): an ordinary insert
                commits.finishInsert(session, insert, inserted.stream().map(part -> Slices.wrappedBuffer(IcedbMergeSink.PART_CODEC.toJsonBytes(part))).toList());
                return;
            }
            Set<String> partitions = new HashSet<>(replaced.values());
            for (IcedbWrittenPart part : rewritten) {
                String partition = PartitionPath.partitionOf(table.prefix(), part.key());
                if (!partitions.contains(partition)) {
                    TrinoException failure = new TrinoException(NOT_SUPPORTED, format(
                            "%s of table %s: the kept rows of parts in partitions %s make partition '%s' from their values; this table's partition paths do not come from its columns",
                            merge.operation(),
                            table,
                            partitions,
                            partition));
                    IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, newParts, failure);
                    throw failure;
                }
            }
            TableLogs logs = table.log().readAll();
            Snapshot snapshot = logs.fold();
            Set<String> alive = snapshot.aliveFiles().stream().map(FileMarker::path).collect(toImmutableSet());
            List<String> gone = replaced.keySet().stream().filter(key -> !alive.contains(key)).toList();
            if (!gone.isEmpty()) {
                // a statement that held the lease before ours replaced them after our query read the table
                TrinoException failure = new TrinoException(TRANSACTION_CONFLICT, format(
                        "%s of table %s: parts %s were changed by a concurrent statement (a merge, cleanup or row-level statement) after this one read them; retry",
                        merge.operation(),
                        table,
                        gone));
                IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, newParts, failure);
                throw failure;
            }
            List<FileMarker> markers = newParts.stream()
                    .map(part -> FileMarker.alive(part.key(), part.bytes(), part.createdMillis()))
                    .collect(toImmutableList());
            MergedLog mergedLog = mergeCommit.plan(logs, replaced.keySet(), markers);
            try {
                recordCommitOrder(table, handle, mergedLog, markers, snapshot, replaced);
            }
            catch (RuntimeException e) {
                IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, newParts, e);
                throw e;
            }
            long removedBytes = snapshot.aliveFiles().stream().filter(part -> replaced.containsKey(part.path())).mapToLong(FileMarker::bytes).sum();
            try {
                mergeCommit.commit(session, table, lease, mergedLog, merge.operation(), merge.startedMillis(), IcedbMergeCommit.statistics(newParts), metrics(
                        replaced.size(),
                        removedBytes,
                        newParts.size(),
                        newParts.stream().mapToLong(IcedbWrittenPart::bytes).sum(),
                        mergedLog.sourceLogs().size()));
            }
            catch (LeaseLostException e) {
                IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, newParts, e);
                throw e;
            }
            log.info("%s of table %s: merged log %s replaces %s parts (%s bytes) by %s rewritten and %s inserted parts",
                    merge.operation(), table, mergedLog.log().key(), replaced.size(), removedBytes, rewritten.size(), inserted.size());
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }

    /**
     * The statement's new parts hold rows of the snapshot its query read: they sort right after that snapshot's newest
     * log, before every insert committed while the statement ran. That snapshot is read again (its logs are cached);
     * a log of it that adds a part the statement did not replace in a partition it rewrote was not read by the query
     * (a rewrite replaces every part of a partition it read for a merge-engine table): it was still being created then.
     */
    private static void recordCommitOrder(MaintainedTable table, IcedbTableHandle handle, MergedLog mergedLog, List<FileMarker> newParts, Snapshot current, Map<String, String> replaced)
    {
        Snapshot pinned = table.log().snapshot(new SnapshotTime(handle.snapshotUpperBound()));
        Set<String> partitions = new HashSet<>(replaced.values());
        Set<String> unread = current.aliveFiles().stream()
                .filter(part -> !replaced.containsKey(part.path()) && partitions.contains(PartitionPath.partitionOf(table.prefix(), part.path())))
                .map(part -> current.addedBy().get(part.path()))
                .collect(toImmutableSet());
        IcedbMergeCommit.recordCommitOrder(table, mergedLog, newParts, pinned, unread);
    }

    /**
     * Releases the leases of row-level statements that began and did not finish (the query failed).
     */
    public void abort()
    {
        running.values().forEach(LeasedRun::release);
        running.clear();
    }

    private static Map<String, Long> metrics(long partsRemoved, long bytesRemoved, long partsWritten, long bytesWritten, long logsSuperseded)
    {
        Map<String, Long> metrics = new LinkedHashMap<>();
        metrics.put("parts_removed", partsRemoved);
        metrics.put("bytes_removed", bytesRemoved);
        metrics.put("parts_written", partsWritten);
        metrics.put("bytes_written", bytesWritten);
        metrics.put("logs_superseded", logsSuperseded);
        return metrics;
    }
}
