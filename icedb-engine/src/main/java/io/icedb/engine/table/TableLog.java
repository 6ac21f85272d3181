package io.icedb.engine.table;

import io.icedb.engine.CommitPosition;
import io.icedb.engine.LogCache;
import io.icedb.engine.LogFileCache;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.commit.InsertLogBuilder;
import io.icedb.engine.commit.OrderSidecar;
import io.icedb.engine.commit.PlannedLog;
import io.icedb.engine.exceptions.CommitFailedException;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.exceptions.NoSnapshotException;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.spec.TablePaths;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

/**
 * One table's log {@code P/_log/} (spec §3, §5): the only code that lists, reads, folds and creates log files. Reads go
 * through the storage root's {@link LogCache} (logs are immutable) and list again when a log vanishes meanwhile; an
 * insert commits by {@link #commitInsert creating one log exclusively}; maintenance commits
 * {@link #commitUnderLease under the table's lease}.
 */
public final class TableLog
{
    static final int MAX_COMMIT_ATTEMPTS = 10;

    private static final System.Logger LOG = System.getLogger(TableLog.class.getName());

    private final IcedbFileIo fileIo;
    private final String tablePrefix;
    private final SnapshotReader reader;
    private final LogCache cache;

    /**
     * @param cache the parsed logs of the table's storage root
     * @param executor runs parallel log reads (see {@link SnapshotReader})
     */
    public TableLog(IcedbFileIo fileIo, String tablePrefix, LogCache cache, Executor executor, int maxReadConcurrency)
    {
        this.fileIo = requireNonNull(fileIo, "fileIo is null");
        this.tablePrefix = requireNonNull(tablePrefix, "tablePrefix is null");
        this.reader = new SnapshotReader(fileIo, cache, executor, maxReadConcurrency);
        this.cache = cache;
    }

    /**
     * A table log without a cache that reads one log at a time (tools and tests).
     */
    public static TableLog uncached(IcedbFileIo fileIo, String tablePrefix)
    {
        return new TableLog(fileIo, tablePrefix, new LogFileCache(0), Runnable::run, 1);
    }

    public String tablePrefix()
    {
        return tablePrefix;
    }

    public IcedbFileIo fileIo()
    {
        return fileIo;
    }

    /**
     * The table as of {@code time}.
     *
     * @throws NoSnapshotException when the table has no log before {@code time}
     */
    public Snapshot snapshot(SnapshotTime time)
    {
        return withCommitPositions(reader.read(tablePrefix, time));
    }

    /**
     * The table's schema now; empty for a table that has no log yet.
     */
    public Optional<Schema> currentSchema()
    {
        try {
            return Optional.of(snapshot(SnapshotTime.latest()).schema());
        }
        catch (NoSnapshotException _) {
            return Optional.empty();
        }
    }

    /**
     * Every log, whatever its time (empty when the table has none).
     */
    public TableLogs readAll()
    {
        TableLogs logs = new TableLogs(tablePrefix, reader.readAll(tablePrefix));
        if (logs.isEmpty()) {
            return logs;
        }
        return logs.withCommitPositions(withCommitPositions(logs.fold()).commitPositions());
    }

    /**
     * {@code snapshot} with the commit positions of its alive parts that merged logs added, from the logs' order
     * sidecars ({@link OrderSidecar}, cached like the logs).
     *
     * @throws StorageException when a sidecar cannot be read
     */
    public Snapshot withCommitPositions(Snapshot snapshot)
    {
        Map<String, Map<String, CommitPosition>> sidecars = new HashMap<>();
        Map<String, CommitPosition> positions = new HashMap<>();
        for (FileMarker part : snapshot.aliveFiles()) {
            String logKey = snapshot.addedBy().get(part.path());
            if (logKey == null || !LogFileName.parse(CommitPosition.logName(logKey)).map(LogFileName::merged).orElse(false)) {
                continue;
            }
            CommitPosition position = sidecars.computeIfAbsent(logKey, this::orderSidecar).get(part.path());
            if (position != null) {
                positions.put(part.path(), position);
            }
        }
        return positions.isEmpty() ? snapshot : snapshot.withCommitPositions(positions);
    }

    private Map<String, CommitPosition> orderSidecar(String logKey)
    {
        String key = OrderSidecar.sidecarKey(tablePrefix, logKey);
        Optional<Map<String, CommitPosition>> cached = cache.getCommitPositions(key);
        if (cached.isPresent()) {
            return cached.get();
        }
        Map<String, CommitPosition> positions;
        try {
            positions = OrderSidecar.read(fileIo, key).orElse(Map.of());
        }
        catch (IOException e) {
            throw new StorageException("Failed to read order sidecar %s of table '%s': %s".formatted(key, tablePrefix, e.getMessage()), e);
        }
        catch (InvalidMetadataObjectException e) {
            // advice only: the log's parts sort at its name, as without a sidecar
            LOG.log(WARNING, () -> "Ignoring order sidecar %s of table '%s': %s".formatted(key, tablePrefix, e.getMessage()));
            positions = Map.of();
        }
        cache.putCommitPositions(key, positions);
        return positions;
    }

    /**
     * One log of the table, parsed.
     */
    public LogFile readLog(String key)
    {
        return reader.readLog(tablePrefix, key);
    }

    /**
     * What each log of {@code snapshot} holds and changed, in fold order.
     */
    public List<LogChange> changes(Snapshot snapshot)
    {
        return LogChange.replay(snapshot.logFiles().stream()
                .map(key -> Map.entry(key, readLog(key)))
                .toList());
    }

