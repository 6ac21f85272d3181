package io.icedb.engine;

import io.icedb.engine.exceptions.NoSnapshotException;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static io.icedb.engine.JsonTree.array;
import static io.icedb.engine.JsonTree.number;
import static io.icedb.engine.JsonTree.object;
import static io.icedb.engine.JsonTree.optional;
import static io.icedb.engine.JsonTree.string;
import static io.icedb.engine.JsonTree.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every state recorded in the Python fixtures' expectations reads the same here: the current table, every time point
 * of the finished table, and every point of the pre-cleanup copies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestFixtureSnapshots
{
    private final Path fixtures = fixturesDirectory();
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    @AfterAll
    void tearDown()
    {
        executor.shutdownNow();
    }

    @TestFactory
    List<DynamicNode> testFixtureTables()
    {
        Map<String, Object> index = object(JsonTree.read(fixtures.resolve("_expectations/index.json")));
        String bucket = string(index, "bucket");
        Map<String, Object> scenarios = object(index, "scenarios");
        assertThat(scenarios).isNotEmpty();
        List<DynamicNode> tables = new ArrayList<>();
        for (Map.Entry<String, Object> scenario : scenarios.entrySet()) {
            String table = scenario.getKey();
            String prefix = string(object(scenario.getValue()), "prefix");
            Map<String, Object> expectation = object(JsonTree.read(fixtures.resolve("_expectations/" + table + ".json")));
            tables.add(dynamicContainer(table, tableTests(bucket, prefix, expectation)));
        }
        return tables;
    }

    private List<DynamicNode> tableTests(String bucket, String prefix, Map<String, Object> expectation)
    {
        List<DynamicNode> tests = new ArrayList<>();
        SnapshotReader reader = reader(bucket);
        tests.add(dynamicTest("now", () -> {
            Snapshot snapshot = assertState(reader, prefix, SnapshotTime.latest(), object(expectation, "now")).orElseThrow();
            // the current parts are all in the bucket
            for (FileMarker marker : snapshot.aliveFiles()) {
                assertThat(fixtures.resolve(bucket).resolve(marker.path())).isRegularFile().hasSize(marker.bytes());
            }
        }));
        for (Object point : array(expectation, "points")) {
            Map<String, Object> pointObject = object(point);
            long time = number(pointObject, "t_ms");
            Map<String, Object> state = object(pointObject, "final");
            tests.add(dynamicTest("final " + string(pointObject, "name"), () -> assertState(reader, prefix, SnapshotTime.asOfTimestamp(time), state)));
        }
        for (Object snapshot : array(expectation, "snapshots")) {
            Map<String, Object> snapshotObject = object(snapshot);
            SnapshotReader snapshotReader = reader(string(snapshotObject, "bucket"));
            String snapshotPrefix = string(snapshotObject, "prefix");
            List<DynamicNode> points = new ArrayList<>();
            for (Object point : array(snapshotObject, "points")) {
                Map<String, Object> pointObject = object(point);
                long time = number(pointObject, "t_ms");
                Map<String, Object> state = object(pointObject, "state");
                points.add(dynamicTest(string(pointObject, "name"), () -> assertState(snapshotReader, snapshotPrefix, SnapshotTime.asOfTimestamp(time), state)));
            }
            tests.add(dynamicContainer("snapshot " + string(snapshotObject, "label"), points));
        }
        tests.add(dynamicTest("before the first log", () -> assertNoDataBeforeFirstLog(reader, bucket, prefix)));
        return tests;
    }

    @Test
    void testEveryFixtureTableHasExpectations()
    {
        // guards the factory above against silently testing nothing
        Map<String, Object> scenarios = object(object(JsonTree.read(fixtures.resolve("_expectations/index.json"))), "scenarios");
        assertThat(scenarios.keySet()).contains("readme", "many_inserts_merge_cleanup", "types", "schema_evolution", "custom_merge");
        for (String table : scenarios.keySet()) {
            assertThat(fixtures.resolve("_expectations/" + table + ".json")).isRegularFile();
        }
    }

    private SnapshotReader reader(String bucket)
    {
        Path root = fixtures.resolve(bucket);
        assertThat(root).isDirectory();
        return new SnapshotReader(new LocalFileIo(root), new LogFileCache(), executor, 4);
    }

    private static Optional<Snapshot> assertState(SnapshotReader reader, String prefix, SnapshotTime time, Map<String, Object> state)
    {
        Optional<Object> error = optional(state, "error");
        if (error.isPresent()) {
            assertThat(string(object(error.get()), "type")).isEqualTo("NoLogFilesException");
            assertThatThrownBy(() -> reader.read(prefix, time))
                    .isInstanceOf(NoSnapshotException.class)
                    .hasMessageContaining("'" + prefix + "'")
                    .hasMessageContaining("no data at");
            return Optional.empty();
        }
        Snapshot snapshot = reader.read(prefix, time);

        Map<String, Object> expectedSchema = object(state, "schema");
        assertThat(List.copyOf(snapshot.schema().columns().sequencedEntrySet()))
                .isEqualTo(expectedSchema.entrySet().stream().map(entry -> Map.entry(entry.getKey(), (String) entry.getValue())).toList());

        List<String> alivePaths = snapshot.aliveFiles().stream().map(FileMarker::path).toList();
        assertThat(alivePaths).isEqualTo(strings(state, "alive_files"));

        if (state.containsKey("log_files")) {
            assertThat(snapshot.logFiles()).isEqualTo(strings(state, "log_files"));
        }
        if (state.containsKey("tombstoned_markers")) {
            assertThat(snapshot.deadFiles()).hasSize((int) number(state, "tombstoned_markers"));
        }
        if (state.containsKey("file_markers")) {
            assertThat(snapshot.aliveFiles().size() + snapshot.deadFiles().size()).isEqualTo(number(state, "file_markers"));
        }
        if (state.containsKey("log_tombstones")) {
            assertThat(snapshot.logTombstones()).hasSize((int) number(state, "log_tombstones"));
        }
        assertThat(snapshot.addedBy().keySet()).containsExactlyInAnyOrderElementsOf(alivePaths);
        // FOR VERSION AS OF the snapshot's version reads the same snapshot
        assertThat(reader.read(prefix, SnapshotTime.asOfVersion(snapshot.version()))).isEqualTo(snapshot);
        assertThat(time.includes(snapshot.version())).isTrue();
        return Optional.of(snapshot);
    }

    private void assertNoDataBeforeFirstLog(SnapshotReader reader, String bucket, String prefix)
            throws Exception
    {
        long first;
        try (Stream<Path> logs = Files.list(fixtures.resolve(bucket).resolve(prefix).resolve("_log"))) {
            first = logs.map(log -> LogFileName.parse(log.getFileName().toString()).orElseThrow().timestampMillis())
                    .min(Long::compare)
                    .orElseThrow();
        }
        assertThatThrownBy(() -> reader.read(prefix, SnapshotTime.asOfTimestamp(first)))
                .isInstanceOf(NoSnapshotException.class)
                .hasMessageContaining("Table '%s' has no data at".formatted(prefix))
                .hasMessageContaining("first log file " + prefix + "/_log/");
        assertThat(reader.read(prefix, SnapshotTime.asOfVersion(first)).logFiles()).isNotEmpty();
    }

    static Path fixturesDirectory()
    {
        String property = System.getProperty("icedb.fixtures.dir");
        Path directory = property == null ? Path.of("../../shared/fixtures/python-icedb") : Path.of(property);
        return directory.toAbsolutePath().normalize();
    }
}
