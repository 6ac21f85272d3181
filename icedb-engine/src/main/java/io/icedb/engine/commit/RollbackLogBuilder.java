package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.exceptions.CommitConflictException;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The merged log that returns a table to an earlier version (Iceberg's {@code rollback_to_snapshot}): folded on top
 * of the current snapshot, its live parts are exactly those of the target version. Parts added since are tombstoned;
 * parts removed since (by a merge) are listed alive again.
 *
 * <p>Like {@link MergedLogBuilder} the new log is a safe superset of its source logs (every log with a marker for a
 * changed path): it lists every path they list with its current state (changed paths with their new one), carries
 * their log tombstones and tombstones them, so a later cleanup that deletes them cannot lose or resurrect a part.
 * The schema is the current one: schemas only grow, and older parts read the newer columns as NULL. The log sorts
 * after every existing log, so every earlier version still reads as before.
 */
public final class RollbackLogBuilder
{
    private RollbackLogBuilder() {}

    /**
     * @param log the merged log to commit
     * @param sourceLogs keys of the logs it supersedes, in read order
     * @param removedParts parts alive now and not at the target version (they get a tombstone)
     * @param restoredParts parts alive at the target version and not now (they become alive again), sorted by path
     */
    public record RollbackLog(PlannedLog log, List<String> sourceLogs, List<FileMarker> removedParts, List<FileMarker> restoredParts)
    {
        public RollbackLog
        {
            requireNonNull(log, "log is null");
            sourceLogs = List.copyOf(sourceLogs);
            removedParts = List.copyOf(removedParts);
            restoredParts = List.copyOf(restoredParts);
        }
    }

    /**
     * The parts alive at {@code target} that are not alive in {@code current}, sorted by path: what a rollback
     * must find still stored.
     */
    public static List<FileMarker> restoredParts(Snapshot current, Snapshot target)
    {
        Set<String> alive = new HashSet<>();
        current.aliveFiles().forEach(marker -> alive.add(marker.path()));
        return target.aliveFiles().stream()
                .filter(marker -> !alive.contains(marker.path()))
                .toList();
    }

    /**
     * @param current the table now, every log folded, read under the maintenance lease
     * @param target the table as of the version to return to
     * @param snapshotLogs the parsed logs of {@code current}, by key: at least every key of {@link Snapshot#logFiles()}
     * @param nowMillis the log's timestamp and the tombstone time; its key must sort after every log of {@code current}
     * @return empty when the live parts are already those of the target
     * @throws CommitConflictException when the new log would not sort after every log (clock behind)
     */
    public static Optional<RollbackLog> build(Snapshot current, Snapshot target, Map<String, LogFile> snapshotLogs, String host, long nowMillis)
    {
        requireNonNull(current, "current is null");
        requireNonNull(target, "target is null");
        requireNonNull(snapshotLogs, "snapshotLogs is null");
        String table = current.tablePrefix();

        Map<String, FileMarker> currentState = new HashMap<>();
        current.deadFiles().forEach(marker -> currentState.put(marker.path(), marker));
        current.aliveFiles().forEach(marker -> currentState.put(marker.path(), marker));
        Set<String> targetAlive = new HashSet<>();
        target.aliveFiles().forEach(marker -> targetAlive.add(marker.path()));

        Map<String, FileMarker> changed = new TreeMap<>();
        List<FileMarker> removed = new ArrayList<>();
        for (FileMarker marker : current.aliveFiles()) {
            if (!targetAlive.contains(marker.path())) {
                FileMarker dead = marker.withTombstone(nowMillis);
                removed.add(dead);
                changed.put(marker.path(), dead);
            }
        }
        List<FileMarker> restored = restoredParts(current, target);
        restored.forEach(marker -> changed.put(marker.path(), FileMarker.alive(marker.path(), marker.bytes(), marker.createdMillis())));
        if (changed.isEmpty()) {
            return Optional.empty();
        }

        LogFileName name = LogNames.logName(nowMillis, true, host);
        String key = name.key(table);
        List<String> sources = new ArrayList<>();
        for (String logKey : current.logFiles()) {
            LogFile log = snapshotLogs.get(logKey);
            if (log == null) {
                throw new IllegalArgumentException("Log %s of table '%s' was not given".formatted(logKey, table));
            }
            if (SnapshotReader.KEY_ORDER.compare(logKey, key) >= 0) {
                throw new CommitConflictException("Rollback log %s of table '%s' would not sort after the existing log %s".formatted(key, table, logKey));
            }
            if (log.fileMarkers().stream().anyMatch(marker -> changed.containsKey(marker.path()))) {
                sources.add(logKey);
            }
        }

        SupersedingLog rollback = new SupersedingLog(sources, snapshotLogs, marker -> changed.getOrDefault(marker.path(), currentState.get(marker.path())), nowMillis);
        // a restored part no current log lists any more (a cleanup outside ours dropped its marker)
        changed.values().forEach(rollback::putIfAbsent);

        LogFile log = new LogFile(nowMillis, current.schema(), rollback.logTombstones(), rollback.markers());
        return Optional.of(new RollbackLog(new PlannedLog(key, name, log), sources, removed, restored));
    }
}
