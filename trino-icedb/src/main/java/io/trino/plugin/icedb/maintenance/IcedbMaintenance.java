package io.trino.plugin.icedb.maintenance;

import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.LeaseUnavailableException;
import io.icedb.engine.history.MaintenanceHistory;
import io.icedb.engine.history.MaintenanceRun;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.lease.LeaseOptions;
import io.icedb.engine.lease.MaintenanceLease;
import io.icedb.engine.spec.LogFileName;
import io.trino.plugin.icedb.IcedbExceptions;
import io.trino.plugin.icedb.IcedbSnapshotLoader;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.spi.NodeManager;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import jakarta.annotation.PreDestroy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;

import static io.airlift.concurrent.Threads.daemonThreadsNamed;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.Executors.newSingleThreadScheduledExecutor;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * What every maintenance operation shares: finding the table, taking its maintenance lease
 * ({@code docs/maintenance-lease.md}), naming the logs it writes and translating the engine's errors.
 */
public final class IcedbMaintenance
{
    private static final Logger log = Logger.get(IcedbMaintenance.class);

    /**
     * The host part of the logs we write is {@code trino-} plus random characters, fresh for every commit, so a failed
     * commit's key is never reused.
     */
    private static final String LOG_HOST_PREFIX = "trino";

    private final IcedbCatalog catalog;
    private final IcedbSnapshotLoader snapshotLoader;
    private final NodeManager nodeManager;
    private final Duration leaseDuration;
    private final LeaseOptions leaseOptions;
    private final Clock clock;
    private final ScheduledExecutorService renewals = newSingleThreadScheduledExecutor(daemonThreadsNamed("icedb-lease-renewal-%s"));

    @Inject
    public IcedbMaintenance(IcedbCatalog catalog, IcedbSnapshotLoader snapshotLoader, NodeManager nodeManager, IcedbMaintenanceConfig config)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
        this.leaseDuration = config.getLeaseDuration().toJavaTime();
        this.leaseOptions = new LeaseOptions(config.getLeaseClockSkewAllowance().toJavaTime(), LeaseOptions.DEFAULT.pollInterval());
        this.clock = Clock.systemUTC();
    }

    public Clock clock()
    {
        return clock;
    }

    public Duration leaseDuration()
    {
        return leaseDuration;
    }

    /**
     * @throws TrinoException {@code INVALID_PROCEDURE_ARGUMENT} for a missing name, {@link TableNotFoundException} for an unknown table
     */
    public MaintainedTable table(ConnectorSession session, String schemaName, String tableName)
    {
        checkArgumentPresent(schemaName, "schema_name");
        checkArgumentPresent(tableName, "table_name");
        SchemaTableName name = new SchemaTableName(schemaName, tableName);
        IcedbTableLocation location = catalog.findTable(session.getIdentity(), name).orElseThrow(() -> new TableNotFoundException(name));
        return table(session, name, location);
    }

    public MaintainedTable table(ConnectorSession session, SchemaTableName name, IcedbTableLocation location)
    {
        return new MaintainedTable(name, location, snapshotLoader.tableLog(session.getIdentity(), location));
    }

    /**
     * Takes the table's maintenance lease, failing fast when another operation holds it.
     */
    public LeaseHandle acquireLease(ConnectorSession session, MaintainedTable table, String operation)
    {
        try {
            return acquireLease(session, table, operation, Duration.ZERO);
        }
        catch (IcedbException e) {
            throw translate(table, e);
        }
    }

    /**
     * Records what a run that changed the table did, for {@code "t$maintenance"}. The run's work is done and stays done:
     * a record that cannot be written is only logged.
     */
    public void recordRun(ConnectorSession session, MaintainedTable table, String operation, long startedMillis, Optional<String> logKey, Map<String, Long> metrics)
    {
        MaintenanceRun run = new MaintenanceRun(operation, startedMillis, clock.millis(), holder(session, operation), logKey, metrics);
        try {
            MaintenanceHistory.record(table.fileIo(), table.prefix(), run);
        }
        catch (IOException | RuntimeException e) {
            log.warn(e, "Failed to record the %s run of table %s in its maintenance history: %s", operation, table, metrics);
        }
    }

    /**
     * The recorded maintenance runs of the table, oldest first.
     */
    public List<MaintenanceRun> history(ConnectorSession session, SchemaTableName name, IcedbTableLocation location)
    {
        MaintainedTable table = table(session, name, location);
        try {
            return MaintenanceHistory.read(table.fileIo(), table.prefix());
        }
        catch (IcedbException e) {
            throw translate(table, e);
        }
    }

    private String holder(ConnectorSession session, String operation)
    {
        return format("%s/%s/%s", nodeManager.getCurrentNode().getNodeIdentifier(), session.getQueryId(), operation);
    }

    /**
     * Takes the table's lease, waiting up to {@code waitTimeout} for another holder to release it or for its lease to expire.
     *
     * @throws LeaseUnavailableException when another holder still has it then
     */
    public LeaseHandle acquireLease(ConnectorSession session, MaintainedTable table, String operation, Duration waitTimeout)
    {
        LeaseHandle lease = new MaintenanceLease(table.fileIo(), table.prefix(), clock, leaseOptions).acquire(holder(session, operation), leaseDuration, waitTimeout);
        // a live holder renews its lease every third of its duration; a crashed one stops, and its lease frees soon after
        AutoCloseable renewal = keepRenewed(table, lease);
        lease.onRelease(() -> {
            try {
                renewal.close();
            }
            catch (Exception e) {
                log.warn(e, "Failed to stop renewing the maintenance lease of table %s", table);
            }
        });
        return lease;
    }

    /**
     * Renews the lease when less than half of its duration is left (between long steps of an operation).
     */
    public void renewIfHalfGone(MaintainedTable table, LeaseHandle lease)
    {
        Instant renewAt = lease.expiresAt().minus(leaseDuration.dividedBy(2));
        if (!clock.instant().isBefore(renewAt)) {
            try {
                lease.renew();
            }
            catch (IcedbException e) {
                throw translate(table, e);
            }
        }
    }

    /**
     * Renews the lease every third of its duration until the returned handle is closed, for an operation whose steps
     * run elsewhere (the workers of {@code ALTER TABLE ... EXECUTE merge}). A renewal that fails is logged; the
     * operation then fails when it commits, fenced off.
     */
    public AutoCloseable keepRenewed(MaintainedTable table, LeaseHandle lease)
    {
        long period = Math.max(1, leaseDuration.toMillis() / 3);
        ScheduledFuture<?> renewal = renewals.scheduleWithFixedDelay(() -> {
            try {
                lease.renew();
            }
            catch (RuntimeException e) {
                log.warn(e, "Failed to renew the maintenance lease of table %s", table);
            }
        }, period, period, MILLISECONDS);
        return () -> renewal.cancel(false);
    }

    @PreDestroy
    public void shutdown()
    {
        renewals.shutdownNow();
    }

    public static String newLogHost()
    {
        return LogFileName.uniqueHost(LOG_HOST_PREFIX);
    }

    public static TrinoException translate(MaintainedTable table, IcedbException exception)
    {
        return IcedbExceptions.translate(table.name(), table.location(), exception);
    }

    public static void checkArgumentPresent(String value, String name)
    {
        if (value == null || value.isEmpty()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, name + " cannot be null or empty");
        }
    }
}
