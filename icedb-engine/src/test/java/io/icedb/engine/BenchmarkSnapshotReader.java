package io.icedb.engine;

import io.icedb.engine.io.DelegatingFileIo;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.Schema;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Times {@link SnapshotReader#read} on a local table of many small logs: cold (fresh cache: every log is read and
 * parsed) and warm (every log cached: listing and fold only). Not a test; run it with {@code ./icedb bench-snapshot}.
 * <pre>
 * BenchmarkSnapshotReader [--logs 10000] [--repetitions 7] [--concurrency 16] [--latency-ms 0] [--directory DIR]
 * </pre>
 * {@code --latency-ms} adds that much delay to every object read, as an object store would (the sequential run is
 * skipped then); without {@code --directory} the table goes to a new temporary directory, deleted at the end.
 */
public final class BenchmarkSnapshotReader
{
    private static final String TABLE = "bench/events";
    private static final int MARKERS_PER_INSERT = 3;
    private static final int MERGE_EVERY = 50;
    private static final int LOGS_PER_MERGE = 10;

    private BenchmarkSnapshotReader() {}

    public static void main(String[] args)
            throws Exception
    {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--logs", "10000", "--repetitions", "7", "--concurrency", "16", "--latency-ms", "0", "--directory", ""));
        for (int i = 0; i < args.length; i += 2) {
            if (!options.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("usage: bench-snapshot [--logs N] [--repetitions N] [--concurrency N] [--latency-ms N] [--directory DIR]");
                System.exit(2);
            }
            options.put(args[i], args[i + 1]);
        }
        int logs = Integer.parseInt(options.get("--logs"));
        int repetitions = Integer.parseInt(options.get("--repetitions"));
        int concurrency = Integer.parseInt(options.get("--concurrency"));
        int latencyMillis = Integer.parseInt(options.get("--latency-ms"));
        boolean temporary = options.get("--directory").isEmpty();
        Path root = temporary ? Files.createTempDirectory("icedb-bench-") : Path.of(options.get("--directory"));

        try {
            long start = System.nanoTime();
            long bytes = writeTable(root, logs);
            System.out.printf("table %s under %s: %,d log files, %,d bytes, written in %,d ms%n", TABLE, root, logs, bytes, millisSince(start));

            LocalFileIo local = new LocalFileIo(root);
            IcedbFileIo fileIo = latencyMillis == 0 ? local : new SlowFileIo(local, latencyMillis);
            if (latencyMillis > 0) {
                System.out.printf("every object read is delayed by %d ms%n", latencyMillis);
            }
            try (ExecutorService executor = Executors.newFixedThreadPool(concurrency)) {
                Snapshot reference = SnapshotReader.fold(TABLE, readAllSequentially(local));
                System.out.printf("snapshot: %,d alive files, %,d dead files, %,d log tombstones, %d columns%n",
                        reference.aliveFiles().size(), reference.deadFiles().size(), reference.logTombstones().size(), reference.schema().columns().size());

                // warm up the JIT on untimed reads of both kinds
                for (int i = 0; i < 3; i++) {
                    new SnapshotReader(fileIo, new LogFileCache(), executor, concurrency).read(TABLE, SnapshotTime.latest());
                    if (latencyMillis == 0) {
                        new SnapshotReader(fileIo, new LogFileCache(), Runnable::run, 1).read(TABLE, SnapshotTime.latest());
                    }
                }

                report("cold, %d parallel reads".formatted(concurrency), repetitions, () -> new SnapshotReader(fileIo, new LogFileCache(), executor, concurrency), reference);
                if (latencyMillis == 0) {
                    report("cold, sequential reads", repetitions, () -> new SnapshotReader(fileIo, new LogFileCache(), Runnable::run, 1), reference);
                }
                LogFileCache shared = new LogFileCache();
                SnapshotReader warm = new SnapshotReader(fileIo, shared, executor, concurrency);
                warm.read(TABLE, SnapshotTime.latest());
                report("warm (all logs cached)", repetitions, () -> warm, reference);

                List<Map.Entry<String, LogFile>> parsed = readAllSequentially(local);
                List<Long> foldTimes = new ArrayList<>();
                for (int i = 0; i < repetitions; i++) {
                    long foldStart = System.nanoTime();
                    SnapshotReader.fold(TABLE, parsed);
                    foldTimes.add(System.nanoTime() - foldStart);
                }
                System.out.printf("%-28s median %8.1f ms%n", "fold only (no I/O)", median(foldTimes) / 1e6);
                List<Long> listTimes = new ArrayList<>();
                for (int i = 0; i < repetitions; i++) {
                    long listStart = System.nanoTime();
                    local.list(TABLE + "/_log/");
                    listTimes.add(System.nanoTime() - listStart);
                }
                System.out.printf("%-28s median %8.1f ms%n", "listing only", median(listTimes) / 1e6);
            }
        }
        finally {
            if (temporary) {
                deleteRecursively(root);
            }
        }
    }

