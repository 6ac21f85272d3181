package io.trino.plugin.icedb.layout;

import io.airlift.slice.Slices;
import io.trino.spi.block.Block;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.predicate.ValueSet;
import io.trino.spi.type.BigintType;
import io.trino.spi.type.BooleanType;
import io.trino.spi.type.DateType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.Decimals;
import io.trino.spi.type.IntegerType;
import io.trino.spi.type.LongTimestamp;
import io.trino.spi.type.LongTimestampWithTimeZone;
import io.trino.spi.type.SmallintType;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.TimestampWithTimeZoneType;
import io.trino.spi.type.TinyintType;
import io.trino.spi.type.Type;
import io.trino.spi.type.VarcharType;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.trino.spi.predicate.Utils.nativeValueToBlock;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static java.util.Objects.requireNonNull;

/**
 * Whether a part may hold rows matching a predicate on the columns our partitioning derives its Hive keys from, judged
 * from the part's path alone. Unknown or unparsable keys never prune.
 */
public final class IcedbPartitionPruning
{
    private IcedbPartitionPruning() {}

    /**
     * @param fields the table's partitioning, with the type of each field's column in {@code types}
     * @param keys the Hive keys of the part's path
     * @param domains the predicate on the table's columns, by column name
     */
    public static boolean mayContain(List<IcedbPartitionField> fields, List<Type> types, Map<String, Optional<String>> keys, Map<String, Domain> domains)
    {
        for (int i = 0; i < fields.size(); i++) {
            IcedbPartitionField field = fields.get(i);
            Domain domain = domains.get(field.column());
            if (domain == null || !keys.containsKey(field.keyName())) {
                continue;
            }
            if (!mayContain(field, types.get(i), domain, keys.get(field.keyName()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@link #mayContain} with an identity field on a column of {@code type} is exact for {@code domain}: every
     * row of a part it keeps satisfies the domain. Not so when the domain tells NULL and '' apart, as their paths are
     * the same.
     */
    public static boolean isExactForIdentity(Type type, Domain domain)
    {
        return !(type instanceof VarcharType) || domain.isNullAllowed() == domain.includesNullableValue(Slices.EMPTY_SLICE);
    }

    static boolean mayContain(IcedbPartitionField field, Type type, Domain domain, Optional<String> key)
    {
        requireNonNull(domain, "domain is null");
        if (key.isEmpty()) {
            // a NULL key: the column is NULL (or, for identity on varchar, possibly empty, as Hive paths conflate them)
            if (field.transform() == PartitionTransform.IDENTITY && type instanceof VarcharType) {
                return domain.isNullAllowed() || domain.includesNullableValue(Slices.EMPTY_SLICE);
            }
            return domain.isNullAllowed();
        }
        ValueSet values = domain.getValues();
        if (values.isNone()) {
            return false;
        }
        try {
            if (values.isDiscreteSet()) {
                for (Object value : values.getDiscreteSet()) {
                    Block block = nativeValueToBlock(type, value);
                    if (field.value(type, block, 0).equals(key)) {
                        return true;
                    }
                }
                return false;
            }
            return switch (field.transform()) {
                case IDENTITY -> domain.includesNullableValue(identityValue(type, key.get()));
                case YEAR, MONTH, DAY, HOUR -> overlaps(values, type, temporalStart(field.transform(), key.get()), field.transform());
                case TRUNCATE -> {
                    if (type instanceof VarcharType) {
                        yield true;
                    }
                    long low = Long.parseLong(key.get());
                    yield !values.intersect(ValueSet.ofRanges(Range.range(type, low, true, low + field.parameter().orElseThrow(), false))).isNone();
                }
                case BUCKET -> true;
            };
        }
        catch (RuntimeException _) {
            // a key we did not write (or cannot read): keep the part
            return true;
        }
    }

    private static Object identityValue(Type type, String value)
    {
        return switch (type) {
            case VarcharType _ -> Slices.utf8Slice(value);
            case BooleanType _ -> Boolean.parseBoolean(value);
            case DateType _ -> LocalDate.parse(value).toEpochDay();
            case DecimalType decimalType when decimalType.isShort() -> new BigDecimal(value).setScale(decimalType.getScale()).unscaledValue().longValueExact();
            case DecimalType decimalType -> Decimals.valueOf(new BigDecimal(value).setScale(decimalType.getScale()));
            case TinyintType _, SmallintType _, IntegerType _, BigintType _ -> Long.parseLong(value);
            default -> throw new IllegalArgumentException("No identity partitioning on " + type);
        };
    }

    private static LocalDateTime temporalStart(PartitionTransform transform, String key)
    {
        return switch (transform) {
            case YEAR -> LocalDate.of(Integer.parseInt(key), 1, 1).atStartOfDay();
            case MONTH -> YearMonth.parse(key).atDay(1).atStartOfDay();
            case DAY -> LocalDate.parse(key).atStartOfDay();
            case HOUR -> LocalDate.parse(key.substring(0, key.lastIndexOf('-'))).atStartOfDay().plusHours(Integer.parseInt(key.substring(key.lastIndexOf('-') + 1)));
            default -> throw new IllegalArgumentException("Not a temporal transform: " + transform);
        };
    }

    private static boolean overlaps(ValueSet values, Type type, LocalDateTime start, PartitionTransform transform)
    {
        LocalDateTime end = switch (transform) {
            case YEAR -> start.plusYears(1);
            case MONTH -> start.plusMonths(1);
            case DAY -> start.plusDays(1);
            case HOUR -> start.plusHours(1);
            default -> throw new IllegalArgumentException("Not a temporal transform: " + transform);
        };
        Range range = Range.range(type, nativeValue(type, start), true, nativeValue(type, end), false);
        return !values.intersect(ValueSet.ofRanges(range)).isNone();
    }

    private static Object nativeValue(Type type, LocalDateTime dateTime)
    {
        long epochMicros = dateTime.toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        return switch (type) {
            case DateType _ -> dateTime.toLocalDate().toEpochDay();
            case TimestampType timestampType when timestampType.isShort() -> epochMicros;
            case TimestampType _ -> new LongTimestamp(epochMicros, 0);
            case TimestampWithTimeZoneType timestampType when timestampType.isShort() -> packDateTimeWithZone(epochMicros / 1000, UTC_KEY);
            case TimestampWithTimeZoneType _ -> LongTimestampWithTimeZone.fromEpochMillisAndFraction(epochMicros / 1000, 0, UTC_KEY);
            default -> throw new IllegalArgumentException("Not a temporal type: " + type);
        };
    }
}
