package io.icedb.engine;

/**
 * Which logs a snapshot folds (spec §3): those whose name timestamp is strictly below {@code exclusiveUpperBound}.
 */
public record SnapshotTime(long exclusiveUpperBound)
{
    /**
     * Every log there is.
     */
    public static SnapshotTime latest()
    {
        return new SnapshotTime(Long.MAX_VALUE);
    }

    /**
     * {@code FOR TIMESTAMP AS OF t}: logs with timestamp {@code < t} (Python's strict filter).
     */
    public static SnapshotTime asOfTimestamp(long epochMillis)
    {
        return new SnapshotTime(epochMillis);
    }

    /**
     * {@code FOR VERSION AS OF v}: logs with timestamp {@code <= v}.
     */
    public static SnapshotTime asOfVersion(long logTimestampMillis)
    {
        return new SnapshotTime(logTimestampMillis == Long.MAX_VALUE ? Long.MAX_VALUE : logTimestampMillis + 1);
    }

    public boolean includes(long logTimestampMillis)
    {
        return logTimestampMillis < exclusiveUpperBound;
    }
}
