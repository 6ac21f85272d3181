package io.icedb.engine;

import io.icedb.engine.exceptions.NoSnapshotException;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.spec.TablePaths;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

/**
 * Reads a table's snapshot as of a time (spec §3): lists {@code P/_log/}, keeps the logs before the time, reads them
 * (in parallel, parsed logs cached) and folds them in plain string order of their keys.
 */
public final class SnapshotReader
{
    /**
     * Plain string order of keys as Python sorts them (by code point, which is also S3's UTF-8 byte order).
     */
    public static final Comparator<String> KEY_ORDER = SnapshotReader::compareByCodePoint;

    static final int MAX_LISTING_ATTEMPTS = 5;

    private static final System.Logger LOG = System.getLogger(SnapshotReader.class.getName());

    private final IcedbFileIo fileIo;
    private final LogCache cache;
    private final Executor executor;
    private final int maxReadConcurrency;

    /**
     * @param executor runs the parallel log reads; the calling thread reads too, so a busy executor only slows a read down
     * @param maxReadConcurrency at most this many logs of one snapshot are read at the same time
     */
    public SnapshotReader(IcedbFileIo fileIo, LogCache cache, Executor executor, int maxReadConcurrency)
    {
        this.fileIo = requireNonNull(fileIo, "fileIo is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.executor = requireNonNull(executor, "executor is null");
        if (maxReadConcurrency < 1) {
            throw new IllegalArgumentException("maxReadConcurrency must be at least 1: " + maxReadConcurrency);
        }
        this.maxReadConcurrency = maxReadConcurrency;
    }

    /**
     * The table under {@code tablePrefix} as of {@code time}.
     *
     * @throws NoSnapshotException when the table has no log before {@code time} (or no log at all)
     * @throws io.icedb.engine.exceptions.SchemaConflictException when two logs give a column different types
     * @throws io.icedb.engine.exceptions.InvalidLogException when a log is not a log file
     * @throws StorageException when the storage fails, naming the object
     */
    public Snapshot read(String tablePrefix, SnapshotTime time)
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        requireNonNull(time, "time is null");
        return fold(tablePrefix, List.copyOf(readLogs(tablePrefix, Optional.of(time)).entrySet()));
    }