    /**
     * Whether {@code P/_log/} holds any object.
     */
    public boolean hasLogs()
    {
        return hasLogsOtherThan(Optional.empty());
    }

    /**
     * Whether the table has a log other than {@code excluded} (a writer asking whether its table still exists besides
     * the log it just created).
     */
    public boolean hasLogsOtherThan(Optional<String> excluded)
    {
        try {
            return fileIo.list(TablePaths.logPrefix(tablePrefix)).stream()
                    .anyMatch(entry -> excluded.map(key -> !key.equals(entry.key())).orElse(true));
        }
        catch (IOException e) {
            throw new StorageException("Failed to list the log files of table '%s': %s".formatted(tablePrefix, e.getMessage()), e);
        }
    }

    /**
     * Commits an insert (spec §5): ONE new log naming {@code parts}, created exclusively. Its schema is the table's
     * schema at commit time with the written columns appended; a written column whose type differs fails the commit.
     * <p>
     * When the create finds the name taken, the existing object is read: if its bytes are ours, an earlier attempt
     * succeeded (an SDK retry of a PUT that succeeded answers 412) and the commit is done; otherwise it is a genuine
     * collision and the commit retries with a fresh name (and a freshly read schema). When the object cannot be read
     * back, the create may have been applied: the next attempt creates the same key with the same bytes, never the same
     * parts under another name (which would commit them twice). The content is unique to the
     * commit (its parts are named by random UUIDs, and {@code hosts} gives names with random characters), so equal bytes
     * prove the object is ours.
     *
     * @param writtenSchema the columns the parts hold (or the schema a DDL statement sets)
     * @param hosts a fresh writer host for every attempt
     * @return the key of the created log
     * @throws io.icedb.engine.exceptions.SchemaConflictException when a written column has another type in the table
     * @throws CommitFailedException when every attempt failed
     */
    public String commitInsert(Schema writtenSchema, List<FileMarker> parts, Supplier<String> hosts, LongSupplier clock)
    {
        requireNonNull(writtenSchema, "writtenSchema is null");
        return createInsertLog(
                fileIo,
                tablePrefix,
                () -> currentSchema().map(current -> current.union(writtenSchema, "the new log")).orElse(writtenSchema),
                parts,
                hosts,
                clock);
    }

    /**
     * Creates the insert log, retrying with a fresh name (and a freshly read schema) on a genuine collision.
     *
     * @param schema the schema of the log, read again for every attempt
     */
    static String createInsertLog(IcedbFileIo fileIo, String tablePrefix, Supplier<Schema> schema, List<FileMarker> parts, Supplier<String> hosts, LongSupplier clock)
    {
        IOException lastFailure = null;
        PlannedLog planned = null;
        byte[] content = null;
        for (int attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
            if (planned == null) {
                planned = InsertLogBuilder.build(tablePrefix, hosts.get(), clock.getAsLong(), schema.get(), parts);
                content = LogFileParser.write(planned.content());
            }
            String key = planned.key();
            try {
                fileIo.createExclusive(key, content);
                return key;
            }
            catch (IOException e) {
                lastFailure = e;
                // a 412 (FileAlreadyExistsException) or an ambiguous failure (a multipart 412, a lost response):
                // the object may be there, and may be ours
                boolean ours;
                try {
                    ours = isOurs(fileIo, key, content);
                }
                catch (IOException readFailure) {
                    // we cannot tell whether an attempt of this create was applied: creating the same parts under
                    // another name could commit them twice, so the next attempt creates the same key with the same
                    // bytes, and its answer (or the read after it) tells
                    e.addSuppressed(readFailure);
                    LOG.log(WARNING, () -> "Creating log %s of table '%s' failed and the log could not be read back; retrying the same log".formatted(key, tablePrefix), e);
                    continue;
                }
                if (ours) {
                    LOG.log(INFO, () -> "Log %s of table '%s' exists with our content: an earlier attempt of the create succeeded".formatted(key, tablePrefix));
                    return key;
                }
                if (e instanceof FileAlreadyExistsException) {
                    LOG.log(WARNING, () -> "Log name %s of table '%s' is taken by another writer; retrying with a fresh name".formatted(key, tablePrefix));
                }
                else {
                    LOG.log(WARNING, () -> "Creating log %s of table '%s' failed; retrying with a fresh name".formatted(key, tablePrefix), e);
                }
                planned = null;
            }
        }
        if (planned != null) {
            // the last attempts could not find out whether the log exists
            throw new CommitFailedException(
                    "Commit to table '%s' failed after %s attempts and its outcome is unknown: log %s may or may not exist (check the table before retrying the statement): %s"
                            .formatted(tablePrefix, MAX_COMMIT_ATTEMPTS, planned.key(), lastFailure.getMessage()),
                    lastFailure);
        }
        throw new CommitFailedException(
                "Failed to commit to table '%s' after %s attempts: %s".formatted(tablePrefix, MAX_COMMIT_ATTEMPTS, lastFailure == null ? "" : lastFailure.getMessage()),
                lastFailure);
    }

    /**
     * Commits a log through the table's maintenance lease, which the caller holds: merged and folded logs, and a
     * table's first log (so that of statements racing to create one table, exactly one does).
     *
     * @return the key of the created log
     */
    public static String commitUnderLease(LeaseHandle lease, PlannedLog log)
    {
        lease.commit(log.key(), LogFileParser.write(log.content()));
        return log.key();
    }

    private static boolean isOurs(IcedbFileIo fileIo, String key, byte[] content)
            throws IOException
    {
        try {
            return Arrays.equals(fileIo.read(key), content);
        }
        catch (NoSuchFileException _) {
            return false;
        }
    }
}
