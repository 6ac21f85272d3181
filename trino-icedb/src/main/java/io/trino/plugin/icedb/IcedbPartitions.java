package io.trino.plugin.icedb;

import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.spec.PartitionPath;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Partitions of parts, from their keys {@code P/_data/{partition}/{uuid}.parquet} (spec §1), read with the engine's
 * {@link PartitionPath}. The Hive keys of a partition path are what DuckDB's {@code hive_partitioning} exposes.
 */
public final class IcedbPartitions
{
    private IcedbPartitions() {}

    /**
     * The partition path of a part; empty when the part is directly under {@code _data/} or not under it at all.
     */
    public static String partitionOf(String tablePrefix, String partKey)
    {
        try {
            return PartitionPath.ofDataKey(tablePrefix, partKey).partition();
        }
        catch (IcedbException _) {
            return "";
        }
    }

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
