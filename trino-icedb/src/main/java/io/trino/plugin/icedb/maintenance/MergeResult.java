package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableMap;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a merge did.
 *
 * @param partitions the merged partitions, each with its parts and bytes before and after
 * @param mergedLog the key of the merged log ({@code _m_}) that committed the merge; empty when nothing needed merging
 */
public record MergeResult(List<MergedPartition> partitions, Optional<String> mergedLog)
{
    public MergeResult
    {
        partitions = List.copyOf(partitions);
        requireNonNull(mergedLog, "mergedLog is null");
    }

    /**
     * @param partition the partition path ({@code u=a/d=2023-06-07}; empty for an unpartitioned table)
     * @param newPart the key of the merged part
     */
    public record MergedPartition(String partition, int partsMerged, long bytesBefore, String newPart, long bytesAfter, long rows)
    {
        public MergedPartition
        {
            requireNonNull(partition, "partition is null");
            requireNonNull(newPart, "newPart is null");
        }
    }

    public int partsMerged()
    {
        return partitions.stream().mapToInt(MergedPartition::partsMerged).sum();
    }

    public long bytesBefore()
    {
        return partitions.stream().mapToLong(MergedPartition::bytesBefore).sum();
    }

    public long bytesAfter()
    {
        return partitions.stream().mapToLong(MergedPartition::bytesAfter).sum();
    }

    /**
     * What a merge did, by the names {@code "t$maintenance"} shows for {@code CALL merge} and {@code EXECUTE merge} alike.
     */
    public static Map<String, Long> metrics(long partitions, long partsMerged, long bytesMerged, long partsWritten, long bytesWritten, long rowsWritten, long logsSuperseded)
    {
        return ImmutableMap.<String, Long>builder()
                .put("partitions", partitions)
                .put("parts_merged", partsMerged)
                .put("bytes_merged", bytesMerged)
                .put("parts_written", partsWritten)
                .put("bytes_written", bytesWritten)
                .put("rows_written", rowsWritten)
                .put("logs_superseded", logsSuperseded)
                .buildOrThrow();
    }
}
