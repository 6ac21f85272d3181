package io.trino.plugin.icedb.maintenance;

import io.airlift.log.Logger;
import io.icedb.engine.lease.LeaseHandle;
import io.trino.spi.connector.ConnectorSession;

import static java.util.Objects.requireNonNull;

/**
 * A statement that holds a table's lease across the coordinator calls of one query ({@code EXECUTE merge}, row-level
 * DML): the lease, kept renewed from {@link #begin} until the statement commits or {@link #release}s it.
 */
public record LeasedRun(MaintainedTable table, String operation, long startedMillis, LeaseHandle lease, AutoCloseable renewal)
{
    private static final Logger log = Logger.get(LeasedRun.class);

    public LeasedRun
    {
        requireNonNull(table, "table is null");
        requireNonNull(operation, "operation is null");
        requireNonNull(lease, "lease is null");
        requireNonNull(renewal, "renewal is null");
    }

    /**
     * Takes the table's lease for {@code operation} and keeps it renewed.
     */
    public static LeasedRun begin(IcedbMaintenance maintenance, ConnectorSession session, MaintainedTable table, String operation)
    {
        long startedMillis = maintenance.clock().millis();
        LeaseHandle lease = maintenance.acquireLease(session, table, operation);
        try {
            return new LeasedRun(table, operation, startedMillis, lease, maintenance.keepRenewed(table, lease));
        }
        catch (RuntimeException e) {
            try {
                lease.close();
            }
            catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    public void stopRenewing()
    {
        try {
            renewal.close();
        }
        catch (Exception e) {
            log.warn(e, "Failed to stop renewing the maintenance lease of table %s", table);
        }
    }

    /**
     * The statement ended without committing: stops renewing and releases the lease.
     */
    public void release()
    {
        stopRenewing();
        try {
            lease.close();
        }
        catch (RuntimeException e) {
            log.warn(e, "Failed to release the maintenance lease of table %s; it expires on its own", table);
        }
    }
}
