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
    public static final String PRIMARY_KEY_PROPERTY = "primary_key";
    public static final String MERGE_ENGINE_PROPERTY = "merge_engine";
    public static final String VERSION_COLUMN_PROPERTY = "version_column";
    public static final String AGGREGATES_PROPERTY = "aggregates";

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
                .add(stringListProperty(PRIMARY_KEY_PROPERTY, "Primary key columns: rows with one key combine by the merge_engine", true))
                .add(stringProperty(MERGE_ENGINE_PROPERTY, "How rows with one primary key combine: append (default, all rows kept), deduplicate, first_row, aggregate", "append", false))
                .add(stringProperty(VERSION_COLUMN_PROPERTY, "For merge_engine 'deduplicate': the row with the greatest value of this column wins", null, false))
                .add(stringListProperty(AGGREGATES_PROPERTY, "For merge_engine 'aggregate': function(column) with sum, min, max, count, bool_and, bool_or, any", false))
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

    public static List<String> getPrimaryKey(Map<String, Object> properties)
    {
        return stringList(properties, PRIMARY_KEY_PROPERTY);
    }

    public static String getMergeEngine(Map<String, Object> properties)
    {
        Object engine = properties.get(MERGE_ENGINE_PROPERTY);
        return engine == null ? "append" : (String) engine;
    }

    public static Optional<String> getVersionColumn(Map<String, Object> properties)
    {
        return Optional.ofNullable((String) properties.get(VERSION_COLUMN_PROPERTY));
    }

    public static List<String> getAggregates(Map<String, Object> properties)
    {
        return stringList(properties, AGGREGATES_PROPERTY);
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
