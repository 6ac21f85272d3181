package io.trino.plugin.icedb;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.configuration.DefunctConfig;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static java.util.concurrent.TimeUnit.SECONDS;

@DefunctConfig("icedb.log-cache.max-entries")
public class IcedbConfig
{
    public static final String EXTENDED_STATISTICS_CONFIG = "icedb.extended-statistics.enabled";

    private String warehouse;
    private DataSize logCacheMaxSize = DataSize.of(256, MEGABYTE);
    private int logReadThreads = 16;
    private DataSize maxSplitSize = DataSize.of(64, MEGABYTE);
    private boolean registerTableProcedureEnabled;
    private Duration dynamicFilteringWaitTimeout = new Duration(1, SECONDS);
    private boolean extendedStatisticsEnabled = true;
    private boolean collectExtendedStatisticsOnWrite = true;

    @NotNull
    public String getWarehouse()
    {
        return warehouse;
    }

    @Config("icedb.warehouse")
    @ConfigDescription("Root location of the warehouse: s3://bucket[/path] or local:///path; schemas are its directories")
    public IcedbConfig setWarehouse(String warehouse)
    {
        this.warehouse = warehouse;
        return this;
    }

    @NotNull
    public DataSize getLogCacheMaxSize()
    {
        return logCacheMaxSize;
    }

    @Config("icedb.log-cache.max-size")
    @ConfigDescription("Memory for parsed log files (log files are immutable), over all tables; 0B disables the cache")
    public IcedbConfig setLogCacheMaxSize(DataSize logCacheMaxSize)
    {
        this.logCacheMaxSize = logCacheMaxSize;
        return this;
    }

    @Min(1)
    public int getLogReadThreads()
    {
        return logReadThreads;
    }

    @Config("icedb.log-read-threads")
    @ConfigDescription("Threads that read log files in parallel while planning")
    public IcedbConfig setLogReadThreads(int logReadThreads)
    {
        this.logReadThreads = logReadThreads;
        return this;
    }

    @NotNull
    public DataSize getMaxSplitSize()
    {
        return maxSplitSize;
    }

    @Config("icedb.max-split-size")
    @ConfigDescription("Parts larger than this are read by several splits, each taking the row groups that start in its byte range")
    public IcedbConfig setMaxSplitSize(DataSize maxSplitSize)
    {
        this.maxSplitSize = maxSplitSize;
        return this;
    }

    public boolean isRegisterTableProcedureEnabled()
    {
        return registerTableProcedureEnabled;
    }

    @Config("icedb.register-table-procedure.enabled")
    @ConfigDescription("Allow users to call the register_table procedure")
    public IcedbConfig setRegisterTableProcedureEnabled(boolean registerTableProcedureEnabled)
    {
        this.registerTableProcedureEnabled = registerTableProcedureEnabled;
        return this;
    }

    @NotNull
    public Duration getDynamicFilteringWaitTimeout()
    {
        return dynamicFilteringWaitTimeout;
    }

    @Config("icedb.dynamic-filtering.wait-timeout")
    @ConfigDescription("Duration to wait for completion of dynamic filters during split generation")
    public IcedbConfig setDynamicFilteringWaitTimeout(Duration dynamicFilteringWaitTimeout)
    {
        this.dynamicFilteringWaitTimeout = dynamicFilteringWaitTimeout;
        return this;
    }

    public boolean isExtendedStatisticsEnabled()
    {
        return extendedStatisticsEnabled;
    }

    @Config(EXTENDED_STATISTICS_CONFIG)
    @ConfigDescription("Enable collection (ANALYZE) and use of extended statistics (distinct-value sketches)")
    public IcedbConfig setExtendedStatisticsEnabled(boolean extendedStatisticsEnabled)
    {
        this.extendedStatisticsEnabled = extendedStatisticsEnabled;
        return this;
    }

    public boolean isCollectExtendedStatisticsOnWrite()
    {
        return collectExtendedStatisticsOnWrite;
    }

    @Config("icedb.extended-statistics.collect-on-write")
    @ConfigDescription("Collect extended statistics during writes: CTAS and inserts into an empty table start the sketches, inserts extend them")
    public IcedbConfig setCollectExtendedStatisticsOnWrite(boolean collectExtendedStatisticsOnWrite)
    {
        this.collectExtendedStatisticsOnWrite = collectExtendedStatisticsOnWrite;
        return this;
    }
}
