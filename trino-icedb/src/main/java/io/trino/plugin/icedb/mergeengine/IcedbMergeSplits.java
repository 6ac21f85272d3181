package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.commit.CommitOrder;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.IcedbTableView;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.spi.connector.ConnectorSplit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.google.common.collect.ImmutableList.toImmutableList;

/**
 * The splits of merge on read: one per partition, with the partition's parts in commit order.
 */
public final class IcedbMergeSplits
{
    private IcedbMergeSplits() {}

    public static List<ConnectorSplit> splits(IcedbTableHandle table, IcedbTableView view, List<FileMarker> parts)
    {
        IcedbTableLocation location = table.tableLocation();
        IcedbMergeEngine engine = view.definition().mergeEngine();
        List<IcedbColumnHandle> engineColumns = engineColumns(view, engine);
        List<IcedbSortField> keyOrder = IcedbSortedParts.keyOrder(view.definition());
        Map<String, List<FileMarker>> byPartition = new TreeMap<>();
        for (FileMarker part : parts) {
            byPartition.computeIfAbsent(PartitionPath.partitionOf(location.prefix(), part.path()), _ -> new ArrayList<>()).add(part);
        }
        Comparator<FileMarker> commitOrder = CommitOrder.of(view.snapshot());
        ImmutableList.Builder<ConnectorSplit> splits = ImmutableList.builder();
        byPartition.forEach((partition, partitionParts) -> {
            List<IcedbSplit> ordered = partitionParts.stream()
                    .sorted(commitOrder)
                    .map(part -> new IcedbSplit(location.root() + part.path(), 0, Long.MAX_VALUE, part.bytes(), partition, part.createdMillis()))
                    .collect(toImmutableList());
            splits.add(new IcedbMergeSplit(partition, ordered, engine, engineColumns, keyOrder));
        });
        return splits.build();
    }

    public static List<IcedbColumnHandle> engineColumns(IcedbTableView view, IcedbMergeEngine engine)
    {
        List<String> names = IcedbKeyCombiner.requiredColumns(engine);
        return names.stream()
                .map(name -> view.columns().stream()
                        .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR && column.isBaseColumn() && column.name().equals(name))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("Merge engine column '%s' is not a column of the table".formatted(name))))
                .collect(toImmutableList());
    }
}
