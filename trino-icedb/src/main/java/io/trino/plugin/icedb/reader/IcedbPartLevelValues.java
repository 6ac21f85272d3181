package io.trino.plugin.icedb.reader;

import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.IcedbPartitionPruning;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.Constraint;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.NullableValue;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.Type;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static io.airlift.slice.Slices.utf8Slice;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;

/**
 * Values of the columns known for a whole part: its partition keys and hidden columns.
 */
public final class IcedbPartLevelValues
{
    private IcedbPartLevelValues() {}

    public static NullableValue value(IcedbColumnHandle column, IcedbSplit split, Map<String, Optional<String>> hiveKeys)
    {
        return switch (column.kind()) {
            case PARTITION_KEY -> hiveKeys.getOrDefault(column.name(), Optional.empty())
                    .map(value -> NullableValue.of(VARCHAR, utf8Slice(value)))
                    .orElseGet(() -> NullableValue.asNull(VARCHAR));
            case PATH -> NullableValue.of(VARCHAR, utf8Slice(split.path()));
            case PARTITION -> NullableValue.of(VARCHAR, utf8Slice(split.partition()));
            case FILE_SIZE -> NullableValue.of(BIGINT, split.fileSize());
            case FILE_MODIFIED_TIME -> NullableValue.of(TIMESTAMP_TZ_MILLIS, packDateTimeWithZone(split.fileModifiedMillis(), UTC_KEY));
            case REGULAR, MERGE_ROW_ID -> throw new IllegalArgumentException("Not a part-level column: " + column);
        };
    }

    /**
     * Whether the part can hold rows that satisfy the part-level domains of {@code predicate}.
     */
    public static boolean matches(IcedbSplit split, TupleDomain<IcedbColumnHandle> predicate)
    {
        if (predicate.isNone()) {
            return false;
        }
        Map<IcedbColumnHandle, Domain> domains = predicate.getDomains().orElseThrow();
        if (domains.isEmpty()) {
            return true;
        }
        Map<String, Optional<String>> hiveKeys = IcedbPartitions.hiveKeys(split.partition());
        for (Map.Entry<IcedbColumnHandle, Domain> entry : domains.entrySet()) {
            if (!entry.getKey().isPartLevel()) {
                continue;
            }
            if (!entry.getValue().includesNullableValue(value(entry.getKey(), split, hiveKeys).getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the rows of the part satisfy {@code enforced} (a table handle's enforced predicate): its part-level
     * domains and its domains on the columns the table is identity-partitioned by, which the path decides exactly.
     *
     * @param fields the table's partitioning, with the type of each field's column in {@code fieldTypes}
     */
    public static boolean matchesEnforced(IcedbSplit split, TupleDomain<IcedbColumnHandle> enforced, List<IcedbPartitionField> fields, List<Type> fieldTypes)
    {
        if (!matches(split, enforced)) {
            return false;
        }
        Map<String, Domain> columnDomains = enforced.getDomains().orElseThrow().entrySet().stream()
                .filter(entry -> !entry.getKey().isPartLevel())
                .collect(toImmutableMap(entry -> entry.getKey().name(), Map.Entry::getValue));
        return columnDomains.isEmpty() || IcedbPartitionPruning.mayContain(fields, fieldTypes, IcedbPartitions.hiveKeys(split.partition()), columnDomains);
    }

    /**
     * Whether the part can hold rows that satisfy the part-level expression of {@code constraint} (for example
     * {@code substr(u, 1, 4) = 'user'}, which is no domain), evaluated on its partition values.
     */
    public static boolean matches(IcedbSplit split, Constraint constraint)
    {
        if (constraint.predicate().isEmpty() || constraint.getPredicateColumns().isEmpty()) {
            return true;
        }
        Set<ColumnHandle> columns = constraint.getPredicateColumns().get();
        if (!columns.stream().allMatch(column -> ((IcedbColumnHandle) column).isPartLevel())) {
            return true;
        }
        Map<String, Optional<String>> hiveKeys = IcedbPartitions.hiveKeys(split.partition());
        Map<ColumnHandle, NullableValue> values = new HashMap<>();
        for (ColumnHandle column : columns) {
            values.put(column, value((IcedbColumnHandle) column, split, hiveKeys));
        }
        return constraint.predicate().get().test(values);
    }
}
