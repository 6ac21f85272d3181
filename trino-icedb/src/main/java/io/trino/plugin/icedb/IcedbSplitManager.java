package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngine;
import io.trino.plugin.icedb.mergeengine.IcedbMergeOnReadPredicates;
import io.trino.plugin.icedb.mergeengine.IcedbMergeSplits;
import io.trino.plugin.icedb.reader.IcedbPartLevelValues;
import io.trino.plugin.icedb.stats.IcedbPartStatisticsStore;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.ConnectorSplitSource;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.DynamicFilter;
import io.trino.spi.connector.FixedSplitSource;
import io.trino.spi.predicate.TupleDomain;

import java.util.List;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * Splits of the alive parts of the pinned snapshot: one per part, several for a part larger than
 * {@code max_split_size}. Parts are skipped without being opened when their partition fails the enforced predicate,
 * or when their statistics ({@link IcedbPartStatisticsStore}) cannot satisfy the unenforced one (file skipping);
 * both also with the dynamic filter, which the split source waits for up to {@code dynamic_filtering_wait_timeout}.
 * A table with a merge engine (unless {@code merge_on_read_enabled} is off) gets one {@link io.trino.plugin.icedb.mergeengine.IcedbMergeSplit}
 * per partition, holding all its parts, and only key predicates skip parts.
 */
public final class IcedbSplitManager
        implements ConnectorSplitManager
{
    private final IcedbTransactionManager transactionManager;
    private final IcedbPartStatisticsStore statisticsStore;

    @Inject
    public IcedbSplitManager(IcedbTransactionManager transactionManager, IcedbPartStatisticsStore statisticsStore)
    {
        this.transactionManager = requireNonNull(transactionManager, "transactionManager is null");
        this.statisticsStore = requireNonNull(statisticsStore, "statisticsStore is null");
    }

    @Override
    public ConnectorSplitSource getSplits(
            ConnectorTransactionHandle transaction,
            ConnectorSession session,
            ConnectorTableHandle tableHandle,
            DynamicFilter dynamicFilter,
            Constraint constraint)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        if (table.enforcedPredicate().isNone() || table.unenforcedPredicate().isNone()) {
            return splitSource(table, ImmutableList.of());
        }
        IcedbMetadata metadata = transactionManager.get(transaction);
        IcedbTableView view = metadata.view(session, table);
        IcedbPartSelection selection = new IcedbPartSelection(table, view);
        IcedbMergeEngine engine = view.definition().mergeEngine();
        boolean mergeOnRead = engine.mergesRows() && (table.executeParts().isPresent() || IcedbSessionProperties.isMergeOnReadEnabled(session));
        if (table.executeParts().isPresent()) {
            // ALTER TABLE ... EXECUTE merge rewrites every row of the parts it replaces: no predicate applies
            Set<String> executeParts = Set.copyOf(table.executeParts().get());
            List<FileMarker> parts = view.snapshot().aliveFiles().stream()
                    .filter(part -> executeParts.contains(part.path()))
                    .collect(toImmutableList());
            if (mergeOnRead) {
                return splitSource(table, IcedbMergeSplits.splits(table, view, parts));
            }
            return splitSource(table, splits(session, table, parts, Constraint.alwaysTrue()));
        }
        if (mergeOnRead) {
            // whole partitions, merged by key: only key and partition predicates may skip partitions; no part of a kept
            // partition is skipped (a row-level rewrite replaces the partition's parts, all of which it must have read)
            return new IcedbSplitSource(dynamicFilter, IcedbSessionProperties.getDynamicFilteringWaitTimeout(session), dynamic -> {
                TupleDomain<IcedbColumnHandle> keyPredicate = IcedbMergeOnReadPredicates.keyPredicate(table.unenforcedPredicate().intersect(dynamic), engine);
                return IcedbMergeSplits.splits(table, view, selection.byPartition(table.enforcedPredicate().intersect(keyPredicate)));
            });
        }
        return new IcedbSplitSource(dynamicFilter, IcedbSessionProperties.getDynamicFilteringWaitTimeout(session), dynamic -> {
            TupleDomain<IcedbColumnHandle> predicate = table.enforcedPredicate()
                    .intersect(table.unenforcedPredicate())
                    .intersect(dynamic);
            // REFRESH MATERIALIZED VIEW that is incremental scans only the parts the source gained since the last refresh
            List<FileMarker> parts = metadata.refreshScan(table.location())
                    .map(candidates -> selection.byPartition(predicate, candidates))
                    .orElseGet(() -> selection.byPartition(predicate));
            parts = selection.byStatistics(session, statisticsStore, parts, table.unenforcedPredicate().intersect(dynamic));
            return splits(session, table, parts, constraint);
        });
    }

    private static List<ConnectorSplit> splits(ConnectorSession session, IcedbTableHandle table, List<FileMarker> parts, Constraint constraint)
    {
        IcedbTableLocation location = table.tableLocation();
        long maxSplitSize = IcedbSessionProperties.getMaxSplitSize(session).toBytes();
        ImmutableList.Builder<ConnectorSplit> splits = ImmutableList.builder();
        for (FileMarker part : parts) {
            String path = location.root() + part.path();
            String partition = PartitionPath.partitionOf(location.prefix(), part.path());
            IcedbSplit whole = new IcedbSplit(path, 0, Long.MAX_VALUE, part.bytes(), partition, part.createdMillis());
            if (!IcedbPartLevelValues.matches(whole, constraint)) {
                continue;
            }
            if (part.bytes() <= maxSplitSize) {
                splits.add(whole);
                continue;
            }
            // each split reads the row groups that start in its byte range; the last range is open-ended
            for (long start = 0; start < part.bytes(); start += maxSplitSize) {
                long length = start + maxSplitSize >= part.bytes() ? Long.MAX_VALUE - start : maxSplitSize;
                splits.add(new IcedbSplit(path, start, length, part.bytes(), partition, part.createdMillis()));
            }
        }
        return splits.build();
    }

    private static FixedSplitSource splitSource(IcedbTableHandle table, List<ConnectorSplit> splits)
    {
        // the engine requires split source information for a table procedure's scan; ours has none to pass
        // (EXECUTE merge's coordinator already holds the parts it replaces)
        return table.executeParts().isPresent() ? new FixedSplitSource(splits, ImmutableList.of()) : new FixedSplitSource(splits);
    }
}
