package io.trino.plugin.icedb;

import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.airlift.stats.CounterStat;
import io.airlift.stats.TimeStat;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.commit.InsertLogBuilder;
import io.icedb.engine.commit.PlannedLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.NoSnapshotException;
import io.icedb.engine.exceptions.SchemaConflictException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.security.ConnectorIdentity;
import org.weakref.jmx.Managed;
import org.weakref.jmx.Nested;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_COMMIT_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_SCHEMA_CONFLICT;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * Commits an insert (spec §5): ONE new log {@code P/_log/{ts}_{host}.jsonl} naming the new parts, created with an
 * exclusive (conditional) create. Its schema is the table's current schema, read at commit time, with the written
 * columns appended; a written column whose type differs from the table's fails the commit.
 * <p>
 * The host is unique per commit ({@code trino-<query id>-<12 random characters>}). When the create finds the name
 * taken, the existing object is read: if its bytes are ours, an earlier attempt succeeded (an SDK retry of a PUT that
 * succeeded answers 412) and the commit is done; otherwise it is a genuine collision and the commit retries with a
 * fresh name. The content is unique to the commit (its parts are named by random UUIDs, and the name carries random
 * characters), so equal bytes prove the object is ours.
 */
public final class IcedbLogCommitter
{
    private static final Logger log = Logger.get(IcedbLogCommitter.class);
    private static final int MAX_ATTEMPTS = 10;

    private final IcedbFileIoFactory fileIoFactory;
    private final IcedbSnapshotLoader snapshotLoader;
    private final TimeStat commits = new TimeStat(MILLISECONDS);
    private final CounterStat commitFailures = new CounterStat();

    @Inject
    public IcedbLogCommitter(IcedbFileIoFactory fileIoFactory, IcedbSnapshotLoader snapshotLoader)
    {
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
    }

    /**
     * @param writtenSchema the columns the parts hold (or the schema a DDL statement sets)
     * @param writerId identifies the writer in the log name, e.g. the query id
     * @return the key of the created log
     */
    public String commit(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, Schema writtenSchema, List<FileMarker> parts, String writerId)
    {
        String hostPrefix = hostPrefix(writerId);
        try (TimeStat.BlockTimer _ = commits.time()) {
            return createLog(
                    fileIoFactory.create(identity, location),
                    table,
                    location.prefix(),
                    () -> currentSchema(identity, table, location).map(current -> union(table, current, writtenSchema)).orElse(writtenSchema),
                    parts,
                    () -> LogFileName.uniqueHost(hostPrefix),
                    System::currentTimeMillis);
        }
        catch (RuntimeException e) {
            commitFailures.update(1);
            throw e;
        }
    }

    /**
     * Log commits of inserts and DDL (not the first log of a table, nor maintenance) and their duration.
     */
    @Managed
    @Nested
    public TimeStat getCommits()
    {
        return commits;
    }

    @Managed
    @Nested
    public CounterStat getCommitFailures()
    {
        return commitFailures;
    }

    /**
     * Commits a table's first log through the table's lease, which the caller holds (so that of statements racing to
     * create one table, exactly one does).
     *
     * @return the key of the created log
     */
    public String commitFirstLog(SchemaTableName table, IcedbTableLocation location, Schema schema, List<FileMarker> parts, String writerId, LeaseHandle lease)
    {
        PlannedLog planned = InsertLogBuilder.build(location.prefix(), LogFileName.uniqueHost(hostPrefix(writerId)), System.currentTimeMillis(), schema, parts);
        try {
            lease.commit(planned.key(), LogFileParser.write(planned.content()));
        }
        catch (IcedbException e) {
            throw new TrinoException(ICEDB_COMMIT_ERROR, format("Failed to create table %s (%s): %s", table, location, e.getMessage()), e);
        }
        return planned.key();
    }

    /**
     * Commits a log without parts that sets the table's schema (ADD COLUMN) through the table's lease, which the caller
     * holds and under which it read the current schema: a holder that lost the lease cannot commit.
     *
     * @return the key of the created log
     */
    public String commitUnderLease(SchemaTableName table, IcedbTableLocation location, Schema schema, String writerId, LeaseHandle lease)
    {
        PlannedLog planned = InsertLogBuilder.build(location.prefix(), LogFileName.uniqueHost(hostPrefix(writerId)), System.currentTimeMillis(), schema, List.of());
        try {
            lease.commit(planned.key(), LogFileParser.write(planned.content()));
        }
        catch (IcedbException e) {
            throw new TrinoException(ICEDB_COMMIT_ERROR, format("Failed to change the schema of table %s (%s): %s", table, location, e.getMessage()), e);
        }
        return planned.key();
    }

