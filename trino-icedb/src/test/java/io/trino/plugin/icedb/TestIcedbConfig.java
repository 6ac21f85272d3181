package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableMap;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static java.util.concurrent.TimeUnit.SECONDS;

public class TestIcedbConfig
{
    @Test
    public void testDefaults()
    {
        assertRecordedDefaults(recordDefaults(IcedbConfig.class)
                .setWarehouse(null)
                .setLogCacheMaxSize(DataSize.of(256, MEGABYTE))
                .setLogReadThreads(16)
                .setMaxSplitSize(DataSize.of(64, MEGABYTE))
                .setDynamicFilteringWaitTimeout(new Duration(1, SECONDS))
                .setExtendedStatisticsEnabled(true)
                .setCollectExtendedStatisticsOnWrite(true)
                .setRegisterTableProcedureEnabled(false));
    }

    @Test
    public void testExplicitPropertyMappings()
    {
        Map<String, String> properties = ImmutableMap.<String, String>builder()
                .put("icedb.warehouse", "s3://bucket/warehouse")
                .put("icedb.log-cache.max-size", "5MB")
                .put("icedb.log-read-threads", "3")
                .put("icedb.max-split-size", "8MB")
                .put("icedb.dynamic-filtering.wait-timeout", "30s")
                .put("icedb.extended-statistics.enabled", "false")
                .put("icedb.extended-statistics.collect-on-write", "false")
                .put("icedb.register-table-procedure.enabled", "true")
                .buildOrThrow();

        IcedbConfig expected = new IcedbConfig()
                .setWarehouse("s3://bucket/warehouse")
                .setLogCacheMaxSize(DataSize.of(5, MEGABYTE))
                .setLogReadThreads(3)
                .setMaxSplitSize(DataSize.of(8, MEGABYTE))
                .setDynamicFilteringWaitTimeout(new Duration(30, SECONDS))
                .setExtendedStatisticsEnabled(false)
                .setCollectExtendedStatisticsOnWrite(false)
                .setRegisterTableProcedureEnabled(true);

        assertFullMapping(properties, expected);
    }
}
