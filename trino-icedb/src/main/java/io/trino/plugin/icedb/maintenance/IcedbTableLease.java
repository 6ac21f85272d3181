package io.trino.plugin.icedb.maintenance;

import io.airlift.log.Logger;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.lease.MaintenanceLease;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.TableNotFoundException;

import java.io.IOException;
import java.time.Duration;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Runs a statement that changes a table's metadata (ADD COLUMN, comments, DROP TABLE) under the table's maintenance
 * lease, so that such statements and maintenance run one at a time per table ({@code docs/concurrency.md}). The
 * statement waits up to {@link #WAIT} for the lease, and must read what it changes (the schema, the properties) only
 * once it holds it.
 */
public final class IcedbTableLease
{
    public static final Duration WAIT = Duration.ofSeconds(30);

    private static final Logger log = Logger.get(IcedbTableLease.class);

    private IcedbTableLease() {}

    public interface Action<T>
    {
        T run(LeaseHandle lease)
                throws IOException;
    }

    public static <T> T withLease(IcedbMaintenance maintenance, ConnectorSession session, MaintainedTable table, String operation, Action<T> action)
    {
        requireNonNull(action, "action is null");
        LeaseHandle lease;
        try {
            lease = maintenance.acquireLease(session, table, operation, WAIT);
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
        try {
            return action.run(lease);
        }
        catch (TableNotFoundException e) {
            // dropped while we waited: leave nothing of ours in the dropped table's directory
            lease.abandon();
            deleteLeaseObjects(table);
            throw e;
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("%s of table %s (%s) failed: %s", operation, table.name(), table.location(), e.getMessage()), e);
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
        finally {
            try {
                lease.release();
            }
            catch (RuntimeException e) {
                log.warn(e, "Failed to release the lease of table %s after %s; it expires on its own", table, operation);
            }
        }
    }

    private static void deleteLeaseObjects(MaintainedTable table)
    {
        String leasePrefix = MaintenanceLease.leasePrefix(table.prefix());
        try {
            table.fileIo().deleteAll(table.fileIo().list(leasePrefix).stream().map(FileEntry::key).toList());
        }
        catch (IOException | RuntimeException e) {
            log.warn(e, "Failed to delete the lease objects under %s of dropped table %s", leasePrefix, table);
        }
    }
}
