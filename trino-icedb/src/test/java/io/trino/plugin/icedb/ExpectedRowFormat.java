package io.trino.plugin.icedb;

import io.icedb.engine.types.DuckDbType;
import io.icedb.engine.types.DuckDbTypes;
import io.trino.spi.type.SqlDate;
import io.trino.spi.type.SqlDecimal;
import io.trino.spi.type.SqlTime;
import io.trino.spi.type.SqlTimestamp;
import io.trino.spi.type.SqlTimestampWithTimeZone;
import io.trino.spi.type.SqlVarbinary;
import io.trino.testing.MaterializedRow;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Formats Trino rows as the fixtures' expectations do: one JSON object per row, top-level keys sorted, struct fields
 * in declaration order, values as DuckDB prints them (timestamps in UTC without trailing fraction zeros, BLOB bytes
 * outside printable ASCII as {@code \xHH}, doubles in the shortest form), rows sorted as strings.
 */
public final class ExpectedRowFormat
{
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private ExpectedRowFormat() {}

    public static List<String> formatRows(Map<String, String> schema, List<List<Object>> rows)
    {
        List<String> names = new ArrayList<>(schema.keySet());
        List<DuckDbType> types = schema.values().stream().map(DuckDbTypes::parse).toList();
        List<String> formatted = new ArrayList<>();
        for (List<Object> row : rows) {
            TreeMap<String, String> fields = new TreeMap<>(ExpectedRowFormat::compareCodePoints);
            for (int i = 0; i < names.size(); i++) {
                fields.put(names.get(i), value(types.get(i), row.get(i)));
            }
            StringBuilder json = new StringBuilder("{");
            fields.forEach((name, value) -> {
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append(string(name)).append(':').append(value);
            });
            formatted.add(json.append('}').toString());
        }
        formatted.sort(ExpectedRowFormat::compareCodePoints);
        return formatted;
    }

    public static String sha256(List<String> rows)
    {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\n", rows).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(DuckDbType type, Object value)
    {
        if (value == null) {
            return "null";
        }
        return switch (type) {
            case DuckDbType.Primitive primitive -> primitive(primitive, value);
            case DuckDbType.Decimal _ -> decimal(value).toString();
            case DuckDbType.ListType list -> {
                StringBuilder json = new StringBuilder("[");
                for (Object element : (List<?>) value) {
                    if (json.length() > 1) {
                        json.append(',');
                    }
                    json.append(value(list.element(), element));
                }
                yield json.append(']').toString();
            }
            case DuckDbType.StructType struct -> {
                List<?> fields = value instanceof MaterializedRow row ? row.getFields() : (List<?>) value;
                StringBuilder json = new StringBuilder("{");
                for (int i = 0; i < struct.fields().size(); i++) {
                    if (i > 0) {
                        json.append(',');
                    }
                    DuckDbType.Field field = struct.fields().get(i);
                    json.append(string(field.name())).append(':').append(value(field.type(), fields.get(i)));
                }
                yield json.append('}').toString();
            }
            case DuckDbType.MapType map -> {
                StringBuilder json = new StringBuilder("{");
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    if (json.length() > 1) {
                        json.append(',');
                    }
                    json.append(string(String.valueOf(entry.getKey()))).append(':').append(value(map.value(), entry.getValue()));
                }
                yield json.append('}').toString();
            }
        };
    }

    private static String primitive(DuckDbType.Primitive type, Object value)
    {
        return switch (type.kind()) {
            case BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, UTINYINT, USMALLINT, UINTEGER -> value.toString();
            case HUGEINT, UBIGINT -> decimal(value).toBigInteger().toString();
            case FLOAT, DOUBLE -> doubleValue(((Number) value).doubleValue());
            case VARCHAR, JSON, UUID -> string(value.toString());
            case BLOB -> string(blob(value instanceof SqlVarbinary varbinary ? varbinary.getBytes() : (byte[]) value));
            case DATE -> string((value instanceof SqlDate date ? LocalDate.ofEpochDay(date.getDays()) : (LocalDate) value).toString());
            case TIME -> string((value instanceof SqlTime time ? LocalTime.parse(time.toString()) : (LocalTime) value).toString());
            case TIMESTAMP, TIMESTAMP_MS, TIMESTAMP_NS, TIMESTAMP_S -> string(timestamp(value instanceof SqlTimestamp timestamp ? timestamp.toLocalDateTime() : (LocalDateTime) value));
            case TIMESTAMP_WITH_TIME_ZONE -> {
                ZonedDateTime zoned = value instanceof SqlTimestampWithTimeZone timestamp ? timestamp.toZonedDateTime() : (ZonedDateTime) value;
                yield string(timestamp(zoned.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime()) + "+00");
            }
            case INTERVAL -> throw new IllegalArgumentException("INTERVAL is not readable");
        };
    }

    private static BigDecimal decimal(Object value)
    {
        if (value instanceof SqlDecimal decimal) {
            return decimal.toBigDecimal();
        }
        return (BigDecimal) value;
    }

    private static String timestamp(LocalDateTime timestamp)
    {
        String text = SECONDS.format(timestamp);
        int nanos = timestamp.getNano();
        if (nanos == 0) {
            return text;
        }
        String fraction = "%09d".formatted(nanos).replaceAll("0+$", "");
        return text + "." + fraction;
    }

    /**
     * The shortest repr of a double, in fixed notation where Python uses it and as {@code 1e300} otherwise.
     */
    static String doubleValue(double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e16) {
            return new BigDecimal(value).toBigInteger() + ".0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        int exponent = decimal.precision() - decimal.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            return decimal.toPlainString();
        }
        String digits = decimal.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (decimal.signum() < 0 ? "-" : "") + mantissa + "e" + exponent;
    }

    private static String blob(byte[] bytes)
    {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            int unsigned = b & 0xFF;
            if (unsigned >= 0x20 && unsigned < 0x7F) {
                text.append((char) unsigned);
            }
            else {
                text.append("\\x").append(HexFormat.of().withUpperCase().toHexDigits((byte) unsigned));
            }
        }
        return text.toString();
    }

    private static String string(String value)
    {
        StringBuilder json = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u%04x".formatted((int) c));
                    }
                    else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    private static int compareCodePoints(String left, String right)
    {
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            int a = left.codePointAt(i);
            int b = right.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(left.length() - i, right.length() - j);
    }
}
