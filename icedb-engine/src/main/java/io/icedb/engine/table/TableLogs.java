package io.icedb.engine.table;

import io.icedb.engine.CommitPosition;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Every log of a table, parsed, in read order ({@link TableLog#readAll()}): what a maintenance operation folds after it
 * took the lease.
 *
 * @param logs log key to parsed log, in plain string order of the keys
 * @param commitPositions the commit positions of the alive parts, from the order sidecars of the logs that added them
 */
public record TableLogs(String tablePrefix, SequencedMap<String, LogFile> logs, Map<String, CommitPosition> commitPositions)
{
    public TableLogs
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        logs = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(logs));
        commitPositions = Map.copyOf(commitPositions);
    }

    public TableLogs(String tablePrefix, SequencedMap<String, LogFile> logs)
    {
        this(tablePrefix, logs, Map.of());
    }

    public TableLogs withCommitPositions(Map<String, CommitPosition> positions)
    {
        return new TableLogs(tablePrefix, logs, positions);
    }

    public boolean isEmpty()
    {
        return logs.isEmpty();
    }

    /**
     * The current snapshot: every log folded, with the commit positions of its alive parts.
     */
    public Snapshot fold()
    {
        Snapshot snapshot = SnapshotReader.fold(tablePrefix, List.copyOf(logs.entrySet()));
        return commitPositions.isEmpty() ? snapshot : snapshot.withCommitPositions(commitPositions);
    }

    /**
     * The greatest name timestamp of the logs, if any.
     */
    public Optional<Long> newestTimestamp()
    {
        return timestamps().max(Long::compare);
    }

    /**
     * The version of the oldest snapshot read at a time at or after {@code millis}: the greatest name timestamp below
     * it, or the oldest log's when none is below; empty when there are no logs.
     */
    public Optional<Long> oldestVersionFrom(long millis)
    {
        Optional<Long> newestBefore = timestamps().filter(timestamp -> timestamp < millis).max(Long::compare);
        return newestBefore.isPresent() ? newestBefore : timestamps().min(Long::compare);
    }

    private Stream<Long> timestamps()
    {
        return logs.keySet().stream()
                .map(key -> LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)).orElseThrow().timestampMillis());
    }

    /**
     * The timestamp of a log that sorts after every one of these logs: {@code nowMillis}, or just after the newest log
     * when a clock ahead of ours stamped it later.
     */
    public long nextTimestamp(long nowMillis)
    {
        return Math.max(nowMillis, newestTimestamp().map(newest -> newest + 1).orElse(nowMillis));
    }

    /**
     * The keys of every part any log names, alive or dead.
     */
    public Set<String> referencedParts()
    {
        Set<String> referenced = new HashSet<>();
        for (LogFile logFile : logs.values()) {
            for (FileMarker marker : logFile.fileMarkers()) {
                referenced.add(marker.path());
            }
        }
        return referenced;
    }

    public Map<String, LogFile> asMap()
    {
        return logs;
    }
}
