package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.TableOwnership;
import io.icedb.engine.spec.TablePaths;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Plans a tombstone cleanup (spec §5) that keeps every snapshot inside the retention window unchanged.
 *
 * <p>Let {@code W = now - retention} be the window start. The folded log {@code F} is stamped {@code f}: the greatest
 * millisecond below {@code W} that no existing log uses, so {@code F}'s key sorts after every log with a timestamp below
 * {@code f} (the <em>folded</em> logs, which the cleanup deletes) and before every other log (kept as they are), with no
 * same-millisecond tie to break. {@code F} holds the fold of the folded logs: their union schema (same columns, same
 * order) and, for every path, the winning marker, except dead parts that died before {@code f} and that no kept log lists
 * alive: those markers are dropped and their files deleted. A snapshot at {@code T >= W} folds {@code F} then the kept
 * logs below {@code T}, where it used to fold the folded logs then the same kept logs; {@code F} equals the folded
 * logs' fold up to dropped dead markers, so the schema and the alive parts are the same. The same holds while both
 * {@code F} and the folded logs exist ({@code F} sorts after them and repeats their winning markers), so deleting
 * only after creating {@code F} never shows a reader another state, and a reader of all logs (Python's, last wins) sees
 * the current state unchanged. Python stamps its folded log "now" instead, which hides every earlier moment.
 *
 * <p>{@code F} is a merged log with one log tombstone per folded log, so Python's own cleanup, which deletes the logs
 * named by log tombstones and the files of dead markers, agrees with it. A second cleanup at the same time finds no log
 * below its stamp and does nothing; a later one re-folds {@code F} with the logs that have aged out since.
 */
public final class CleanupPlanner
{
    private CleanupPlanner() {}

    /**
     * @param allLogs every log of the table (the full listing of {@code P/_log/}), parsed, by key; keys whose name is
     * not a log name are ignored, as the reader does
     * @param host the writer id for the folded log's name
     */
    public static CleanupPlan plan(String tablePrefix, Map<String, LogFile> allLogs, long nowMillis, long retentionMillis, String host)
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        requireNonNull(allLogs, "allLogs is null");
        LogNames.checkHost(host);
        if (retentionMillis < 0) {
            throw new IllegalArgumentException("Retention must not be negative: " + retentionMillis);
        }
        long windowStart = nowMillis - retentionMillis;

        String logPrefix = TablePaths.logPrefix(tablePrefix);
        List<String> keys = new ArrayList<>();
        Set<Long> timestamps = new HashSet<>();
        Map<String, Long> timestampOf = new HashMap<>();
        for (String key : allLogs.keySet()) {
            if (!key.startsWith(logPrefix)) {
                throw new IllegalArgumentException("Object %s is not a log of table '%s'".formatted(key, tablePrefix));
            }
            Optional<LogFileName> name = LogFileName.parse(key.substring(key.lastIndexOf('/') + 1));
            if (name.isEmpty()) {
                continue;
            }
            keys.add(key);
            timestamps.add(name.get().timestampMillis());
            timestampOf.put(key, name.get().timestampMillis());
        }
        keys.sort(SnapshotReader.KEY_ORDER);

        long stamp = windowStart - 1;
        while (timestamps.contains(stamp)) {
            stamp--;
        }
        if (stamp < 0) {
            return CleanupPlan.nothingToDo(windowStart);
        }
        LogFileName foldedName = LogNames.logName(stamp, true, host);
        String foldedKey = foldedName.key(tablePrefix);

        List<Map.Entry<String, LogFile>> folded = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String key : keys) {
            boolean old = timestampOf.get(key) < stamp;
            if (old != (SnapshotReader.KEY_ORDER.compare(key, foldedKey) < 0)) {
                // only with timestamps of unusual length (spec §1 says 13 digits), where string order is not time order
                throw new IllegalArgumentException("Log %s of table '%s' does not sort by its timestamp against %s".formatted(key, tablePrefix, foldedKey));
            }
            if (old) {
                folded.add(Map.entry(key, allLogs.get(key)));
            }
            else {
                kept.add(key);
            }
        }
        if (folded.isEmpty()) {
            return CleanupPlan.nothingToDo(windowStart);
        }

        Set<String> aliveLater = new HashSet<>();
        for (String key : kept) {
            for (FileMarker marker : allLogs.get(key).fileMarkers()) {
                if (marker.isAlive()) {
                    aliveLater.add(marker.path());
                }
            }
        }

        Snapshot before = SnapshotReader.fold(tablePrefix, folded);
        List<FileMarker> markers = new ArrayList<>(before.aliveFiles());
        List<String> dataPartsToDelete = new ArrayList<>();
        List<String> foreignPartsKept = new ArrayList<>();
        TableOwnership ownership = TableOwnership.of(tablePrefix);
        for (FileMarker dead : before.deadFiles()) {
            boolean expired = dead.tombstonedMillis().getAsLong() < stamp && !aliveLater.contains(dead.path());
            if (expired && ownership.ownsPart(dead.path())) {
                dataPartsToDelete.add(dead.path());
            }
            else {
                if (expired) {
                    // a part outside P/_data/ (a copied Python table names its original's parts): never ours to delete
                    foreignPartsKept.add(dead.path());
                }
                markers.add(dead);
            }
        }
        if (dataPartsToDelete.isEmpty() && folded.size() == 1) {
            if (!foreignPartsKept.isEmpty()) {
                return new CleanupPlan(windowStart, Optional.empty(), List.of(), List.of(), foreignPartsKept);
            }
            // folding one log into one log gains nothing
            return CleanupPlan.nothingToDo(windowStart);
        }
        markers.sort(Comparator.comparing(FileMarker::path, SnapshotReader.KEY_ORDER));

        List<String> logsToDelete = folded.stream().map(Map.Entry::getKey).toList();
        List<LogTombstone> logTombstones = logsToDelete.stream()
                .map(key -> new LogTombstone(key, nowMillis))
                .toList();
        LogFile foldedLog = new LogFile(stamp, before.schema(), logTombstones, markers);
        return new CleanupPlan(windowStart, Optional.of(new PlannedLog(foldedKey, foldedName, foldedLog)), dataPartsToDelete, logsToDelete, foreignPartsKept);
    }
}
