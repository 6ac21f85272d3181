package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.trino.spi.session.PropertyMetadata;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.trino.spi.session.PropertyMetadata.stringProperty;

/**
 * Table properties; for now the table's location, which {@code SHOW CREATE TABLE} shows.
 */
public final class IcedbTableProperties
{
    public static final String LOCATION_PROPERTY = "location";

    private final List<PropertyMetadata<?>> tableProperties;

    @Inject
    public IcedbTableProperties()
    {
        tableProperties = ImmutableList.of(
                stringProperty(LOCATION_PROPERTY, "Location of the table: its key prefix in a bucket, e.g. s3://bucket/events", null, false));
    }

    public List<PropertyMetadata<?>> getTableProperties()
    {
        return tableProperties;
    }

    public static Optional<String> getLocation(Map<String, Object> tableProperties)
    {
        return Optional.ofNullable((String) tableProperties.get(LOCATION_PROPERTY));
    }
}
