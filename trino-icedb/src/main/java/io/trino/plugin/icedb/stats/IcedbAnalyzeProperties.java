package io.trino.plugin.icedb.stats;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.trino.spi.TrinoException;
import io.trino.spi.session.PropertyMetadata;
import io.trino.spi.type.ArrayType;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.spi.StandardErrorCode.INVALID_ANALYZE_PROPERTY;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Locale.ENGLISH;

/**
 * {@code ANALYZE ... WITH (columns = ARRAY[...])}, as the Iceberg connector's.
 */
public final class IcedbAnalyzeProperties
{
    public static final String COLUMNS_PROPERTY = "columns";

    private final List<PropertyMetadata<?>> analyzeProperties;

    @Inject
    public IcedbAnalyzeProperties()
    {
        analyzeProperties = ImmutableList.of(new PropertyMetadata<>(
                COLUMNS_PROPERTY,
                "Columns to be analyzed",
                new ArrayType(VARCHAR),
                Set.class,
                null,
                false,
                IcedbAnalyzeProperties::decodeColumnNames,
                value -> value));
    }

    public List<PropertyMetadata<?>> getAnalyzeProperties()
    {
        return analyzeProperties;
    }

    @SuppressWarnings("unchecked")
    public static Optional<Set<String>> getColumnNames(Map<String, Object> properties)
    {
        return Optional.ofNullable((Set<String>) properties.get(COLUMNS_PROPERTY));
    }

    private static Set<String> decodeColumnNames(Object object)
    {
        if (object == null) {
            return null;
        }
        return ((Collection<?>) object).stream()
                .map(column -> {
                    if (column == null) {
                        throw new TrinoException(INVALID_ANALYZE_PROPERTY, "Invalid null value in analyze columns property");
                    }
                    return ((String) column).toLowerCase(ENGLISH);
                })
                .collect(toImmutableSet());
    }
}