    /**
     * Creates the insert log, retrying with a fresh name (and a freshly read schema) on a genuine collision.
     *
     * @param schema the schema of the log, read again for every attempt
     * @param hosts a fresh writer host for every attempt
     */
    static String createLog(IcedbFileIo fileIo, SchemaTableName table, String tablePrefix, Supplier<Schema> schema, List<FileMarker> parts, Supplier<String> hosts, LongSupplier clock)
    {
        IOException lastFailure = null;
        PlannedLog planned = null;
        byte[] content = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (planned == null) {
                planned = InsertLogBuilder.build(tablePrefix, hosts.get(), clock.getAsLong(), schema.get(), parts);
                content = LogFileParser.write(planned.content());
            }
            try {
                fileIo.createExclusive(planned.key(), content);
                return planned.key();
            }
            catch (IOException e) {
                lastFailure = e;
                // a 412 (FileAlreadyExistsException) or an ambiguous failure (a multipart 412, a lost response):
                // the object may be there, and may be ours
                boolean ours;
                try {
                    ours = isOurs(fileIo, planned.key(), content);
                }
                catch (IOException readFailure) {
                    // we cannot tell whether an attempt of this create was applied: creating the same parts under
                    // another name could commit them twice, so the next attempt creates the same key with the same
                    // bytes, and its answer (or the read after it) tells
                    e.addSuppressed(readFailure);
                    log.warn(e, "Creating log %s of table %s failed and the log could not be read back; retrying the same log", planned.key(), table);
                    continue;
                }
                if (ours) {
                    log.info("Log %s of table %s exists with our content: an earlier attempt of the create succeeded", planned.key(), table);
                    return planned.key();
                }
                if (e instanceof FileAlreadyExistsException) {
                    log.warn("Log name %s of table %s is taken by another writer; retrying with a fresh name", planned.key(), table);
                }
                else {
                    log.warn(e, "Creating log %s of table %s failed; retrying with a fresh name", planned.key(), table);
                }
                planned = null;
            }
        }
        if (planned != null) {
            // the last attempts could not find out whether the log exists
            throw new TrinoException(ICEDB_COMMIT_ERROR, format(
                    "Commit to table %s failed after %s attempts and its outcome is unknown: log %s may or may not exist (check the table before retrying the statement): %s",
                    table,
                    MAX_ATTEMPTS,
                    planned.key(),
                    lastFailure.getMessage()), lastFailure);
        }
        throw new TrinoException(ICEDB_COMMIT_ERROR, format("Failed to commit to table %s after %s attempts: %s", table, MAX_ATTEMPTS, lastFailure == null ? "" : lastFailure.getMessage()), lastFailure);
    }

    /**
     * The table's schema now; empty for a table that has no log yet (a CREATE TABLE AS committing).
     */
    public Optional<Schema> currentSchema(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location)
    {
        try {
            Snapshot snapshot = snapshotLoader.load(identity, table, location, SnapshotTime.latest());
            return Optional.of(snapshot.schema());
        }
        catch (TrinoException e) {
            if (e.getCause() instanceof NoSnapshotException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static Schema union(SchemaTableName table, Schema current, Schema written)
    {
        try {
            return current.union(written, "the new log");
        }
        catch (SchemaConflictException e) {
            throw new TrinoException(ICEDB_SCHEMA_CONFLICT, format(
                    "Cannot commit to table %s: column '%s' has type %s in the table but %s in the written data",
                    table,
                    e.column(),
                    e.existingType(),
                    e.conflictingType()), e);
        }
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

    /**
     * A path-safe writer id without {@code _}: {@code trino-} and the query id's letters, digits and dashes.
     */
    static String hostPrefix(String writerId)
    {
        String sanitized = writerId.toLowerCase(ENGLISH).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (sanitized.length() > 100) {
            sanitized = sanitized.substring(0, 100);
        }
        return sanitized.isEmpty() ? "trino" : "trino-" + sanitized;
    }
}
