package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Folds sets of logs the way the reader does (spec §3) to check what a plan does to every snapshot.
 */
final class CommitTesting
{
    private CommitTesting() {}

    /**
     * What a query sees: the schema and the alive parts.
     */
    record State(Schema schema, List<FileMarker> aliveFiles) {}

    static Path fixturesDirectory()
    {
        String property = System.getProperty("icedb.fixtures.dir");
        Path directory = property == null ? Path.of("../../shared/fixtures/python-icedb") : Path.of(property);
        assertThat(directory).isDirectory();
        return directory;
    }

    /**
     * The parsed logs of a fixture log directory, by key relative to the bucket directory {@code bucket}.
     */
    static TreeMap<String, LogFile> readLogs(Path bucket, String tablePrefix)
    {
        TreeMap<String, LogFile> logs = new TreeMap<>(SnapshotReader.KEY_ORDER);
        try (Stream<Path> files = Files.list(bucket.resolve(tablePrefix).resolve("_log"))) {
            for (Path file : files.sorted().toList()) {
                String key = tablePrefix + "/_log/" + file.getFileName();
                logs.put(key, LogFileParser.parse(key, Files.readAllBytes(file)));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return logs;
    }

    static long timestampOf(String key)
    {
        return LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)).orElseThrow().timestampMillis();
    }

    /**
     * The snapshot of {@code logs} as of {@code T} (logs with timestamp {@code < T}); empty when no log qualifies.
     */
    static Optional<Snapshot> snapshotAt(String tablePrefix, Map<String, LogFile> logs, long exclusiveUpperBound)
    {
        List<Map.Entry<String, LogFile>> selected = new ArrayList<>();
        logs.entrySet().stream()
                .filter(entry -> timestampOf(entry.getKey()) < exclusiveUpperBound)
                .sorted(Map.Entry.comparingByKey(SnapshotReader.KEY_ORDER))
                .forEach(selected::add);
        if (selected.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SnapshotReader.fold(tablePrefix, selected));
    }

    static Optional<State> stateAt(String tablePrefix, Map<String, LogFile> logs, long exclusiveUpperBound)
    {
        return snapshotAt(tablePrefix, logs, exclusiveUpperBound).map(snapshot -> new State(snapshot.schema(), snapshot.aliveFiles()));
    }

    static Snapshot latest(String tablePrefix, Map<String, LogFile> logs)
    {
        return snapshotAt(tablePrefix, logs, Long.MAX_VALUE).orElseThrow();
    }

    static List<String> alivePaths(Snapshot snapshot)
    {
        return snapshot.aliveFiles().stream().map(FileMarker::path).sorted().toList();
    }

    /**
     * The encoded log parses back to the same content.
     */
    static void assertRoundTrips(PlannedLog log)
    {
        byte[] bytes = LogFileParser.write(log.content());
        assertThat(LogFileParser.parse(log.key(), bytes)).isEqualTo(log.content());
        assertThat(LogFileParser.write(LogFileParser.parse(log.key(), bytes))).isEqualTo(bytes);
        assertThat(log.key()).endsWith("/_log/" + log.name().fileName());
        assertThat(LogFileName.parse(log.name().fileName())).contains(log.name());
    }

    /**
     * The logs after applying a cleanup plan: the folded log added, the folded logs removed.
     */
    static TreeMap<String, LogFile> apply(Map<String, LogFile> logs, CleanupPlan plan, boolean deleteLogs)
    {
        TreeMap<String, LogFile> after = new TreeMap<>(SnapshotReader.KEY_ORDER);
        after.putAll(logs);
        plan.logToCreate().ifPresent(log -> {
            assertThat(after).doesNotContainKey(log.key());
            after.put(log.key(), log.content());
        });
        if (deleteLogs) {
            plan.logsToDelete().forEach(after::remove);
        }
        return after;
    }

    /**
     * Every moment worth checking from {@code from} on: each log timestamp and its neighbours, and "everything".
     */
    static List<Long> momentsFrom(long from, Map<String, LogFile> logs)
    {
        List<Long> moments = new ArrayList<>();
        moments.add(from);
        moments.add(Long.MAX_VALUE);
        for (String key : logs.keySet()) {
            long timestamp = timestampOf(key);
            for (long moment = timestamp - 1; moment <= timestamp + 1; moment++) {
                if (moment >= from) {
                    moments.add(moment);
                }
            }
        }
        return moments.stream().distinct().sorted(Comparator.naturalOrder()).toList();
    }
}
