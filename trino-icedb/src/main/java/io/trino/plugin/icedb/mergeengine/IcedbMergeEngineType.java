package io.trino.plugin.icedb.mergeengine;

import java.util.Arrays;
import java.util.Optional;

import static java.util.Locale.ENGLISH;

/**
 * The table property {@code merge_engine}: how rows with one primary key combine (on read and in merges), after
 * Paimon's merge engines and ClickHouse's ReplacingMergeTree/AggregatingMergeTree.
 */
public enum IcedbMergeEngineType
{
    /** Every row is kept (no primary key needed): IceDB's own behaviour. */
    APPEND,
    /** One row per key: the one with the greatest {@code version_column}, else the latest committed. */
    DEDUPLICATE,
    /** One row per key: the first committed. */
    FIRST_ROW,
    /** One row per key: {@code aggregates} combine their columns, every other non-key column keeps the latest value. */
    AGGREGATE;

    public String propertyValue()
    {
        return name().toLowerCase(ENGLISH);
    }

    public static Optional<IcedbMergeEngineType> fromPropertyValue(String value)
    {
        return Arrays.stream(values())
                .filter(type -> type.propertyValue().equalsIgnoreCase(value.trim()))
                .findFirst();
    }
}
