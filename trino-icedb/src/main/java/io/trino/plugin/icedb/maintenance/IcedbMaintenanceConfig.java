package io.trino.plugin.icedb.maintenance;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.Duration;
import io.airlift.units.MinDuration;
import jakarta.validation.constraints.NotNull;

import static java.util.concurrent.TimeUnit.DAYS;
import static java.util.concurrent.TimeUnit.MINUTES;
import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * Limits of the maintenance procedures ({@code merge}, {@code cleanup}, {@code remove_orphan_files}).
 */
public class IcedbMaintenanceConfig
{
    private Duration cleanupMinRetention = new Duration(7, DAYS);
    private Duration removeOrphanFilesMinRetention = new Duration(7, DAYS);
    private Duration leaseDuration = new Duration(1, MINUTES);
    private Duration leaseClockSkewAllowance = new Duration(10, SECONDS);

    @NotNull
    public Duration getCleanupMinRetention()
    {
        return cleanupMinRetention;
    }

    @Config("icedb.cleanup.min-retention")
    @ConfigDescription("Minimal retention that the cleanup procedure accepts: every snapshot inside the retention stays readable")
    public IcedbMaintenanceConfig setCleanupMinRetention(Duration cleanupMinRetention)
    {
        this.cleanupMinRetention = cleanupMinRetention;
        return this;
    }

    @NotNull
    public Duration getRemoveOrphanFilesMinRetention()
    {
        return removeOrphanFilesMinRetention;
    }

    @Config("icedb.remove-orphan-files.min-retention")
    @ConfigDescription("Minimal age of an unreferenced object that remove_orphan_files deletes (protects parts of writes still in flight)")
    public IcedbMaintenanceConfig setRemoveOrphanFilesMinRetention(Duration removeOrphanFilesMinRetention)
    {
        this.removeOrphanFilesMinRetention = removeOrphanFilesMinRetention;
        return this;
    }

    @NotNull
    @MinDuration("1s")
    public Duration getLeaseDuration()
    {
        return leaseDuration;
    }

    @Config("icedb.maintenance.lease-duration")
    @ConfigDescription("How long the table's lease lasts without renewal; a running operation renews it every third of this, so a crashed holder blocks others for at most this plus 10s")
    public IcedbMaintenanceConfig setLeaseDuration(Duration leaseDuration)
    {
        this.leaseDuration = leaseDuration;
        return this;
    }

    @NotNull
    public Duration getLeaseClockSkewAllowance()
    {
        return leaseClockSkewAllowance;
    }

    @Config("icedb.maintenance.lease-clock-skew-allowance")
    @ConfigDescription("How long after its expiry a lease still counts as held, for holders whose clock is behind; it only delays taking over the lease of a crashed holder")
    public IcedbMaintenanceConfig setLeaseClockSkewAllowance(Duration leaseClockSkewAllowance)
    {
        this.leaseClockSkewAllowance = leaseClockSkewAllowance;
        return this;
    }
}