    /**
     * Every log of the table, parsed, in read order (no time filter): what a maintenance operation folds after it took
     * the lease, so that a log of the previous holder stamped ahead of this node's clock is included. Empty when the
     * table has no log.
     *
     * @throws StorageException when the storage fails, naming the object
     */
    public SequencedMap<String, LogFile> readAll(String tablePrefix)
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        return readLogs(tablePrefix, Optional.empty());
    }

    /**
     * One log file of the table, parsed (from the cache when it was read before).
     *
     * @throws StorageException when it cannot be read (also when it no longer exists)
     */
    public LogFile readLog(String tablePrefix, String key)
    {
        Optional<LogFile> cached = cache.get(key);
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            return readLogFile(tablePrefix, key);
        }
        catch (NoSuchFileException e) {
            throw new StorageException("Log file %s of table '%s' does not exist".formatted(key, tablePrefix), e);
        }
    }

    /**
     * Lists the logs (those before {@code time} when given), reads them, and lists again when one vanished meanwhile.
     */
    private SequencedMap<String, LogFile> readLogs(String tablePrefix, Optional<SnapshotTime> time)
    {
        String logPrefix = TablePaths.logPrefix(tablePrefix);
        NoSuchFileException lastVanished = null;
        for (int attempt = 1; attempt <= MAX_LISTING_ATTEMPTS; attempt++) {
            List<String> keys = selectLogs(tablePrefix, logPrefix, time);
            List<LogFile> logs;
            try {
                logs = readAll(tablePrefix, keys);
            }
            catch (NoSuchFileException e) {
                // a log vanished between listing and reading: a concurrent cleanup replaced it; never mix listings, list again
                lastVanished = e;
                continue;
            }
            SequencedMap<String, LogFile> logsInOrder = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                logsInOrder.put(keys.get(i), logs.get(i));
            }
            return Collections.unmodifiableSequencedMap(logsInOrder);
        }
        throw new StorageException(
                "Log files of table '%s' kept disappearing while they were read (%d listings of %s, last missing: %s)"
                        .formatted(tablePrefix, MAX_LISTING_ATTEMPTS, logPrefix, lastVanished.getFile()),
                lastVanished);
    }

    /**
     * Folds logs already sorted in read order (spec §3 steps 4-5), without I/O.
     *
     * @throws io.icedb.engine.exceptions.SchemaConflictException when two logs give a column different types
     */
    public static Snapshot fold(String tablePrefix, List<Map.Entry<String, LogFile>> logsInOrder)
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        requireNonNull(logsInOrder, "logsInOrder is null");
        Schema schema = Schema.EMPTY;
        List<String> logFiles = new ArrayList<>(logsInOrder.size());
        Map<String, FileMarker> markers = new HashMap<>();
        Map<String, String> firstListedBy = new HashMap<>();
        Map<String, LogTombstone> logTombstones = new HashMap<>();
        for (Map.Entry<String, LogFile> entry : logsInOrder) {
            String key = requireNonNull(entry.getKey(), "log key is null");
            LogFile log = requireNonNull(entry.getValue(), "log file is null");
            logFiles.add(key);
            schema = schema.union(log.schema(), key);
            for (LogTombstone tombstone : log.logTombstones()) {
                logTombstones.put(tombstone.path(), tombstone);
            }
            for (FileMarker marker : log.fileMarkers()) {
                markers.put(marker.path(), marker);
                firstListedBy.putIfAbsent(marker.path(), key);
            }
        }
        List<FileMarker> alive = new ArrayList<>();
        List<FileMarker> dead = new ArrayList<>();
        Map<String, String> addedBy = new HashMap<>();
        for (FileMarker marker : markers.values()) {
            if (marker.isAlive()) {
                alive.add(marker);
                addedBy.put(marker.path(), firstListedBy.get(marker.path()));
            }
            else {
                dead.add(marker);
            }
        }
        Comparator<FileMarker> byPath = Comparator.comparing(FileMarker::path, KEY_ORDER);
        alive.sort(byPath);
        dead.sort(byPath);
        List<LogTombstone> tombstones = new ArrayList<>(logTombstones.values());
        tombstones.sort(Comparator.comparing(LogTombstone::path, KEY_ORDER));
        return new Snapshot(tablePrefix, schema, logFiles, alive, dead, tombstones, addedBy);
    }

    private List<String> selectLogs(String tablePrefix, String logPrefix, Optional<SnapshotTime> time)
    {
        List<FileEntry> listing;
        try {
            listing = fileIo.list(logPrefix);
        }
        catch (IOException e) {
            throw new StorageException("Failed to list the log files of table '%s' under %s: %s".formatted(tablePrefix, logPrefix, e.getMessage()), e);
        }
        List<String> selected = new ArrayList<>();
        Optional<LogFileName> first = Optional.empty();
        String firstKey = "";
        int logCount = 0;
        for (FileEntry entry : listing) {
            String key = entry.key();
            // Python looks at the last path segment only
            String name = key.substring(key.lastIndexOf('/') + 1);
            Optional<LogFileName> parsed = LogFileName.parse(name);
            if (parsed.isEmpty()) {
                LOG.log(WARNING, () -> "Skipping object %s of table '%s': not a log file name".formatted(key, tablePrefix));
                continue;
            }
            logCount++;
            LogFileName logName = parsed.get();
            if (first.isEmpty() || logName.timestampMillis() < first.get().timestampMillis()) {
                first = Optional.of(logName);
                firstKey = key;
            }
            if (time.isEmpty() || time.get().includes(logName.timestampMillis())) {
                selected.add(key);
            }
        }
        if (time.isEmpty()) {
            selected.sort(KEY_ORDER);
            return selected;
        }
        if (logCount == 0) {
            throw new NoSnapshotException("Table '%s' has no log files under %s (not an IceDB table, or it has no data yet)".formatted(tablePrefix, logPrefix));
        }
        if (selected.isEmpty()) {
            throw new NoSnapshotException("Table '%s' has no data at %s (%d ms): its first log file %s is at %s".formatted(
                    tablePrefix,
                    Instant.ofEpochMilli(time.get().exclusiveUpperBound()),
                    time.get().exclusiveUpperBound(),
                    firstKey,
                    Instant.ofEpochMilli(first.orElseThrow().timestampMillis())));
        }
        selected.sort(KEY_ORDER);
        return selected;
    }

    /**
     * The parsed logs in the order of {@code keys}.
     *
     * @throws NoSuchFileException when one of them no longer exists
     */
    private List<LogFile> readAll(String tablePrefix, List<String> keys)
            throws NoSuchFileException
    {
        LogFile[] logs = new LogFile[keys.size()];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Optional<LogFile> cached = cache.get(keys.get(i));
            if (cached.isPresent()) {
                logs[i] = cached.get();
            }
            else {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            new ParallelLogRead(tablePrefix, keys, missing, logs).run();
        }
        return List.of(logs);
    }

    private LogFile readLogFile(String tablePrefix, String key)
            throws NoSuchFileException
    {
        byte[] content;
        try {
            content = fileIo.read(key);
        }
        catch (NoSuchFileException e) {
            // name the key, not the storage's own location of it
            NoSuchFileException vanished = new NoSuchFileException(key);
            vanished.initCause(e);
            throw vanished;
        }
        catch (IOException e) {
            throw new StorageException("Failed to read log file %s of table '%s': %s".formatted(key, tablePrefix, e.getMessage()), e);
        }
        LogFile log = LogFileParser.parse(key, content);
        cache.put(key, log);
        return log;
    }

    /**
     * Reads the logs at {@code indexes} with at most {@code maxReadConcurrency} workers, one of them the calling thread.
     * Waits for the keys, not for the workers, so workers the executor never starts cannot block the read.
     */
    private final class ParallelLogRead
    {
        private final String tablePrefix;
        private final List<String> keys;
        private final List<Integer> indexes;
        private final LogFile[] logs;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<NoSuchFileException> vanished = new AtomicReference<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        ParallelLogRead(String tablePrefix, List<String> keys, List<Integer> indexes, LogFile[] logs)
        {
            this.tablePrefix = tablePrefix;
            this.keys = keys;
            this.indexes = indexes;
            this.logs = logs;
            this.done = new CountDownLatch(indexes.size());
        }

        void run()
                throws NoSuchFileException
        {
            int helpers = Math.min(maxReadConcurrency, indexes.size()) - 1;
            for (int i = 0; i < helpers; i++) {
                try {
                    executor.execute(this::work);
                }
                catch (RejectedExecutionException e) {
                    break;
                }
            }
            work();
            try {
                done.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // makes the helpers stop reading
                failure.compareAndSet(null, e);
                throw new StorageException("Interrupted while reading the log files of table '%s'".formatted(tablePrefix), new InterruptedIOException(e.getMessage()));
            }
            Throwable failed = failure.get();
            if (failed instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            if (failed instanceof Error error) {
                throw error;
            }
            if (vanished.get() != null) {
                throw vanished.get();
            }
        }

        private void work()
        {
            while (true) {
                int position = next.getAndIncrement();
                if (position >= indexes.size()) {
                    return;
                }
                int index = indexes.get(position);
                try {
                    if (failure.get() == null && vanished.get() == null) {
                        logs[index] = readLogFile(tablePrefix, keys.get(index));
                    }
                }
                catch (NoSuchFileException e) {
                    vanished.compareAndSet(null, e);
                }
                catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
                finally {
                    done.countDown();
                }
            }
        }
    }

    private static int compareByCodePoint(String left, String right)
    {
        int length = Math.min(left.length(), right.length());
        for (int i = 0; i < length; i++) {
            char leftChar = left.charAt(i);
            char rightChar = right.charAt(i);
            if (leftChar != rightChar) {
                // UTF-16 order differs from code point order only between a surrogate (a code point above U+FFFF)
                // and a char of U+E000..U+FFFF; between two surrogates, or two other chars, it is the same
                boolean leftSurrogate = Character.isSurrogate(leftChar);
                if (leftSurrogate != Character.isSurrogate(rightChar)) {
                    return leftSurrogate ? 1 : -1;
                }
                return Character.compare(leftChar, rightChar);
            }
        }
        return Integer.compare(left.length(), right.length());
    }
}
