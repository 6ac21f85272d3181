package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableList;
import io.airlift.log.Logger;
import io.icedb.engine.Snapshot;
import io.icedb.engine.commit.MergeSelection;
import io.icedb.engine.commit.MergeSelection.MergeGroup;
import io.icedb.engine.commit.MergedLogBuilder.MergedLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.LeaseLostException;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.table.TableLogs;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbWrittenPart;
import io.trino.plugin.icedb.stats.IcedbPartStatisticsStore;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static com.google.common.base.Preconditions.checkState;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The coordinator's side of {@code ALTER TABLE ... EXECUTE merge} in one transaction. {@link #begin} takes the table's
 * maintenance lease (kept renewed while the workers rewrite) and picks the parts with {@link MergeSelection} from the
 * snapshot the query reads, in the partitions the {@code WHERE} clause keeps; the workers' page sinks write the merged
 * parts, one writer per partition; {@link #finish} commits them with one merged log through the lease, exactly like
 * {@code CALL system.merge}. A query that fails before its commit leaves no log: its page sinks delete their parts and
 * {@link #releaseUnfinished} releases the lease.
 */
public final class IcedbDistributedMerge
{
    private static final Logger log = Logger.get(IcedbDistributedMerge.class);

    private final IcedbMaintenance maintenance;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final IcedbMergeCommit mergeCommit;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    public IcedbDistributedMerge(IcedbMaintenance maintenance, TrinoFileSystemFactory fileSystemFactory, IcedbPartStatisticsStore statisticsStore)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.mergeCommit = new IcedbMergeCommit(maintenance, statisticsStore);
    }

    /**
     * @param snapshot the snapshot the query's splits come from
     * @param partitionFilter whether the {@code WHERE} clause keeps a partition
     * @return the keys of the parts to read and replace; empty when there is nothing to merge
     */
    public List<String> begin(
            ConnectorSession session,
            MaintainedTable table,
            Snapshot snapshot,
            long maxFileSizeBytes,
            int maxFileCount,
            Predicate<String> partitionFilter)
    {
        checkState(!running.containsKey(table.location().location()), "A merge of %s is already running in this transaction", table);
        boolean wholePartitions = MergeTableProperties.read(table).mergeEngine().mergesRows();
        // a merge engine: whole partitions (every part, in commit order), see MergeSelection.selectWholePartitions
        List<MergeGroup> planned = (wholePartitions ? MergeSelection.selectWholePartitions(snapshot) : MergeSelection.select(snapshot, maxFileSizeBytes, maxFileCount)).stream()
                .filter(group -> partitionFilter.test(group.partition()))
                .collect(toImmutableList());
        LeasedRun run = LeasedRun.begin(maintenance, session, table, "merge");
        try {
            // read only now, under the lease, with every log: the merged log is built on this fold
            TableLogs logs = table.log().readAll();
            Set<String> alive = logs.isEmpty() ? Set.of() : logs.fold().aliveFiles().stream().map(FileMarker::path).collect(toImmutableSet());
            // a maintenance operation that ended after the query began may have replaced some of them: merge what is left
            List<MergeGroup> groups = wholePartitions
                    ? wholePartitionsStillAlive(table, planned, alive)
                    : planned.stream()
                            .map(group -> new MergeGroup(group.partition(), group.parts().stream().filter(part -> alive.contains(part.path())).toList()))
                            .filter(group -> group.parts().size() >= 2)
                            .collect(toImmutableList());
            List<String> selected = groups.stream()
                    .flatMap(group -> group.parts().stream())
                    .map(FileMarker::path)
                    .collect(toImmutableList());
            running.put(table.location().location(), new Running(run, logs, groups));
            log.info("Merge of table %s began: %s parts (%s bytes) in %s partitions", table, selected.size(), groups.stream().mapToLong(MergeGroup::totalBytes).sum(), groups.size());
            return selected;
        }
        catch (RuntimeException e) {
            run.release();
            if (e instanceof IcedbException icedbException) {
                throw IcedbMaintenance.translate(table, icedbException);
            }
            throw e;
        }
    }

    /**
     * Commits the merged parts the page sinks wrote, replacing the parts {@link #begin} selected.
     */
    public void finish(ConnectorSession session, String tableLocation, List<IcedbWrittenPart> newParts)
    {
        Running merge = running.remove(tableLocation);
        checkState(merge != null, "No merge of %s began in this transaction", tableLocation);
        MaintainedTable table = merge.run().table();
        List<String> replacedParts = merge.selectedParts();
        try (LeaseHandle lease = merge.run().lease()) {
            merge.run().stopRenewing();
            if (replacedParts.isEmpty()) {
                checkState(newParts.isEmpty(), "Merge of %s wrote parts but selected none", table);
                log.info("Merge of table %s: no partition has two or more parts below the thresholds, nothing to merge", table);
                return;
            }
            Set<String> partitions = merge.groups().stream().map(MergeGroup::partition).collect(toImmutableSet());
            for (IcedbWrittenPart part : newParts) {
                String partition = PartitionPath.partitionOf(table.prefix(), part.key());
                if (!partitions.contains(partition)) {
                    // a table Python wrote whose partition paths are not the values of its columns
                    TrinoException failure = new TrinoException(NOT_SUPPORTED, format(
                            "Merge of table %s: the merged rows of partitions %s make partition '%s' from their values; this table's partition paths do not come from its columns, use CALL system.merge",
                            table,
                            partitions,
                            partition));
                    IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, newParts, failure);
                    throw failure;
                }
            }
            List<FileMarker> markers = newParts.stream()
                    .map(part -> FileMarker.alive(part.key(), part.bytes(), part.createdMillis()))
                    .collect(toImmutableList());
            MergedLog mergedLog = mergeCommit.plan(merge.logs(), Set.copyOf(replacedParts), markers);
            try {
                // the merged partitions are as the logs read when the lease was taken show them: the merged parts
                // sort after the newest of those logs
                IcedbMergeCommit.recordCommitOrder(table, mergedLog, markers, merge.logs().fold(), Set.of());
            }
            catch (TrinoException e) {
                IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, newParts, e);
                throw e;
            }
            try {
                mergeCommit.commit(session, table, lease, mergedLog, merge.run().startedMillis(), new IcedbMergeCommit.Stats(
                        merge.groups().stream().map(MergeGroup::partition).toList(),
                        replacedParts.size(),
                        merge.groups().stream().mapToLong(MergeGroup::totalBytes).sum(),
                        newParts.size(),
                        newParts.stream().mapToLong(IcedbWrittenPart::bytes).sum(),
                        newParts.stream().mapToLong(IcedbWrittenPart::rowCount).sum()),
                        IcedbMergeCommit.statistics(newParts));
            }
            catch (LeaseLostException e) {
                // the merged log does not exist and never will: the new parts are garbage
                IcedbMergeCommit.deleteWrittenParts(fileSystemFactory.create(session), table, newParts, e);
                throw e;
            }
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }

    /**
     * Releases the leases of merges that began and did not finish (the query failed).
     */
    public void releaseUnfinished()
    {
        running.values().forEach(merge -> merge.run().release());
        running.clear();
    }

    /**
     * The groups whose partition is exactly as the query read it: a partition that lost a part or gained one since (a
     * concurrent merge, row-level change or insert) is left for the next merge, so a merged part never skips a row
     * committed between its inputs.
     */
    private static List<MergeGroup> wholePartitionsStillAlive(MaintainedTable table, List<MergeGroup> planned, Set<String> alive)
    {
        Map<String, Long> alivePerPartition = alive.stream()
                .collect(Collectors.groupingBy(path -> PartitionPath.partitionOf(table.prefix(), path), Collectors.counting()));
        return planned.stream()
                .filter(group -> group.parts().stream().allMatch(part -> alive.contains(part.path())))
                .filter(group -> alivePerPartition.getOrDefault(group.partition(), 0L) == group.parts().size())
                .collect(toImmutableList());
    }

    private record Running(LeasedRun run, TableLogs logs, List<MergeGroup> groups)
    {
        List<String> selectedParts()
        {
            return groups.stream()
                    .flatMap(group -> group.parts().stream())
                    .map(FileMarker::path)
                    .collect(toImmutableList());
        }

        private Running
        {
            requireNonNull(run, "run is null");
            requireNonNull(logs, "logs is null");
            groups = ImmutableList.copyOf(groups);
        }
    }
}
