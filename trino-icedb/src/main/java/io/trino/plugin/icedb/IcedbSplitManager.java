package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.icedb.engine.Snapshot;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.IcedbPartitionPruning;
import io.trino.plugin.icedb.reader.IcedbPartLevelValues;
import io.trino.plugin.icedb.reader.IcedbPartitions;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.ConnectorSplitSource;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.DynamicFilter;
import io.trino.spi.connector.FixedSplitSource;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static java.util.Objects.requireNonNull;

/**
 * Splits of the alive parts of the pinned snapshot: one per part, several for a part larger than
 * {@code max_split_size}. Parts whose partition fails the enforced predicate are skipped without being opened.
 */
public final class IcedbSplitManager
        implements ConnectorSplitManager
{
    private final IcedbTransactionManager transactionManager;

    @Inject
    public IcedbSplitManager(IcedbTransactionManager transactionManager)
    {
        this.transactionManager = requireNonNull(transactionManager, "transactionManager is null");
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
        IcedbTableView view = transactionManager.get(transaction).view(session, table);
        Snapshot snapshot = view.snapshot();
        IcedbTableLocation location = table.tableLocation();
        long maxSplitSize = IcedbSessionProperties.getMaxSplitSize(session).toBytes();
        TupleDomain<IcedbColumnHandle> dynamicPartLevel = partLevelOnly(dynamicFilter.getCurrentPredicate());
        // parts of our partitioning: keys derived from columns (day(ts), bucket(id, 4), ...) prune by predicates on those columns
        List<IcedbPartitionField> fields = view.fields();
        List<Type> fieldTypes = view.fieldTypes();
        // the enforced domains on partition columns (exact from the path) and the unenforced ones (pruning only)
        Map<String, Domain> columnDomains = table.enforcedPredicate().intersect(table.unenforcedPredicate()).getDomains().orElse(ImmutableMap.of()).entrySet().stream()
                .filter(entry -> !entry.getKey().isPartLevel())
                .collect(toImmutableMap(entry -> entry.getKey().name(), Map.Entry::getValue, (first, _) -> first));
        ImmutableList.Builder<ConnectorSplit> splits = ImmutableList.builder();
        Optional<Set<String>> executeParts = table.executeParts().map(Set::copyOf);
        for (FileMarker part : snapshot.aliveFiles()) {
            String path = location.root() + part.path();
            String partition = PartitionPath.partitionOf(location.prefix(), part.path());
            IcedbSplit whole = new IcedbSplit(path, 0, Long.MAX_VALUE, part.bytes(), partition, part.createdMillis());
            if (executeParts.isPresent()) {
                // ALTER TABLE ... EXECUTE merge rewrites every row of the parts it replaces: no predicate applies
                if (!executeParts.get().contains(part.path())) {
                    continue;
                }
            }
            else if (!IcedbPartLevelValues.matches(whole, table.enforcedPredicate())
                    || !IcedbPartLevelValues.matches(whole, dynamicPartLevel)
                    || !IcedbPartLevelValues.matches(whole, constraint)
                    || (!fields.isEmpty() && !IcedbPartitionPruning.mayContain(fields, fieldTypes, IcedbPartitions.hiveKeys(partition), columnDomains))) {
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
        return splitSource(table, splits.build());
    }

    private static FixedSplitSource splitSource(IcedbTableHandle table, List<ConnectorSplit> splits)
    {
        // the engine requires split source information for a table procedure's scan; ours has none to pass
        // (EXECUTE merge's coordinator already holds the parts it replaces)
        return table.executeParts().isPresent() ? new FixedSplitSource(splits, ImmutableList.of()) : new FixedSplitSource(splits);
    }

    private static TupleDomain<IcedbColumnHandle> partLevelOnly(TupleDomain<?> predicate)
    {
        return predicate.transformKeys(IcedbColumnHandle.class::cast)
                .filter((column, _) -> column.isPartLevel());
    }
}
