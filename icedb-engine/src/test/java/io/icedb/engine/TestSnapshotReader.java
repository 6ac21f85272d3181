package io.icedb.engine;

import io.icedb.engine.exceptions.InvalidLogException;
import io.icedb.engine.exceptions.NoSnapshotException;
import io.icedb.engine.exceptions.SchemaConflictException;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.io.DelegatingFileIo;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestSnapshotReader
{
    private static final String TABLE = "db/events";
    private static final Schema BIGINT_A = new Schema(Map.of("a", "BIGINT"));

    @TempDir
    Path root;

    @Test
    void testTimestampIsStrictAndVersionInclusive()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        writeLog(fileIo, "1700000001000_h.jsonl", log(1700000001000L, BIGINT_A, alive("p1")));
        writeLog(fileIo, "1700000002000_h.jsonl", log(1700000002000L, BIGINT_A, alive("p2")));
        writeLog(fileIo, "1700000003000_h.jsonl", log(1700000003000L, BIGINT_A, alive("p3")));
        SnapshotReader reader = sequentialReader(fileIo);

        assertThat(alivePaths(reader.read(TABLE, SnapshotTime.asOfTimestamp(1700000002000L)))).containsExactly(data("p1"));
        assertThat(alivePaths(reader.read(TABLE, SnapshotTime.asOfTimestamp(1700000002001L)))).containsExactly(data("p1"), data("p2"));
        assertThat(alivePaths(reader.read(TABLE, SnapshotTime.asOfVersion(1700000002000L)))).containsExactly(data("p1"), data("p2"));
        assertThat(alivePaths(reader.read(TABLE, SnapshotTime.asOfVersion(1700000001999L)))).containsExactly(data("p1"));

        Snapshot latest = reader.read(TABLE, SnapshotTime.latest());
        assertThat(alivePaths(latest)).containsExactly(data("p1"), data("p2"), data("p3"));
        assertThat(latest.version()).isEqualTo(1700000003000L);
        assertThat(latest.logFiles()).containsExactly(logKey("1700000001000_h.jsonl"), logKey("1700000002000_h.jsonl"), logKey("1700000003000_h.jsonl"));
        assertThat(reader.read(TABLE, SnapshotTime.asOfVersion(latest.version()))).isEqualTo(latest);
        assertThat(reader.read(TABLE, SnapshotTime.asOfVersion(1700000002000L)).version()).isEqualTo(1700000002000L);

        assertThatThrownBy(() -> reader.read(TABLE, SnapshotTime.asOfTimestamp(1700000001000L)))
                .isInstanceOf(NoSnapshotException.class)
                .hasMessageContaining("Table 'db/events' has no data at 2023-11-14T22:13:21Z")
                .hasMessageContaining("first log file db/events/_log/1700000001000_h.jsonl is at 2023-11-14T22:13:21Z");
    }

    @Test
    void testNoLogFiles()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        SnapshotReader reader = sequentialReader(fileIo);
        assertThatThrownBy(() -> reader.read(TABLE, SnapshotTime.latest()))
                .isInstanceOf(NoSnapshotException.class)
                .hasMessageContaining("Table 'db/events' has no log files under db/events/_log/");
        // a table whose prefix is only the beginning of another's is not that table
        writeLog(fileIo, "1700000001000_h.jsonl", log(1700000001000L, BIGINT_A, alive("p1")));
        assertThatThrownBy(() -> reader.read("db/event", SnapshotTime.latest()))
                .isInstanceOf(NoSnapshotException.class)
                .hasMessageContaining("'db/event'");
    }

    @Test
    void testTableAtTheRootOfTheBucket()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        fileIo.createExclusive("_log/1700000001000_h.jsonl", LogFileParser.write(log(1700000001000L, BIGINT_A, FileMarker.alive("_data/x.parquet", 10, 1))));
        Snapshot snapshot = sequentialReader(fileIo).read("", SnapshotTime.latest());
        assertThat(snapshot.logFiles()).containsExactly("_log/1700000001000_h.jsonl");
        assertThat(alivePaths(snapshot)).containsExactly("_data/x.parquet");
    }

    @Test
    void testLastMarkerWinsAliveDeadAlive()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        writeLog(fileIo, "1700000001000_h.jsonl", log(1700000001000L, BIGINT_A, alive("p1"), alive("keep")));
        writeLog(fileIo, "1700000002000_m_h.jsonl", new LogFile(1700000002000L, BIGINT_A,
                List.of(new LogTombstone(logKey("1700000001000_h.jsonl"), 1700000002000L)),
                List.of(alive("p1").withTombstone(1700000002000L), alive("keep"))));
        writeLog(fileIo, "1700000003000_h.jsonl", log(1700000003000L, BIGINT_A, new FileMarker(data("p1"), 77, 1700000003000L, OptionalLong.empty())));
        SnapshotReader reader = sequentialReader(fileIo);

        Snapshot dead = reader.read(TABLE, SnapshotTime.asOfVersion(1700000002000L));
        assertThat(alivePaths(dead)).containsExactly(data("keep"));
        assertThat(dead.deadFiles()).containsExactly(alive("p1").withTombstone(1700000002000L));
        assertThat(dead.logTombstones()).containsExactly(new LogTombstone(logKey("1700000001000_h.jsonl"), 1700000002000L));

        Snapshot aliveAgain = reader.read(TABLE, SnapshotTime.latest());
        assertThat(aliveAgain.aliveFiles()).containsExactly(alive("keep"), new FileMarker(data("p1"), 77, 1700000003000L, OptionalLong.empty()));
        assertThat(aliveAgain.deadFiles()).isEmpty();
        assertThat(aliveAgain.addedBy()).isEqualTo(Map.of(
                data("p1"), logKey("1700000001000_h.jsonl"),
                data("keep"), logKey("1700000001000_h.jsonl")));
    }

    @Test
    void testLogsFoldInPlainStringOrderOfTheirKeys()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        // same millisecond: "_b" sorts after "_a" (and after "_m_a"), whatever the listing order
        writeLog(fileIo, "1700000001000_b.jsonl", log(1700000001000L, BIGINT_A, alive("p")));
        writeLog(fileIo, "1700000001000_m_a.jsonl", log(1700000001000L, BIGINT_A, alive("p").withTombstone(5)));
        writeLog(fileIo, "1700000001000_a.jsonl", log(1700000001000L, BIGINT_A, alive("q").withTombstone(5)));
        writeLog(fileIo, "1700000001000_c.jsonl", log(1700000001000L, BIGINT_A, alive("q")));
        Snapshot snapshot = sequentialReader(fileIo).read(TABLE, SnapshotTime.latest());
        assertThat(snapshot.logFiles()).containsExactly(
                logKey("1700000001000_a.jsonl"),
                logKey("1700000001000_b.jsonl"),
                logKey("1700000001000_c.jsonl"),
                logKey("1700000001000_m_a.jsonl"));
        assertThat(alivePaths(snapshot)).containsExactly(data("q"));
        assertThat(snapshot.deadFiles()).extracting(FileMarker::path).containsExactly(data("p"));
    }

    @Test
    void testSchemaUnionAndConflict()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        writeLog(fileIo, "1700000001000_h.jsonl", log(1700000001000L, new Schema(ordered("a", "BIGINT", "b", "VARCHAR")), alive("p1")));
        writeLog(fileIo, "1700000002000_h.jsonl", log(1700000002000L, new Schema(ordered("c", "STRUCT(x DOUBLE)", "a", "BIGINT")), alive("p2")));
        writeLog(fileIo, "1700000003000_h.jsonl", log(1700000003000L, new Schema(ordered("b", "VARCHAR")), alive("p3")));
        SnapshotReader reader = sequentialReader(fileIo);
        assertThat(List.copyOf(reader.read(TABLE, SnapshotTime.latest()).schema().columns().sequencedEntrySet()))
                .containsExactly(Map.entry("a", "BIGINT"), Map.entry("b", "VARCHAR"), Map.entry("c", "STRUCT(x DOUBLE)"));

        writeLog(fileIo, "1700000004000_h.jsonl", log(1700000004000L, new Schema(ordered("d", "DATE", "b", "BIGINT")), alive("p4")));
        assertThatThrownBy(() -> reader.read(TABLE, SnapshotTime.latest()))
                .isInstanceOfSatisfying(SchemaConflictException.class, conflict -> {
                    assertThat(conflict.column()).isEqualTo("b");
                    assertThat(conflict.existingType()).isEqualTo("VARCHAR");
                    assertThat(conflict.conflictingType()).isEqualTo("BIGINT");
                    assertThat(conflict.logKey()).isEqualTo(logKey("1700000004000_h.jsonl"));
                })
                .hasMessageContaining("'b'")
                .hasMessageContaining("VARCHAR")
                .hasMessageContaining("BIGINT")
                .hasMessageContaining(logKey("1700000004000_h.jsonl"));
        // time travel to before the conflicting log still works
        assertThat(reader.read(TABLE, SnapshotTime.asOfVersion(1700000003000L)).schema().columns()).containsOnlyKeys("a", "b", "c");
    }

    @Test
    void testLogVanishingBetweenListingAndReadingRelists()
            throws Exception
    {
        LocalFileIo local = new LocalFileIo(root);
        writeLog(local, "1700000001000_h.jsonl", log(1700000001000L, BIGINT_A, alive("p1"), alive("p2")));
        writeLog(local, "1700000002000_h.jsonl", log(1700000002000L, BIGINT_A, alive("p3")));
        // after the reader's first listing, a cleanup replaces the first log with a merged one, then deletes it
        CleanupAfterFirstListing fileIo = new CleanupAfterFirstListing(local, () -> {
            writeLog(local, "1700000003000_m_h.jsonl", new LogFile(1700000003000L, BIGINT_A, List.of(),
                    List.of(alive("p1").withTombstone(1700000003000L), alive("p2").withTombstone(1700000003000L), alive("p12"))));
            local.delete(logKey("1700000001000_h.jsonl"));
        });
        LogFileCache cache = new LogFileCache();
        try (ExecutorService executor = Executors.newFixedThreadPool(4)) {
            Snapshot snapshot = new SnapshotReader(fileIo, cache, executor, 4).read(TABLE, SnapshotTime.latest());
            assertThat(fileIo.listings.get()).isEqualTo(2);
            assertThat(snapshot.logFiles()).containsExactly(logKey("1700000002000_h.jsonl"), logKey("1700000003000_m_h.jsonl"));
            assertThat(alivePaths(snapshot)).containsExactly(data("p12"), data("p3"));
            assertThat(snapshot.deadFiles()).extracting(FileMarker::path).containsExactly(data("p1"), data("p2"));
        }
    }

    @Test
    void testLogsThatKeepVanishingFailAfterBoundedRetries()
            throws Exception
    {
        LocalFileIo local = new LocalFileIo(root);
        writeLog(local, "1700000001000_h.jsonl", log(1700000001000L, BIGINT_A, alive("p1")));
        CountingFileIo fileIo = new CountingFileIo(local)
        {
            @Override
            public byte[] read(String key)
                    throws IOException
            {
                super.read(key);
                throw new NoSuchFileException("/somewhere/else/" + key);
            }
        };
        assertThatThrownBy(() -> sequentialReader(fileIo).read(TABLE, SnapshotTime.latest()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("'db/events'")
                .hasMessageContaining("kept disappearing")
                .hasMessageContaining("last missing: " + logKey("1700000001000_h.jsonl") + ")");
        assertThat(fileIo.listings.get()).isEqualTo(SnapshotReader.MAX_LISTING_ATTEMPTS);
    }

    @Test
    void testStorageFailureNamesTheObject()
            throws Exception
    {
        LocalFileIo local = new LocalFileIo(root);
        writeLog(local, "1700000001000_h.jsonl", log(1700000001000L, BIGINT_A, alive("p1")));
        CountingFileIo fileIo = new CountingFileIo(local)
        {
            @Override
            public byte[] read(String key)
                    throws IOException
            {
                throw new IOException("disk on fire");
            }
        };
        assertThatThrownBy(() -> sequentialReader(fileIo).read(TABLE, SnapshotTime.latest()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(logKey("1700000001000_h.jsonl"))
                .hasMessageContaining("disk on fire");
        CountingFileIo failingList = new CountingFileIo(local)
        {
            @Override
            public List<FileEntry> list(String prefix)
                    throws IOException
            {
                throw new IOException("listing refused");
            }
        };
        assertThatThrownBy(() -> sequentialReader(failingList).read(TABLE, SnapshotTime.latest()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("db/events/_log/")
                .hasMessageContaining("listing refused");
    }

    @Test
    void testUnparseableNamesUnderLogAreSkipped()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        writeLog(fileIo, "1700000001000_h.jsonl", log(1700000001000L, BIGINT_A, alive("p1")));
        fileIo.createExclusive(logKey("README.txt"), "not a log".getBytes(UTF_8));
        fileIo.createExclusive(logKey("abc_h.jsonl"), "not a log".getBytes(UTF_8));
        Snapshot snapshot = sequentialReader(fileIo).read(TABLE, SnapshotTime.latest());
        assertThat(snapshot.logFiles()).containsExactly(logKey("1700000001000_h.jsonl"));
        assertThat(alivePaths(snapshot)).containsExactly(data("p1"));
    }

    @Test
    void testNestedObjectsUnderLogCountByTheirLastSegmentAsPythonDoes()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        writeLog(fileIo, "1700000001000_h.jsonl", log(1700000001000L, BIGINT_A, alive("p1")));
        writeLog(fileIo, "old/1700000002000_h.jsonl", log(1700000002000L, BIGINT_A, alive("p2")));
        // a sibling prefix is not under P/_log/
        fileIo.createExclusive(TABLE + "/_logs/1700000003000_h.jsonl", LogFileParser.write(log(1700000003000L, BIGINT_A, alive("p3"))));
        Snapshot snapshot = sequentialReader(fileIo).read(TABLE, SnapshotTime.latest());
        assertThat(snapshot.logFiles()).containsExactly(logKey("1700000001000_h.jsonl"), logKey("old/1700000002000_h.jsonl"));
        assertThat(snapshot.version()).isEqualTo(1700000002000L);
    }

    @Test
    void testInvalidLogFailsNamingIt()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        for (int i = 1; i <= 6; i++) {
            writeLog(fileIo, "170000000%d000_h.jsonl".formatted(i), log(1700000000000L + i * 1000, BIGINT_A, alive("p" + i)));
        }
        fileIo.createExclusive(logKey("1700000007000_h.jsonl"), "{\"v\": 1, \"sch\": 1".getBytes(UTF_8));
        try (ExecutorService executor = Executors.newFixedThreadPool(3)) {
            assertThatThrownBy(() -> new SnapshotReader(fileIo, new LogFileCache(), executor, 3).read(TABLE, SnapshotTime.latest()))
                    .isInstanceOf(InvalidLogException.class)
                    .hasMessageContaining(logKey("1700000007000_h.jsonl"));
        }
        assertThat(sequentialReader(fileIo).read(TABLE, SnapshotTime.asOfVersion(1700000006000L)).aliveFiles()).hasSize(6);
    }

    @Test
    void testCacheHitAvoidsReading()
            throws Exception
    {
        LocalFileIo local = new LocalFileIo(root);
        for (int i = 1; i <= 5; i++) {
            writeLog(local, "170000000%d000_h.jsonl".formatted(i), log(1700000000000L + i * 1000, BIGINT_A, alive("p" + i)));
        }
        CountingFileIo fileIo = new CountingFileIo(local);
        LogFileCache cache = new LogFileCache();
        try (ExecutorService executor = Executors.newFixedThreadPool(3)) {
            SnapshotReader reader = new SnapshotReader(fileIo, cache, executor, 3);
            Snapshot first = reader.read(TABLE, SnapshotTime.latest());
            assertThat(fileIo.totalReads()).isEqualTo(5);
            assertThat(cache.size()).isEqualTo(5);

            Snapshot second = reader.read(TABLE, SnapshotTime.latest());
            assertThat(second).isEqualTo(first);
            assertThat(fileIo.totalReads()).isEqualTo(5);

            writeLog(local, "1700000006000_h.jsonl", log(1700000006000L, BIGINT_A, alive("p6")));
            Snapshot third = reader.read(TABLE, SnapshotTime.latest());
            assertThat(alivePaths(third)).hasSize(6);
            assertThat(fileIo.totalReads()).isEqualTo(6);
            assertThat(fileIo.reads).containsEntry(logKey("1700000006000_h.jsonl"), 1);
            assertThat(fileIo.reads.values()).containsOnly(1);
        }
        // another reader sharing the cache reads nothing
        CountingFileIo other = new CountingFileIo(local);
        sequentialReader(other, cache).read(TABLE, SnapshotTime.latest());
        assertThat(other.totalReads()).isZero();
    }

    @Test
    void testCacheIsBounded()
    {
        LogFileCache cache = new LogFileCache(2);
        LogFile log = log(1, BIGINT_A);
        cache.put("a", log);
        cache.put("b", log);
        assertThat(cache.get("a")).isPresent();
        cache.put("c", log);
        // "b" was the least recently used
        assertThat(cache.get("b")).isEmpty();
        assertThat(cache.get("a")).isPresent();
        assertThat(cache.get("c")).isPresent();
        assertThat(cache.size()).isEqualTo(2);
        LogFileCache disabled = new LogFileCache(0);
        disabled.put("a", log);
        assertThat(disabled.get("a")).isEmpty();
        assertThatThrownBy(() -> new LogFileCache(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void testParallelReadEqualsSequentialRead()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        Random random = new Random(42);
        List<Map.Entry<String, LogFile>> expectedOrder = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long timestamp = 1700000000000L + i * 10 + random.nextInt(3);
            String name = random.nextInt(5) == 0 ? "%d_m_h%d.jsonl".formatted(timestamp, i) : "%d_h%d.jsonl".formatted(timestamp, i);
            List<FileMarker> markers = new ArrayList<>();
            for (int marker = 0; marker < 4; marker++) {
                FileMarker fileMarker = FileMarker.alive(data("p" + random.nextInt(300)), random.nextInt(1000), timestamp);
                markers.add(random.nextBoolean() ? fileMarker : fileMarker.withTombstone(timestamp));
            }
            List<LogTombstone> tombstones = random.nextInt(4) == 0 ? List.of(new LogTombstone(logKey("x" + random.nextInt(50)), timestamp)) : List.of();
            LogFile log = new LogFile(timestamp, new Schema(Map.of("c" + (i % 7), "BIGINT")), tombstones, markers);
            writeLog(fileIo, name, log);
            expectedOrder.add(Map.entry(logKey(name), log));
        }
        expectedOrder.sort(Map.Entry.comparingByKey(SnapshotReader.KEY_ORDER));

        Snapshot sequential = sequentialReader(new CountingFileIo(fileIo)).read(TABLE, SnapshotTime.latest());
        Snapshot parallel;
        CountingFileIo counting = new CountingFileIo(fileIo);
        try (ExecutorService executor = Executors.newFixedThreadPool(8)) {
            parallel = new SnapshotReader(counting, new LogFileCache(), executor, 8).read(TABLE, SnapshotTime.latest());
        }
        assertThat(counting.totalReads()).isEqualTo(400);
        assertThat(counting.maxConcurrentReads.get()).isBetween(1, 8);
        assertThat(parallel).isEqualTo(sequential);
        assertThat(parallel).isEqualTo(SnapshotReader.fold(TABLE, expectedOrder));
        assertThat(parallel.aliveFiles()).isNotEmpty();
        assertThat(parallel.deadFiles()).isNotEmpty();
        assertThat(parallel.logTombstones()).isNotEmpty();
        assertThat(parallel.schema().columns()).hasSize(7);
    }

    @Test
    void testFoldWithoutIo()
    {
        String first = logKey("1700000001000_h.jsonl");
        String second = logKey("1700000002000_m_h.jsonl");
        Snapshot snapshot = SnapshotReader.fold(TABLE, List.of(
                Map.entry(first, log(1700000001000L, BIGINT_A, alive("b"), alive("a"))),
                Map.entry(second, new LogFile(1700000002000L, new Schema(Map.of("z", "VARCHAR")),
                        List.of(new LogTombstone(logKey("9_h.jsonl"), 3), new LogTombstone(first, 1), new LogTombstone(first, 2)),
                        List.of(alive("a").withTombstone(2), alive("c"), alive("b"))))));
        assertThat(snapshot.tablePrefix()).isEqualTo(TABLE);
        assertThat(snapshot.schema().columns().sequencedKeySet()).containsExactly("a", "z");
        assertThat(alivePaths(snapshot)).containsExactly(data("b"), data("c"));
        assertThat(snapshot.deadFiles()).containsExactly(alive("a").withTombstone(2));
        assertThat(snapshot.logTombstones()).containsExactly(new LogTombstone(first, 2), new LogTombstone(logKey("9_h.jsonl"), 3));
        assertThat(snapshot.addedBy()).isEqualTo(Map.of(data("b"), first, data("c"), second));
        assertThat(snapshot.logFiles()).containsExactly(first, second);
        assertThat(snapshot.version()).isEqualTo(1700000002000L);
    }

    @Test
    void testKeyOrderIsCodePointOrder()
    {
        // UTF-16 order would put U+FFFD after U+1F600 (a surrogate pair); Python and S3 put it before
        assertThat(SnapshotReader.KEY_ORDER.compare("a\uFFFD", "a\uD83D\uDE00")).isNegative();
        assertThat(SnapshotReader.KEY_ORDER.compare("a", "ab")).isNegative();
        assertThat(SnapshotReader.KEY_ORDER.compare("1_a", "1_a")).isZero();
        assertThat(SnapshotReader.KEY_ORDER.compare("1_m_a", "1_b")).isPositive();
    }

    private static SnapshotReader sequentialReader(IcedbFileIo fileIo)
    {
        return sequentialReader(fileIo, new LogFileCache());
    }

    private static SnapshotReader sequentialReader(IcedbFileIo fileIo, LogFileCache cache)
    {
        return new SnapshotReader(fileIo, cache, Runnable::run, 1);
    }

    private static void writeLog(IcedbFileIo fileIo, String name, LogFile log)
            throws IOException
    {
        fileIo.createExclusive(logKey(name), LogFileParser.write(log));
    }

    private static LogFile log(long created, Schema schema, FileMarker... markers)
    {
        return new LogFile(created, schema, List.of(), List.of(markers));
    }

    private static FileMarker alive(String name)
    {
        return FileMarker.alive(data(name), 100, 1700000000000L);
    }

    private static String data(String name)
    {
        return TABLE + "/_data/d=1/" + name + ".parquet";
    }

    private static String logKey(String name)
    {
        return TABLE + "/_log/" + name;
    }

    private static List<String> alivePaths(Snapshot snapshot)
    {
        return snapshot.aliveFiles().stream().map(FileMarker::path).toList();
    }

    private static Map<String, String> ordered(String... namesAndTypes)
    {
        Map<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            columns.put(namesAndTypes[i], namesAndTypes[i + 1]);
        }
        return columns;
    }

    private interface IoAction
    {
        void run()
                throws IOException;
    }

    /**
     * Delegates to another storage, counting listings and reads per key.
     */
    private static class CountingFileIo
            extends DelegatingFileIo
    {
        final AtomicInteger listings = new AtomicInteger();
        final Map<String, Integer> reads = new ConcurrentHashMap<>();
        final AtomicInteger concurrentReads = new AtomicInteger();
        final AtomicInteger maxConcurrentReads = new AtomicInteger();

        CountingFileIo(IcedbFileIo delegate)
        {
            super(delegate);
        }

        int totalReads()
        {
            return reads.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public List<FileEntry> list(String prefix)
                throws IOException
        {
            listings.incrementAndGet();
            return super.list(prefix);
        }

        @Override
        public byte[] read(String key)
                throws IOException
        {
            reads.merge(key, 1, Integer::sum);
            int now = concurrentReads.incrementAndGet();
            maxConcurrentReads.accumulateAndGet(now, Math::max);
            try {
                return super.read(key);
            }
            finally {
                concurrentReads.decrementAndGet();
            }
        }
    }

    /**
     * Runs a concurrent "cleanup" right after the first listing returns, before any log is read.
     */
    private static final class CleanupAfterFirstListing
            extends CountingFileIo
    {
        private final IoAction cleanup;

        CleanupAfterFirstListing(IcedbFileIo delegate, IoAction cleanup)
        {
            super(delegate);
            this.cleanup = cleanup;
        }

        @Override
        public List<FileEntry> list(String prefix)
                throws IOException
        {
            List<FileEntry> listing = super.list(prefix);
            if (listings.get() == 1) {
                cleanup.run();
            }
            return listing;
        }
    }
}
