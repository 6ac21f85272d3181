package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.trino.plugin.icedb.writer.IcedbCompressionCodec;
import io.trino.spi.session.PropertyMetadata;
import io.trino.spi.type.ArrayType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.spi.session.PropertyMetadata.enumProperty;
import static io.trino.spi.session.PropertyMetadata.stringProperty;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Locale.ENGLISH;

/**
 * Table properties of {@code CREATE TABLE}, named like the Iceberg connector's. They are kept in the object store
 * beside the table ({@code P/_icedb/properties.json}, see {@link IcedbTableDefinition}), never under {@code _log}.
 */
public final class IcedbTableProperties
{
    public static final String PARTITIONING_PROPERTY = "partitioning";
    public static final String SORTED_BY_PROPERTY = "sorted_by";
    public static final String COMPRESSION_CODEC_PROPERTY = "compression_codec";
    public static final String LOCATION_PROPERTY = "location";
    public static final String PARQUET_BLOOM_FILTER_COLUMNS_PROPERTY = "parquet_bloom_filter_columns";

    private final List<PropertyMetadata<?>> tableProperties;

    @Inject
    public IcedbTableProperties()
    {
        tableProperties = ImmutableList.<PropertyMetadata<?>>builder()
                .add(stringListProperty(PARTITIONING_PROPERTY, "Partition transforms: col, year(col), month(col), day(col), hour(col), bucket(col, n), truncate(col, n)", false))
                .add(stringListProperty(SORTED_BY_PROPERTY, "Columns every part is sorted by: col [ASC|DESC] [NULLS FIRST|NULLS LAST]", false))
                .add(enumProperty(COMPRESSION_CODEC_PROPERTY, "Compression codec of the Parquet parts", IcedbCompressionCodec.class, IcedbCompressionCodec.DEFAULT, false))
                .add(stringProperty(LOCATION_PROPERTY, "Location of the table (s3://bucket/prefix or local:///path); default: a directory of the schema", null, false))
                .add(stringListProperty(PARQUET_BLOOM_FILTER_COLUMNS_PROPERTY, "Columns with a Parquet bloom filter", true))
                .build();
    }

    public List<PropertyMetadata<?>> getTableProperties()
    {
        return tableProperties;
    }

    public static List<String> getPartitioning(Map<String, Object> properties)
    {
        return stringList(properties, PARTITIONING_PROPERTY);
    }

    public static List<String> getSortedBy(Map<String, Object> properties)
    {
        return stringList(properties, SORTED_BY_PROPERTY);
    }

    public static IcedbCompressionCodec getCompressionCodec(Map<String, Object> properties)
    {
        Object codec = properties.get(COMPRESSION_CODEC_PROPERTY);
        return codec == null ? IcedbCompressionCodec.DEFAULT : (IcedbCompressionCodec) codec;
    }

    public static Optional<String> getLocation(Map<String, Object> properties)
    {
        return Optional.ofNullable((String) properties.get(LOCATION_PROPERTY));
    }

    public static List<String> getParquetBloomFilterColumns(Map<String, Object> properties)
    {
        return stringList(properties, PARQUET_BLOOM_FILTER_COLUMNS_PROPERTY);
    }

    private static List<String> stringList(Map<String, Object> properties, String name)
    {
        Object value = properties.get(name);
        if (value == null) {
            return ImmutableList.of();
        }
        return ((List<?>) value).stream()
                .map(String.class::cast)
                .collect(toImmutableList());
    }

    private static PropertyMetadata<List<String>> stringListProperty(String name, String description, boolean lowercase)
    {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<List<String>> javaType = (Class<List<String>>) (Class) List.class;
        return new PropertyMetadata<>(
                name,
                description,
                new ArrayType(VARCHAR),
                javaType,
                ImmutableList.of(),
                false,
                value -> ((List<?>) value).stream()
                        .map(String.class::cast)
                        .map(element -> lowercase ? element.toLowerCase(ENGLISH) : element)
                        .collect(toImmutableList()),
                value -> value);
    }
}
