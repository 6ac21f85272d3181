package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Which parts to merge (spec §6), Python's rule applied to every partition: in a partition, take the alive parts from the
 * smallest up until their bytes reach {@code maxFileSizeBytes} or their number reaches {@code maxFileCount}; merge
 * them when that gives at least two parts. Python merges one partition per call (the one with most markers, dead
 * included); we return every partition that needs it, in that order.
 */
public final class MergeSelection
{
    public static final long DEFAULT_MAX_FILE_SIZE_BYTES = 10_000_000;
    public static final int DEFAULT_MAX_FILE_COUNT = 10;

    private MergeSelection() {}

    /**
     * Parts of one partition to merge into one, smallest first.
     */
    public record MergeGroup(String partition, List<FileMarker> parts)
    {
        public MergeGroup
        {
            requireNonNull(partition, "partition is null");
            parts = List.copyOf(parts);
        }

        public long totalBytes()
        {
            return parts.stream().mapToLong(FileMarker::bytes).sum();
        }
    }

    public static List<MergeGroup> select(Snapshot snapshot)
    {
        return select(snapshot, DEFAULT_MAX_FILE_SIZE_BYTES, DEFAULT_MAX_FILE_COUNT);
    }

    public static List<MergeGroup> select(Snapshot snapshot, long maxFileSizeBytes, int maxFileCount)
    {
        requireNonNull(snapshot, "snapshot is null");
        if (maxFileSizeBytes <= 0) {
            throw new IllegalArgumentException("maxFileSizeBytes must be positive: " + maxFileSizeBytes);
        }
        if (maxFileCount < 2) {
            throw new IllegalArgumentException("maxFileCount must be at least 2: " + maxFileCount);
        }
        String table = snapshot.tablePrefix();
        Map<String, List<FileMarker>> alive = new TreeMap<>();
        Map<String, Integer> markerCounts = new HashMap<>();
        for (FileMarker marker : snapshot.aliveFiles()) {
            String partition = PartitionPath.partitionOf(table, marker.path());
            alive.computeIfAbsent(partition, _ -> new ArrayList<>()).add(marker);
            markerCounts.merge(partition, 1, Integer::sum);
        }
        for (FileMarker marker : snapshot.deadFiles()) {
            markerCounts.merge(PartitionPath.partitionOf(table, marker.path()), 1, Integer::sum);
        }

        List<MergeGroup> groups = new ArrayList<>();
        for (Map.Entry<String, List<FileMarker>> partition : alive.entrySet()) {
            List<FileMarker> candidates = new ArrayList<>(partition.getValue());
            candidates.sort(Comparator.comparingLong(FileMarker::bytes).thenComparing(FileMarker::path));
            List<FileMarker> picked = new ArrayList<>();
            long bytes = 0;
            for (FileMarker candidate : candidates) {
                picked.add(candidate);
                bytes += candidate.bytes();
                if (bytes >= maxFileSizeBytes || picked.size() >= maxFileCount) {
                    break;
                }
            }
            if (picked.size() >= 2) {
                groups.add(new MergeGroup(partition.getKey(), picked));
            }
        }
        groups.sort(Comparator.comparing((MergeGroup group) -> markerCounts.get(group.partition())).reversed()
                .thenComparing(MergeGroup::partition));
        return List.copyOf(groups);
    }

    /**
     * The merge of a table whose rows combine by key (a merge engine): every alive part of a partition, in commit order
     * ({@link CommitOrder}), whatever their sizes. Taking all of them keeps the commit order exact: a merged part
     * replaces every row older than any row committed after it. A partition is merged when it has two or more parts,
     * or one part an insert added (it may hold a key twice); a single part a merged log added is left as it is.
     */
    public static List<MergeGroup> selectWholePartitions(Snapshot snapshot)
    {
        requireNonNull(snapshot, "snapshot is null");
        Map<String, List<FileMarker>> alive = new TreeMap<>();
        for (FileMarker marker : snapshot.aliveFiles()) {
            alive.computeIfAbsent(PartitionPath.partitionOf(snapshot.tablePrefix(), marker.path()), _ -> new ArrayList<>()).add(marker);
        }
        Comparator<FileMarker> commitOrder = CommitOrder.of(snapshot);
        List<MergeGroup> groups = new ArrayList<>();
        alive.forEach((partition, parts) -> {
            if (parts.size() >= 2 || !CommitOrder.addedByMergedLog(snapshot, parts.getFirst())) {
                groups.add(new MergeGroup(partition, parts.stream().sorted(commitOrder).toList()));
            }
        });
        return List.copyOf(groups);
    }
}
