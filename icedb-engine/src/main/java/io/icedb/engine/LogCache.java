package io.icedb.engine;

import io.icedb.engine.spec.LogFile;

import java.util.Optional;

/**
 * Parsed log files of one storage root by object key (log files are immutable, so an entry never goes stale). The
 * engine's {@link LogFileCache} bounds it by entries; an embedding application may bring its own (the Trino connector
 * bounds it by memory and reports hits and misses).
 */
public interface LogCache
{
    Optional<LogFile> get(String key);

    void put(String key, LogFile logFile);
}
