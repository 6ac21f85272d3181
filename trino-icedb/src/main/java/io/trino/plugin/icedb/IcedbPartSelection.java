package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.stats.PartStats;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.IcedbPartitionPruning;
import io.trino.plugin.icedb.reader.IcedbPartLevelValues;
import io.trino.plugin.icedb.reader.IcedbPartitions;
import io.trino.plugin.icedb.stats.IcedbPartStatisticsPruning;
import io.trino.plugin.icedb.stats.IcedbPartStatisticsStore;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Map;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static java.util.Objects.requireNonNull;

/**
 * Which alive parts of a table's pinned snapshot can hold rows matching a predicate: first by partition (the part's
 * path keys and hidden columns, our partitioning's transforms), then, for predicates on regular columns, by the parts'
 * statistics (min/max and null counts, {@link IcedbPartStatisticsPruning}) before any footer is read.
 */
public final class IcedbPartSelection
{
    private final IcedbTableHandle table;
    private final IcedbTableView view;
    private final Map<String, Type> columnTypes;

    public IcedbPartSelection(IcedbTableHandle table, IcedbTableView view)
    {
        this.table = requireNonNull(table, "table is null");
        this.view = requireNonNull(view, "view is null");
        this.columnTypes = regularColumnTypes(view);
    }

    /**
     * The table's regular (log schema) columns with their Trino types.
     */
    public static Map<String, Type> regularColumnTypes(IcedbTableView view)
    {
        return view.columns().stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR)
                .collect(toImmutableMap(IcedbColumnHandle::name, IcedbColumnHandle::type, (first, _) -> first));
    }

    public Map<String, Type> columnTypes()
    {
        return columnTypes;
    }

    /**
     * The alive parts whose partition can satisfy {@code predicate} (its part-level domains, and its domains on the
     * columns of our partitioning).
     */
    public List<FileMarker> byPartition(TupleDomain<IcedbColumnHandle> predicate)
    {
        return byPartition(predicate, view.snapshot().aliveFiles());
    }

    /**
     * The parts of {@code candidates} whose partition can satisfy {@code predicate}.
     */
    public List<FileMarker> byPartition(TupleDomain<IcedbColumnHandle> predicate, List<FileMarker> candidates)
    {
        if (predicate.isNone()) {
            return ImmutableList.of();
        }
        IcedbTableLocation location = table.tableLocation();
        List<IcedbPartitionField> fields = view.fields();
        List<Type> fieldTypes = view.fieldTypes();
        Map<String, Domain> columnDomains = predicate.getDomains().orElse(ImmutableMap.of()).entrySet().stream()
                .filter(entry -> !entry.getKey().isPartLevel())
                .collect(toImmutableMap(entry -> entry.getKey().name(), Map.Entry::getValue, (first, _) -> first));
        TupleDomain<IcedbColumnHandle> partLevel = predicate.filter((column, _) -> column.isPartLevel());
        ImmutableList.Builder<FileMarker> parts = ImmutableList.builder();
        for (FileMarker part : candidates) {
            String partition = PartitionPath.partitionOf(location.prefix(), part.path());
            IcedbSplit whole = new IcedbSplit(location.root() + part.path(), 0, Long.MAX_VALUE, part.bytes(), partition, part.createdMillis());
            if (!IcedbPartLevelValues.matches(whole, partLevel)
                    || (!fields.isEmpty() && !IcedbPartitionPruning.mayContain(fields, fieldTypes, IcedbPartitions.hiveKeys(partition), columnDomains))) {
                continue;
            }
            parts.add(part);
        }
        return parts.build();
    }

    /**
     * Of {@code parts}, those whose statistics can satisfy the domains of {@code predicate} on regular columns (a part
     * without statistics is kept).
     */
    public List<FileMarker> byStatistics(ConnectorSession session, IcedbPartStatisticsStore store, List<FileMarker> parts, TupleDomain<IcedbColumnHandle> predicate)
    {
        if (predicate.isNone()) {
            return ImmutableList.of();
        }
        Map<String, Domain> domains = regularDomains(predicate);
        if (domains.isEmpty() || parts.isEmpty()) {
            return parts;
        }
        Map<String, PartStats> statistics = store.statistics(session.getIdentity(), table.tableLocation(), view.snapshot(), parts, columnTypes);
        Map<String, String> duckDbTypes = view.snapshot().schema().columns();
        return parts.stream()
                .filter(part -> {
                    PartStats stats = statistics.get(part.path());
                    return stats == null || IcedbPartStatisticsPruning.mayMatch(stats, domains, columnTypes, duckDbTypes);
                })
                .collect(toImmutableList());
    }

    private Map<String, Domain> regularDomains(TupleDomain<IcedbColumnHandle> predicate)
    {
        return predicate.getDomains().orElse(ImmutableMap.of()).entrySet().stream()
                .filter(entry -> entry.getKey().kind() == IcedbColumnHandle.Kind.REGULAR && entry.getKey().isBaseColumn())
                .collect(toImmutableMap(entry -> entry.getKey().name(), Map.Entry::getValue, (first, _) -> first));
    }
}
