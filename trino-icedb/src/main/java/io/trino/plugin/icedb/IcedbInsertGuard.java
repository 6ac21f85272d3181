package io.trino.plugin.icedb;

import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.identity.TableIdentity;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.TableOwnership;
import io.icedb.engine.table.TableLog;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.spi.StandardErrorCode.TABLE_NOT_FOUND;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Keeps an INSERT from committing into a table that was dropped (or dropped and created again) while it ran
 * ({@code docs/concurrency.md}). The insert reads the table's {@link TableIdentity} when it begins; its commit checks,
 * before and after creating its log, that the identity is unchanged and not marked dropped and that the table has a log
 * besides its own. DROP TABLE marks the identity dropped before it lists and deletes anything, so every insert commit
 * either completes before the DROP lists the logs (and the DROP deletes it with the table) or sees the mark and
 * fails, deleting the log it created and its parts.
 */
public final class IcedbInsertGuard
{
    private IcedbInsertGuard() {}

    /**
     * The identity an insert begins on.
     */
    public static Optional<String> begin(IcedbFileIo fileIo, SchemaTableName table, IcedbTableLocation location)
    {
        TableIdentity identity = read(fileIo, table, location);
        if (identity.dropped()) {
            throw dropped(table, location);
        }
        return identity.tableId();
    }

    /**
     * Commits the insert with {@code commit} (which returns the created log's key) if the table is still the one the
     * insert began on.
     */
    public static String commit(IcedbFileIo fileIo, SchemaTableName table, IcedbTableLocation location, Optional<String> beganOn, List<FileMarker> parts, Supplier<String> commit)
    {
        requireNonNull(beganOn, "beganOn is null");
        TableIdentity expected = new TableIdentity(beganOn, false);
        if (!isSameTable(fileIo, table, location, expected, Optional.empty())) {
            deleteParts(fileIo, location, parts, Optional.empty());
            throw dropped(table, location);
        }
        String logKey = commit.get();
        if (!isSameTable(fileIo, table, location, expected, Optional.of(logKey))) {
            deleteParts(fileIo, location, parts, Optional.of(logKey));
            throw dropped(table, location);
        }
        return logKey;
    }

    private static boolean isSameTable(IcedbFileIo fileIo, SchemaTableName table, IcedbTableLocation location, TableIdentity expected, Optional<String> ownLog)
    {
        if (!expected.sameLiveTable(read(fileIo, table, location))) {
            return false;
        }
        try {
            return TableLog.uncached(fileIo, location.prefix()).hasLogsOtherThan(ownLog);
        }
        catch (StorageException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to list the logs of table %s (%s): %s", table, location, e.getMessage()), e);
        }
    }

    private static void deleteParts(IcedbFileIo fileIo, IcedbTableLocation location, List<FileMarker> parts, Optional<String> ownLog)
    {
        TableOwnership ownership = TableOwnership.of(location.prefix());
        try {
            // the log first: from then on nothing names the parts
            if (ownLog.isPresent()) {
                fileIo.delete(ownLog.get());
            }
            fileIo.deleteAll(parts.stream().map(FileMarker::path).filter(ownership::ownsPart).toList());
        }
        catch (IOException e) {
            // the DROP that made the commit fail deletes the table's objects, ours included, or remove_orphan_files does
        }
    }

    private static TableIdentity read(IcedbFileIo fileIo, SchemaTableName table, IcedbTableLocation location)
    {
        try {
            return TableIdentity.read(fileIo, location.prefix());
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to read the identity of table %s (%s): %s", table, location, e.getMessage()), e);
        }
        catch (IcedbException e) {
            throw IcedbExceptions.translate(table, location, e);
        }
    }

    private static TrinoException dropped(SchemaTableName table, IcedbTableLocation location)
    {
        return new TrinoException(TABLE_NOT_FOUND, format("Table %s (%s) was dropped, or dropped and created again, while the statement ran: nothing was committed", table, location));
    }
}
