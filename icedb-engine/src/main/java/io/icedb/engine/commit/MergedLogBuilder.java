package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.exceptions.CommitConflictException;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The merged log ({@code {ts}_m_{host}.jsonl}) that replaces some alive parts by new ones (spec §5): used by merge
 * (many small parts to one), partition removal (no new parts) and partition rewrite.
 *
 * <p>Source logs: every log of the snapshot that has a marker, alive or dead, for a replaced path. All of them get a log
 * tombstone, so a cleanup (ours or Python's, which deletes the logs named by log tombstones and the files of dead
 * markers) removes them together: no surviving log can still list a replaced part alive once its file is gone.
 *
 * <p>The new log is a safe superset of its source logs: it lists every path that any source log lists, but with the
 * state the <em>current snapshot</em> has for that path (the winning marker, dead ones keeping their original
 * {@code tmb}), never the raw marker of the source log. Copying raw markers (as Python does) can resurrect a part that a
 * later log killed, because the new log sorts last and wins. Carrying every path of every source log means that deleting
 * the source logs later cannot lose an alive part they list; replaced paths get {@code tmb} = now, the new parts are
 * appended alive. So folding the new log on top of the snapshot changes exactly the replaced and the new paths.
 * Every log tombstone of the source logs is carried (one line per path, its earliest time) and each source log not yet
 * tombstoned gets one at now; by induction every tombstoned log's markers stay listed by a live merged log.
 * The schema is the snapshot's union schema plus the new parts' columns.
 */
public final class MergedLogBuilder
{
    private MergedLogBuilder() {}

    /**
     * The merged log and the logs it supersedes.
     *
     * @param sourceLogs keys of the source logs, in read order
     */
    public record MergedLog(PlannedLog log, List<String> sourceLogs)
    {
        public MergedLog
        {
            requireNonNull(log, "log is null");
            sourceLogs = List.copyOf(sourceLogs);
        }
    }

    /**
     * @param snapshot the table as of now, read under the maintenance lease
     * @param snapshotLogs the parsed logs of the snapshot, by key: at least every key of {@link Snapshot#logFiles()}
     * @param replacedPaths alive parts to tombstone (at least one)
     * @param newParts the parts replacing them, already written (none for a partition removal)
     * @param newPartsSchema the columns of the new parts (the snapshot's schema when they add none)
     * @param nowMillis the merged log's timestamp and the tombstone time; its key must sort after every log of the snapshot
     * @throws CommitConflictException when the new log would not sort after every log of the snapshot (clock behind)
     */
    public static MergedLog build(
            Snapshot snapshot,
            Map<String, LogFile> snapshotLogs,
            Set<String> replacedPaths,
            List<FileMarker> newParts,
            Schema newPartsSchema,
            String host,
            long nowMillis)
    {
        requireNonNull(snapshot, "snapshot is null");
        requireNonNull(snapshotLogs, "snapshotLogs is null");
        requireNonNull(replacedPaths, "replacedPaths is null");
        requireNonNull(newParts, "newParts is null");
        requireNonNull(newPartsSchema, "newPartsSchema is null");
        String table = snapshot.tablePrefix();

        Map<String, FileMarker> current = new HashMap<>();
        snapshot.aliveFiles().forEach(marker -> current.put(marker.path(), marker));
        snapshot.deadFiles().forEach(marker -> current.put(marker.path(), marker));
        if (replacedPaths.isEmpty()) {
            throw new IllegalArgumentException("Nothing to replace in table '%s'".formatted(table));
        }
        for (String path : replacedPaths) {
            FileMarker marker = current.get(path);
            if (marker == null || !marker.isAlive()) {
                throw new IllegalArgumentException("Part %s is not alive in table '%s'".formatted(path, table));
            }
        }
        Set<String> newPaths = new HashSet<>();
        for (FileMarker part : newParts) {
            if (!part.isAlive()) {
                throw new IllegalArgumentException("New part %s of table '%s' must not carry a tombstone".formatted(part.path(), table));
            }
            if (current.containsKey(part.path()) || !newPaths.add(part.path())) {
                throw new IllegalArgumentException("New part %s is already listed in table '%s'".formatted(part.path(), table));
            }
        }

        LogFileName name = LogNames.logName(nowMillis, true, host);
        String key = name.key(table);
        for (String logKey : snapshot.logFiles()) {
            if (!snapshotLogs.containsKey(logKey)) {
                throw new IllegalArgumentException("Log %s of table '%s' was not given".formatted(logKey, table));
            }
            if (SnapshotReader.KEY_ORDER.compare(logKey, key) >= 0) {
                throw new CommitConflictException("Merged log %s of table '%s' would not sort after the existing log %s".formatted(key, table, logKey));
            }
        }

        List<String> sources = new ArrayList<>();
        for (String logKey : snapshot.logFiles()) {
            LogFile log = snapshotLogs.get(logKey);
            if (log.fileMarkers().stream().anyMatch(marker -> replacedPaths.contains(marker.path()))) {
                sources.add(logKey);
            }
        }

        SupersedingLog merged = new SupersedingLog(sources, snapshotLogs, marker -> {
            FileMarker state = current.get(marker.path());
            return replacedPaths.contains(marker.path()) ? state.withTombstone(nowMillis) : state;
        }, nowMillis);
        newParts.forEach(merged::put);

        Schema schema = snapshot.schema().union(newPartsSchema, key);
        LogFile log = new LogFile(nowMillis, schema, merged.logTombstones(), merged.markers());
        return new MergedLog(new PlannedLog(key, name, log), sources);
    }
}
