package io.icedb.engine;

import io.icedb.engine.spec.LogFile;

import java.util.Map;
import java.util.Optional;

/**
 * Parsed log files of one storage root by object key (log files are immutable, so an entry never goes stale), and the
 * parsed order sidecars of logs ({@code OrderSidecar}: created before their log, so once the log is listed, an
 * existing or a missing sidecar stays so). The
 * engine's {@link LogFileCache} bounds it by entries; an embedding application may bring its own (the Trino connector
 * bounds it by memory and reports hits and misses).
 */
public interface LogCache
{
    Optional<LogFile> get(String key);

    void put(String key, LogFile logFile);

    /**
     * The commit positions of an order sidecar by its key (an empty map: the sidecar does not exist).
     */
    default Optional<Map<String, CommitPosition>> getCommitPositions(String sidecarKey)
    {
        return Optional.empty();
    }

    default void putCommitPositions(String sidecarKey, Map<String, CommitPosition> positions) {}
}
