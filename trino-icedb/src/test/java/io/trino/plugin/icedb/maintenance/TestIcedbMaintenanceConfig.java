package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableMap;
import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static java.util.concurrent.TimeUnit.DAYS;
import static java.util.concurrent.TimeUnit.HOURS;
import static java.util.concurrent.TimeUnit.MINUTES;
import static java.util.concurrent.TimeUnit.SECONDS;

public class TestIcedbMaintenanceConfig
{
    @Test
    public void testDefaults()
    {
        assertRecordedDefaults(recordDefaults(IcedbMaintenanceConfig.class)
                .setCleanupMinRetention(new Duration(7, DAYS))
                .setRemoveOrphanFilesMinRetention(new Duration(7, DAYS))
                .setLeaseDuration(new Duration(1, MINUTES))
                .setLeaseClockSkewAllowance(new Duration(10, SECONDS)));
    }

    @Test
    public void testExplicitPropertyMappings()
    {
        Map<String, String> properties = ImmutableMap.<String, String>builder()
                .put("icedb.cleanup.min-retention", "1h")
                .put("icedb.remove-orphan-files.min-retention", "2h")
                .put("icedb.maintenance.lease-duration", "30s")
                .put("icedb.maintenance.lease-clock-skew-allowance", "2s")
                .buildOrThrow();

        IcedbMaintenanceConfig expected = new IcedbMaintenanceConfig()
                .setCleanupMinRetention(new Duration(1, HOURS))
                .setRemoveOrphanFilesMinRetention(new Duration(2, HOURS))
                .setLeaseDuration(new Duration(30, SECONDS))
                .setLeaseClockSkewAllowance(new Duration(2, SECONDS));

        assertFullMapping(properties, expected);
    }
}
