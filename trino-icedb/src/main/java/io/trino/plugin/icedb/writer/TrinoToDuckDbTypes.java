package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.types.DuckDbType;
import io.icedb.engine.types.PrimitiveKind;
import io.trino.spi.TrinoException;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.CharType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.StandardTypes;
import io.trino.spi.type.TimeType;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.TimestampWithTimeZoneType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;
import io.trino.spi.type.UuidType;
import io.trino.spi.type.VarbinaryType;
import io.trino.spi.type.VarcharType;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.SmallintType.SMALLINT;
import static io.trino.spi.type.TimeType.TIME_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_NANOS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;
import static io.trino.spi.type.TinyintType.TINYINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Trino column types to the DuckDB type strings of IceDB's schema line (spec §4). For every supported type the string is
 * exactly what DuckDB's {@code DESCRIBE} prints for the Parquet column {@link IcedbParquetWriter} writes, so a later
 * Python insert of the same data does not conflict.
 * <p>
 * A column is stored as its <em>storage type</em> ({@link #toStorageType}): the Trino type the read side maps the DuckDB
 * type back to. Lossless widenings are applied ({@code char(n)} and {@code varchar(n)} to {@code varchar},
 * {@code timestamp(0..5)} to {@code timestamp(6)}, {@code timestamp(7..8)} to {@code timestamp(9)}, ...); a type with no
 * faithful DuckDB type is refused with {@link io.trino.spi.StandardErrorCode#NOT_SUPPORTED}, naming the column.
 */
public final class TrinoToDuckDbTypes
{
    private static final int MAX_MICROS_PRECISION = 6;
    private static final int MAX_NANOS_PRECISION = 9;

    private final TypeOperators typeOperators;

    public TrinoToDuckDbTypes(TypeOperators typeOperators)
    {
        this.typeOperators = requireNonNull(typeOperators, "typeOperators is null");
    }

    /**
     * The DuckDB type of a column of {@code type}, as DuckDB's {@code DESCRIBE} prints it for the Parquet we write.
     *
     * @throws TrinoException {@code NOT_SUPPORTED} when IceDB cannot store the type faithfully
     */
    public static DuckDbType toDuckDbType(String columnName, Type type)
    {
        requireNonNull(columnName, "columnName is null");
        requireNonNull(type, "type is null");
        return toDuckDbType(columnName, type, type);
    }

    /**
     * The Trino type a column declared as {@code type} is written as and reads back as; equal to {@code type} when no
     * widening is needed. The connector's {@code getSupportedType} returns it, so pages reach the writer in this type.
     *
     * @throws TrinoException {@code NOT_SUPPORTED} when IceDB cannot store the type faithfully
     */
    public Type toStorageType(String columnName, Type type)
    {
        requireNonNull(columnName, "columnName is null");
        requireNonNull(type, "type is null");
        return toStorageType(columnName, type, type);
    }

    /**
     * Whether the writer accepts pages of {@code type} as they are: it is its own storage type.
     */
    public static boolean isStorageType(Type type)
    {
        return switch (type) {
            case VarcharType varcharType -> varcharType.isUnbounded();
            case CharType _ -> false;
            case TimeType timeType -> timeType.getPrecision() == MAX_MICROS_PRECISION;
            case TimestampType timestampType -> timestampType.getPrecision() == MAX_MICROS_PRECISION || timestampType.getPrecision() == MAX_NANOS_PRECISION;
            case TimestampWithTimeZoneType timestampType -> timestampType.getPrecision() == MAX_MICROS_PRECISION;
            case ArrayType arrayType -> isStorageType(arrayType.getElementType());
            case MapType mapType -> isStorageType(mapType.getKeyType()) && isStorageType(mapType.getValueType());
            case RowType rowType -> rowType.getFields().stream().allMatch(field -> isStorageType(field.getType()));
            default -> true;
        };
    }

    private static DuckDbType toDuckDbType(String columnName, Type columnType, Type type)
    {
        if (type.equals(BOOLEAN)) {
            return primitive(PrimitiveKind.BOOLEAN);
        }
        if (type.equals(TINYINT)) {
            return primitive(PrimitiveKind.TINYINT);
        }
        if (type.equals(SMALLINT)) {
            return primitive(PrimitiveKind.SMALLINT);
        }
        if (type.equals(INTEGER)) {
            return primitive(PrimitiveKind.INTEGER);
        }
        if (type.equals(BIGINT)) {
            return primitive(PrimitiveKind.BIGINT);
        }
        if (type.equals(REAL)) {
            return primitive(PrimitiveKind.FLOAT);
        }
        if (type.equals(DOUBLE)) {
            return primitive(PrimitiveKind.DOUBLE);
        }
        if (type.equals(DATE)) {
            return primitive(PrimitiveKind.DATE);
        }
        if (isJson(type)) {
            return primitive(PrimitiveKind.JSON);
        }
        return switch (type) {
            case DecimalType decimalType -> new DuckDbType.Decimal(decimalType.getPrecision(), decimalType.getScale());
            case VarcharType _, CharType _ -> primitive(PrimitiveKind.VARCHAR);
            case VarbinaryType _ -> primitive(PrimitiveKind.BLOB);
            case UuidType _ -> primitive(PrimitiveKind.UUID);
            case TimeType timeType -> {
                checkPrecision(columnName, columnType, timeType, timeType.getPrecision(), MAX_MICROS_PRECISION, "DuckDB's TIME holds microseconds");
                yield primitive(PrimitiveKind.TIME);
            }
            case TimestampType timestampType -> {
                checkPrecision(columnName, columnType, timestampType, timestampType.getPrecision(), MAX_NANOS_PRECISION, "DuckDB's timestamps hold at most nanoseconds (TIMESTAMP_NS)");
                yield primitive(timestampType.getPrecision() <= MAX_MICROS_PRECISION ? PrimitiveKind.TIMESTAMP : PrimitiveKind.TIMESTAMP_NS);
            }
            case TimestampWithTimeZoneType timestampType -> {
                checkPrecision(columnName, columnType, timestampType, timestampType.getPrecision(), MAX_MICROS_PRECISION, "DuckDB's TIMESTAMP WITH TIME ZONE holds microseconds");
                yield primitive(PrimitiveKind.TIMESTAMP_WITH_TIME_ZONE);
            }
            case ArrayType arrayType -> new DuckDbType.ListType(toDuckDbType(columnName, columnType, arrayType.getElementType()));
            case MapType mapType -> new DuckDbType.MapType(
                    toDuckDbType(columnName, columnType, mapType.getKeyType()),
                    toDuckDbType(columnName, columnType, mapType.getValueType()));
            case RowType rowType -> {
                checkFieldNames(columnName, columnType, rowType);
                ImmutableList.Builder<DuckDbType.Field> fields = ImmutableList.builder();
                for (RowType.Field field : rowType.getFields()) {
                    fields.add(new DuckDbType.Field(field.getName().orElseThrow(), toDuckDbType(columnName, columnType, field.getType())));
                }
                yield new DuckDbType.StructType(fields.build());
            }
            default -> throw unsupported(columnName, columnType, format("no DuckDB type stores %s faithfully", type));
        };
    }

    private Type toStorageType(String columnName, Type columnType, Type type)
    {
        return switch (type) {
            case VarcharType _, CharType _ -> VARCHAR;
            case TimeType timeType -> {
                checkPrecision(columnName, columnType, timeType, timeType.getPrecision(), MAX_MICROS_PRECISION, "DuckDB's TIME holds microseconds");
                yield TIME_MICROS;
            }
            case TimestampType timestampType -> {
                checkPrecision(columnName, columnType, timestampType, timestampType.getPrecision(), MAX_NANOS_PRECISION, "DuckDB's timestamps hold at most nanoseconds (TIMESTAMP_NS)");
                yield timestampType.getPrecision() <= MAX_MICROS_PRECISION ? TIMESTAMP_MICROS : TIMESTAMP_NANOS;
            }
            case TimestampWithTimeZoneType timestampType -> {
                checkPrecision(columnName, columnType, timestampType, timestampType.getPrecision(), MAX_MICROS_PRECISION, "DuckDB's TIMESTAMP WITH TIME ZONE holds microseconds");
                yield TIMESTAMP_TZ_MICROS;
            }
            case ArrayType arrayType -> {
                Type element = toStorageType(columnName, columnType, arrayType.getElementType());
                yield element.equals(arrayType.getElementType()) ? arrayType : new ArrayType(element);
            }
            case MapType mapType -> {
                Type key = toStorageType(columnName, columnType, mapType.getKeyType());
                Type value = toStorageType(columnName, columnType, mapType.getValueType());
                if (key.equals(mapType.getKeyType()) && value.equals(mapType.getValueType())) {
                    yield mapType;
                }
                yield new MapType(key, value, typeOperators);
            }
            case RowType rowType -> {
                checkFieldNames(columnName, columnType, rowType);
                ImmutableList.Builder<RowType.Field> fields = ImmutableList.builder();
                boolean changed = false;
                for (RowType.Field field : rowType.getFields()) {
                    Type fieldType = toStorageType(columnName, columnType, field.getType());
                    changed |= !fieldType.equals(field.getType());
                    fields.add(new RowType.Field(field.getName(), fieldType));
                }
                yield changed ? RowType.from(fields.build()) : rowType;
            }
            default -> {
                // validates the type (refuses what DuckDB cannot store); every other supported type is stored as it is
                toDuckDbType(columnName, columnType, type);
                yield type;
            }
        };
    }

    static boolean isJson(Type type)
    {
        return type.getTypeSignature().getBase().equals(StandardTypes.JSON);
    }

    private static void checkPrecision(String columnName, Type columnType, Type type, int precision, int maxPrecision, String reason)
    {
        if (precision > maxPrecision) {
            throw unsupported(columnName, columnType, format("%s would lose digits of %s", reason, type));
        }
    }

    private static void checkFieldNames(String columnName, Type columnType, RowType rowType)
    {
        // DuckDB's struct field names are case-insensitive and must be unique; Parquet needs a name for every field
        Set<String> names = new HashSet<>();
        for (RowType.Field field : rowType.getFields()) {
            String name = field.getName().orElseThrow(() -> unsupported(columnName, columnType, format("the row field of type %s has no name; DuckDB structs need named fields", field.getType())));
            if (name.isEmpty()) {
                throw unsupported(columnName, columnType, "a row field has an empty name");
            }
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw unsupported(columnName, columnType, format("the row field name '%s' is used twice (DuckDB compares field names case-insensitively)", name));
            }
        }
    }

    private static DuckDbType primitive(PrimitiveKind kind)
    {
        return new DuckDbType.Primitive(kind);
    }

    private static TrinoException unsupported(String columnName, Type columnType, String reason)
    {
        return new TrinoException(NOT_SUPPORTED, format("Unsupported type %s of column '%s' for an IceDB table: %s", columnType, columnName, reason));
    }
}
