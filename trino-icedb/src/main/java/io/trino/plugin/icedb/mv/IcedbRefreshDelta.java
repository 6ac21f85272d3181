package io.trino.plugin.icedb.mv;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.Snapshot;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.table.TableLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;

/**
 * The rules of an incremental refresh, on the logs alone:
 * <ul>
 * <li>{@link #lastRefresh}: the storage table's newest refresh, found by walking its logs from the newest: a log with a
 * refresh record is the newest refresh; a merged log without one is the storage table's own maintenance (skipped); an
 * insert log without one (a refresh that crashed before its record) means the state is unknown.</li>
 * <li>{@link #newParts}: the parts the source gained since that refresh, when every source log the refresh did not
 * cover (its record lists every log it folded, so a log's timestamp does not matter) is an insert log or a merged log
 * of a {@code merge} or {@code cleanup} run (which moves rows without changing them), every log such a merged log
 * superseded is covered or still listed, the log the refresh ended with is still listed, and every gained part still
 * exists (a cleanup may have deleted a merged-away part). Anything else (DELETE, UPDATE, TRUNCATE, rollback, a Python
 * merge or cleanup, which no maintenance record describes) answers empty: the refresh is full.</li>
 * </ul>
 */
public final class IcedbRefreshDelta
{
    private static final Set<String> CONTENT_PRESERVING = Set.of("merge", "cleanup");

    private IcedbRefreshDelta() {}

    public record LastRefresh(String storageLogKey, IcedbRefreshRecord record) {}

    public static Optional<LastRefresh> lastRefresh(IcedbFileIo storageIo, String storagePrefix, List<String> storageLogKeys)
    {
        List<String> keys = storageLogKeys.stream().sorted().collect(toImmutableList()).reverse();
        for (String key : keys) {
            Optional<IcedbRefreshRecord> record = readRecord(storageIo, IcedbRefreshRecord.key(storagePrefix, key));
            if (record.isPresent()) {
                return Optional.of(new LastRefresh(key, record.get()));
            }
            if (!logName(key).map(LogFileName::merged).orElse(false)) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The parts the source gained since the refresh {@code last}: the parts of every source log the refresh did not
     * cover ({@link IcedbRefreshRecord#coveredLogs}, whatever the log's timestamp), or empty when a full refresh is needed.
     *
     * @param maintenanceRunOperation the operation of the maintenance run that committed a log, if one is recorded
     * @param exists whether a part's object exists
     */
    public static Optional<List<FileMarker>> newParts(TableLog sourceLog, Snapshot source, IcedbRefreshRecord last, Function<String, Optional<String>> maintenanceRunOperation, Predicate<String> exists)
    {
        List<String> keys = source.logFiles().stream().sorted().collect(toImmutableList());
        Set<String> listed = new HashSet<>(keys);
        Set<String> covered = Set.copyOf(last.coveredLogs());
        if (covered.isEmpty() || source.version() < last.sourceVersion() || !listed.contains(last.sourceLastLog())) {
            // a record that does not say which logs it covered (written before records did), an older source, or the log
            // the last refresh ended with is gone (the table was re-created, or a cleanup removed it): nothing tells
            // which rows the storage table holds
            return Optional.empty();
        }
        ImmutableList.Builder<FileMarker> parts = ImmutableList.builder();
        for (String key : keys) {
            if (covered.contains(key) || logName(key).isEmpty()) {
                // the last refresh read it
                continue;
            }
            LogFile log = sourceLog.readLog(key);
            if (logName(key).get().merged()) {
                if (!maintenanceRunOperation.apply(key).map(CONTENT_PRESERVING::contains).orElse(false)) {
                    return Optional.empty();
                }
                for (LogTombstone superseded : log.logTombstones()) {
                    if (!covered.contains(superseded.path()) && !listed.contains(superseded.path())) {
                        // a log the refresh has not read was cleaned up: its parts are gone
                        return Optional.empty();
                    }
                }
                continue;
            }
            if (log.fileMarkers().stream().anyMatch(marker -> !marker.isAlive())) {
                return Optional.empty();
            }
            parts.addAll(log.fileMarkers());
        }
        List<FileMarker> gained = parts.build();
        Set<String> alive = source.aliveFiles().stream().map(FileMarker::path).collect(toImmutableSet());
        for (FileMarker part : gained) {
            if (!alive.contains(part.path()) && !exists.test(part.path())) {
                return Optional.empty();
            }
        }
        return Optional.of(gained);
    }

    /**
     * The source logs {@code last} did not cover, in read order: empty when the storage table holds the source's
     * current rows.
     */
    public static List<String> uncoveredLogs(Snapshot source, IcedbRefreshRecord last)
    {
        Set<String> covered = Set.copyOf(last.coveredLogs());
        return source.logFiles().stream()
                .filter(key -> !covered.contains(key))
                .filter(key -> logName(key).isPresent())
                .sorted()
                .collect(toImmutableList());
    }

    private static Optional<LogFileName> logName(String key)
    {
        return LogFileName.parse(key.substring(key.lastIndexOf('/') + 1));
    }

    private static Optional<IcedbRefreshRecord> readRecord(IcedbFileIo io, String key)
    {
        try {
            return Optional.of(IcedbRefreshRecord.CODEC.fromJson(io.read(key)));
        }
        catch (NoSuchFileException _) {
            return Optional.empty();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Failed to read refresh record " + key, e);
        }
    }
}
