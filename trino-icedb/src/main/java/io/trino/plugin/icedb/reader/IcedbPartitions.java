package io.trino.plugin.icedb.reader;

import io.icedb.engine.spec.PartitionPath;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Hive keys of a part's partition, as DuckDB's {@code hive_partitioning} exposes them (the engine's
 * {@link PartitionPath#partitionOf} is the one rule for the partition of a part).
 */
public final class IcedbPartitions
{
    private IcedbPartitions() {}

    /**
     * The Hive keys of a partition path in path order; a key that appears twice keeps its first value.
     */
    public static Map<String, Optional<String>> hiveKeys(String partition)
    {
        if (partition.isEmpty()) {
            return Map.of();
        }
        Map<String, Optional<String>> keys = new LinkedHashMap<>();
        for (PartitionPath.HiveKey key : PartitionPath.parse(partition).keys()) {
            keys.putIfAbsent(key.name(), key.value());
        }
        return Collections.unmodifiableMap(keys);
    }
}
