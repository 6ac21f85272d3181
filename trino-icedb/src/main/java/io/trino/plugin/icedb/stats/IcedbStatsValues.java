package io.trino.plugin.icedb.stats;

import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.Decimals;
import io.trino.spi.type.Int128;
import io.trino.spi.type.LongTimestamp;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.Type;
import io.trino.spi.type.VarcharType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalDouble;

import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.SmallintType.SMALLINT;
import static io.trino.spi.type.TinyintType.TINYINT;
import static java.lang.Float.floatToRawIntBits;
import static java.lang.Float.intBitsToFloat;
import static java.lang.Math.floorDiv;
import static java.lang.Math.floorMod;

/**
 * Trino values of the orderable types to and from the value text of a statistics sidecar
 * ({@link io.icedb.engine.stats.PartStats}).
 */
public final class IcedbStatsValues
{
    // longer strings get no min/max (a truncated maximum would not bound the values)
    static final int MAX_STRING_LENGTH = 256;
    private static final int MICROS_PER_SECOND = 1_000_000;
    private static final int NANOS_PER_MICRO = 1_000;
    private static final int PICOS_PER_NANO = 1_000;

    private IcedbStatsValues() {}

    /**
     * Whether parts record a min and max for columns of {@code type}.
     */
    public static boolean isOrderable(Type type)
    {
        return type.equals(BIGINT) || type.equals(INTEGER) || type.equals(SMALLINT) || type.equals(TINYINT)
                || type.equals(REAL) || type.equals(DOUBLE) || type.equals(DATE) || type.equals(BOOLEAN)
                || type instanceof DecimalType
                || (type instanceof VarcharType varcharType && varcharType.isUnbounded())
                || type instanceof TimestampType;
    }

    /**
     * The text of a value of {@code type} (a Trino native value); empty when it has none (a long string).
     */
    public static Optional<String> toText(Type type, Object value)
    {
        if (type.equals(BIGINT) || type.equals(INTEGER) || type.equals(SMALLINT) || type.equals(TINYINT)) {
            return Optional.of(Long.toString((long) value));
        }
        if (type.equals(DATE)) {
            return Optional.of(LocalDate.ofEpochDay((long) value).toString());
        }
        if (type.equals(REAL)) {
            return Optional.of(Float.toString(intBitsToFloat((int) (long) value)));
        }
        if (type.equals(DOUBLE)) {
            return Optional.of(Double.toString((double) value));
        }
        if (type.equals(BOOLEAN)) {
            return Optional.of(Boolean.toString((boolean) value));
        }
        if (type instanceof DecimalType decimalType) {
            BigInteger unscaled = decimalType.isShort() ? BigInteger.valueOf((long) value) : ((Int128) value).toBigInteger();
            return Optional.of(new BigDecimal(unscaled, decimalType.getScale()).toPlainString());
        }
        if (type instanceof VarcharType) {
            String string = ((Slice) value).toStringUtf8();
            return string.length() > MAX_STRING_LENGTH ? Optional.empty() : Optional.of(string);
        }
        if (type instanceof TimestampType timestampType) {
            long epochMicros;
            int picosOfMicro = 0;
            if (timestampType.isShort()) {
                epochMicros = (long) value;
            }
            else {
                LongTimestamp timestamp = (LongTimestamp) value;
                epochMicros = timestamp.getEpochMicros();
                picosOfMicro = timestamp.getPicosOfMicro();
            }
            LocalDateTime dateTime = LocalDateTime.ofEpochSecond(floorDiv(epochMicros, MICROS_PER_SECOND), floorMod(epochMicros, MICROS_PER_SECOND) * NANOS_PER_MICRO + picosOfMicro / PICOS_PER_NANO, ZoneOffset.UTC);
            return Optional.of(dateTime.toString());
        }
        return Optional.empty();
    }

    /**
     * The Trino native value of {@code text}; empty when it is not a value of {@code type} (a sidecar of another
     * version, or a bad one: statistics are advice).
     */
    public static Optional<Object> fromText(Type type, String text)
    {
        try {
            if (type.equals(BIGINT) || type.equals(INTEGER) || type.equals(SMALLINT) || type.equals(TINYINT)) {
                return Optional.of(Long.parseLong(text));
            }
            if (type.equals(DATE)) {
                return Optional.of(LocalDate.parse(text).toEpochDay());
            }
            if (type.equals(REAL)) {
                return Optional.of((long) floatToRawIntBits(Float.parseFloat(text)));
            }
            if (type.equals(DOUBLE)) {
                return Optional.of(Double.parseDouble(text));
            }
            if (type.equals(BOOLEAN)) {
                return switch (text) {
                    case "true" -> Optional.of(true);
                    case "false" -> Optional.of(false);
                    default -> Optional.empty();
                };
            }
            if (type instanceof DecimalType decimalType) {
                BigDecimal decimal = new BigDecimal(text).setScale(decimalType.getScale(), RoundingMode.UNNECESSARY);
                if (decimalType.isShort()) {
                    return Optional.of(decimal.unscaledValue().longValueExact());
                }
                return Optional.of(Decimals.valueOf(decimal.unscaledValue()));
            }
            if (type instanceof VarcharType) {
                return Optional.of(Slices.utf8Slice(text));
            }
            if (type instanceof TimestampType timestampType) {
                LocalDateTime dateTime = LocalDateTime.parse(text);
                long epochMicros = Math.addExact(Math.multiplyExact(dateTime.toEpochSecond(ZoneOffset.UTC), MICROS_PER_SECOND), dateTime.getNano() / NANOS_PER_MICRO);
                if (timestampType.isShort()) {
                    return Optional.of(epochMicros);
                }
                return Optional.of(new LongTimestamp(epochMicros, (dateTime.getNano() % NANOS_PER_MICRO) * PICOS_PER_NANO));
            }
        }
        catch (RuntimeException _) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Whether values of {@code type} have a double form for Trino's statistics range ({@link #toDouble}).
     */
    public static boolean hasDoubleForm(Type type)
    {
        return type.equals(BIGINT) || type.equals(INTEGER) || type.equals(SMALLINT) || type.equals(TINYINT) || type.equals(DATE)
                || type.equals(REAL) || type.equals(DOUBLE) || type instanceof DecimalType;
    }

    /**
     * The value as a double for Trino's statistics range; empty for types without one.
     */
    public static OptionalDouble toDouble(Type type, Object value)
    {
        if (type.equals(BIGINT) || type.equals(INTEGER) || type.equals(SMALLINT) || type.equals(TINYINT) || type.equals(DATE)) {
            return OptionalDouble.of((long) value);
        }
        if (type.equals(REAL)) {
            return OptionalDouble.of(intBitsToFloat((int) (long) value));
        }
        if (type.equals(DOUBLE)) {
            return OptionalDouble.of((double) value);
        }
        if (type instanceof DecimalType decimalType) {
            BigInteger unscaled = decimalType.isShort() ? BigInteger.valueOf((long) value) : ((Int128) value).toBigInteger();
            return OptionalDouble.of(new BigDecimal(unscaled, decimalType.getScale()).doubleValue());
        }
        return OptionalDouble.empty();
    }
}
