package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import io.trino.plugin.base.session.SessionPropertiesProvider;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.session.PropertyMetadata;

import java.util.List;

import static io.trino.plugin.base.session.PropertyMetadataUtil.dataSizeProperty;
import static io.trino.plugin.base.session.PropertyMetadataUtil.durationProperty;
import static io.trino.spi.session.PropertyMetadata.booleanProperty;

public final class IcedbSessionProperties
        implements SessionPropertiesProvider
{
    public static final String MAX_SPLIT_SIZE = "max_split_size";
    public static final String PROJECTION_PUSHDOWN_ENABLED = "projection_pushdown_enabled";
    public static final String DYNAMIC_FILTERING_WAIT_TIMEOUT = "dynamic_filtering_wait_timeout";
    public static final String INCREMENTAL_REFRESH_ENABLED = "incremental_refresh_enabled";
    public static final String MERGE_ON_READ_ENABLED = "merge_on_read_enabled";
    public static final String EXTENDED_STATISTICS_ENABLED = "extended_statistics_enabled";
    public static final String COLLECT_EXTENDED_STATISTICS_ON_WRITE = "collect_extended_statistics_on_write";

    private final List<PropertyMetadata<?>> sessionProperties;

    @Inject
    public IcedbSessionProperties(IcedbConfig config)
    {
        sessionProperties = ImmutableList.of(
                dataSizeProperty(
                        MAX_SPLIT_SIZE,
                        "Parts larger than this are read by several splits, each taking the row groups that start in its byte range",
                        config.getMaxSplitSize(),
                        false),
                booleanProperty(
                        PROJECTION_PUSHDOWN_ENABLED,
                        "Read only the row fields a query dereferences (like the Iceberg connector's property of the same name)",
                        true,
                        false),
                durationProperty(
                        DYNAMIC_FILTERING_WAIT_TIMEOUT,
                        "Duration to wait for completion of dynamic filters during split generation",
                        config.getDynamicFilteringWaitTimeout(),
                        false),
                booleanProperty(
                        INCREMENTAL_REFRESH_ENABLED,
                        "Refresh materialized views incrementally when the source only gained rows (like the Iceberg connector's property of the same name)",
                        true,
                        false),
                booleanProperty(
                        MERGE_ON_READ_ENABLED,
                        "Tables with a merge engine read one row per primary key, merged on read (like ClickHouse's FINAL); off: the raw rows of the parts",
                        true,
                        false),
                booleanProperty(
                        EXTENDED_STATISTICS_ENABLED,
                        "Enable collection (ANALYZE) and use of extended statistics (distinct-value sketches)",
                        config.isExtendedStatisticsEnabled(),
                        false),
                booleanProperty(
                        COLLECT_EXTENDED_STATISTICS_ON_WRITE,
                        "Collect extended statistics during writes",
                        config.isCollectExtendedStatisticsOnWrite(),
                        false));
    }

    @Override
    public List<PropertyMetadata<?>> getSessionProperties()
    {
        return sessionProperties;
    }

    public static boolean isProjectionPushdownEnabled(ConnectorSession session)
    {
        return session.getProperty(PROJECTION_PUSHDOWN_ENABLED, Boolean.class);
    }

    public static boolean isIncrementalRefreshEnabled(ConnectorSession session)
    {
        return session.getProperty(INCREMENTAL_REFRESH_ENABLED, Boolean.class);
    }

    public static Duration getDynamicFilteringWaitTimeout(ConnectorSession session)
    {
        return session.getProperty(DYNAMIC_FILTERING_WAIT_TIMEOUT, Duration.class);
    }

    public static boolean isMergeOnReadEnabled(ConnectorSession session)
    {
        return session.getProperty(MERGE_ON_READ_ENABLED, Boolean.class);
    }

    public static DataSize getMaxSplitSize(ConnectorSession session)
    {
        return session.getProperty(MAX_SPLIT_SIZE, DataSize.class);
    }

    public static boolean isExtendedStatisticsEnabled(ConnectorSession session)
    {
        return session.getProperty(EXTENDED_STATISTICS_ENABLED, Boolean.class);
    }

    public static boolean isCollectExtendedStatisticsOnWrite(ConnectorSession session)
    {
        return session.getProperty(COLLECT_EXTENDED_STATISTICS_ON_WRITE, Boolean.class);
    }
}