    private static void report(String label, int repetitions, Supplier<SnapshotReader> readers, Snapshot reference)
    {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < repetitions; i++) {
            SnapshotReader reader = readers.get();
            long start = System.nanoTime();
            Snapshot snapshot = reader.read(TABLE, SnapshotTime.latest());
            times.add(System.nanoTime() - start);
            if (!snapshot.equals(reference)) {
                throw new IllegalStateException("Snapshot differs from the sequential fold");
            }
        }
        times.sort(Comparator.naturalOrder());
        System.out.printf("%-28s median %8.1f ms   min %8.1f ms   max %8.1f ms   (%d runs)%n",
                label, median(times) / 1e6, times.getFirst() / 1e6, times.getLast() / 1e6, repetitions);
    }

    /**
     * Insert logs of {@value #MARKERS_PER_INSERT} parts each; every {@value #MERGE_EVERY}th log is a merged log that
     * tombstones the parts of {@value #LOGS_PER_MERGE} earlier inserts and the inserts themselves, and adds the merged part.
     */
    private static long writeTable(Path root, int logs)
            throws IOException
    {
        Random random = new Random(7);
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("ts", "BIGINT");
        columns.put("event", "VARCHAR");
        columns.put("user_id", "VARCHAR");
        columns.put("properties", "STRUCT(page_name VARCHAR)");
        Schema schema = new Schema(columns);
        List<String> unmergedLogs = new ArrayList<>();
        List<FileMarker> unmergedParts = new ArrayList<>();
        long timestamp = 1_700_000_000_000L;
        long bytes = 0;
        for (int i = 0; i < logs; i++) {
            timestamp += 1 + random.nextInt(20);
            LogFile log;
            boolean merged = i % MERGE_EVERY == MERGE_EVERY - 1 && unmergedLogs.size() >= LOGS_PER_MERGE;
            if (merged) {
                List<String> sources = List.copyOf(unmergedLogs.subList(0, LOGS_PER_MERGE));
                List<FileMarker> sourceParts = List.copyOf(unmergedParts.subList(0, LOGS_PER_MERGE * MARKERS_PER_INSERT));
                unmergedLogs.subList(0, LOGS_PER_MERGE).clear();
                unmergedParts.subList(0, LOGS_PER_MERGE * MARKERS_PER_INSERT).clear();
                List<LogTombstone> tombstones = new ArrayList<>();
                for (String source : sources) {
                    tombstones.add(new LogTombstone(source, timestamp));
                }
                List<FileMarker> markers = new ArrayList<>();
                long mergedBytes = 0;
                for (FileMarker part : sourceParts) {
                    markers.add(part.withTombstone(timestamp));
                    mergedBytes += part.bytes();
                }
                markers.add(FileMarker.alive(part("p=" + random.nextInt(20)), mergedBytes, timestamp));
                log = new LogFile(timestamp, schema, tombstones, markers);
            }
            else {
                List<FileMarker> markers = new ArrayList<>();
                for (int m = 0; m < MARKERS_PER_INSERT; m++) {
                    markers.add(FileMarker.alive(part("p=" + random.nextInt(20)), 500 + random.nextInt(5000), timestamp));
                }
                log = new LogFile(timestamp, schema, List.of(), markers);
            }
            String key = new LogFileName(timestamp, merged, "bench").key(TABLE);
            if (!merged) {
                unmergedLogs.add(key);
                unmergedParts.addAll(log.fileMarkers());
            }
            byte[] content = LogFileParser.write(log);
            Path file = root.resolve(key);
            Files.createDirectories(file.getParent());
            // plain writes: the benchmark measures reading, not durable creation
            Files.write(file, content);
            bytes += content.length;
        }
        return bytes;
    }

    private static List<Map.Entry<String, LogFile>> readAllSequentially(LocalFileIo fileIo)
            throws IOException
    {
        List<String> keys = new ArrayList<>(fileIo.list(TABLE + "/_log/").stream().map(FileEntry::key).toList());
        keys.sort(SnapshotReader.KEY_ORDER);
        List<Map.Entry<String, LogFile>> logs = new ArrayList<>();
        for (String key : keys) {
            logs.add(Map.entry(key, LogFileParser.parse(key, fileIo.read(key))));
        }
        return logs;
    }

    /**
     * Local storage with an object store's latency on every read.
     */
    private static final class SlowFileIo
            extends DelegatingFileIo
    {
        private final int latencyMillis;

        SlowFileIo(IcedbFileIo delegate, int latencyMillis)
        {
            super(delegate);
            this.latencyMillis = latencyMillis;
        }

        @Override
        public byte[] read(String key)
                throws IOException
        {
            try {
                Thread.sleep(latencyMillis);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
            return super.read(key);
        }
    }

    private static String part(String partition)
    {
        return TABLE + "/_data/" + partition + "/" + UUID.randomUUID() + ".parquet";
    }

    private static double median(List<Long> values)
    {
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
    }

    private static long millisSince(long startNanos)
    {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void deleteRecursively(Path root)
            throws IOException
    {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
