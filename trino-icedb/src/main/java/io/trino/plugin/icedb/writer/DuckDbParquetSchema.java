package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.TimeType;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.TimestampWithTimeZoneType;
import io.trino.spi.type.Type;
import io.trino.spi.type.UuidType;
import io.trino.spi.type.VarbinaryType;
import io.trino.spi.type.VarcharType;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

import java.util.List;
import java.util.Map;

import static com.google.common.base.Preconditions.checkArgument;
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
import static io.trino.spi.type.VarbinaryType.VARBINARY;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;
import static org.apache.parquet.schema.LogicalTypeAnnotation.decimalType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.intType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timeType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;
import static org.apache.parquet.schema.Type.Repetition.OPTIONAL;
import static org.apache.parquet.schema.Type.Repetition.REQUIRED;

/**
 * The Parquet schema of a part in DuckDB's layout (spec §4): every field OPTIONAL (map keys REQUIRED, as the Parquet
 * spec demands), lists in the 3-level {@code list}/{@code element} layout, maps as {@code key_value}/{@code key}/{@code value},
 * timestamps as INT64 with {@code isAdjustedToUTC} false (true for WITH TIME ZONE), decimals as INT32, INT64 or
 * 16-byte fixed-length binary by precision. Physical types, lengths, repetitions and converted types equal those of the
 * Parquet DuckDB writes itself; we add the matching logical type annotations where DuckDB writes only converted types. Trino's {@code ParquetSchemaConverter} is not used: it refuses {@code uuid},
 * {@code time} and {@code timestamp with time zone} and writes millisecond timestamps for {@code timestamp(0..3)}.
 *
 * @param messageType the Parquet schema
 * @param primitiveTypes for each leaf column path, the Trino type whose value writer trino-parquet uses for it
 */
record DuckDbParquetSchema(MessageType messageType, Map<List<String>, Type> primitiveTypes)
{
    private static final String SCHEMA_NAME = "duckdb_schema";
    private static final int MAX_INT32_DECIMAL_PRECISION = 9;
    private static final int LONG_DECIMAL_BYTES = 16;

    DuckDbParquetSchema
    {
        requireNonNull(messageType, "messageType is null");
        primitiveTypes = ImmutableMap.copyOf(primitiveTypes);
    }

    /**
     * @param columnTypes storage types only (see {@link TrinoToDuckDbTypes#toStorageType})
     */
    static DuckDbParquetSchema create(List<String> columnNames, List<Type> columnTypes)
    {
        checkArgument(columnNames.size() == columnTypes.size(), "%s column names for %s column types", columnNames.size(), columnTypes.size());
        ImmutableMap.Builder<List<String>, Type> primitiveTypes = ImmutableMap.builder();
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (int i = 0; i < columnNames.size(); i++) {
            String columnName = columnNames.get(i);
            Type columnType = columnTypes.get(i);
            // surfaces an unsupported type with the user-facing message before anything else
            TrinoToDuckDbTypes.toDuckDbType(columnName, columnType);
            checkArgument(
                    TrinoToDuckDbTypes.isStorageType(columnType),
                    "Column '%s' has type %s, which is not a storage type: coerce it with TrinoToDuckDbTypes.toStorageType first",
                    columnName,
                    columnType);
            builder.addField(convert(columnType, columnName, ImmutableList.of(), OPTIONAL, primitiveTypes));
        }
        return new DuckDbParquetSchema(builder.named(SCHEMA_NAME), primitiveTypes.buildOrThrow());
    }

    private static org.apache.parquet.schema.Type convert(Type type, String name, List<String> parent, Repetition repetition, ImmutableMap.Builder<List<String>, Type> primitiveTypes)
    {
        List<String> path = ImmutableList.<String>builder().addAll(parent).add(name).build();
        return switch (type) {
            case ArrayType arrayType -> Types.list(repetition)
                    .element(convert(arrayType.getElementType(), "element", append(path, "list"), OPTIONAL, primitiveTypes))
                    .named(name);
            case MapType mapType -> Types.map(repetition)
                    .key(convert(mapType.getKeyType(), "key", append(path, "key_value"), REQUIRED, primitiveTypes))
                    .value(convert(mapType.getValueType(), "value", append(path, "key_value"), OPTIONAL, primitiveTypes))
                    .named(name);
            case RowType rowType -> {
                Types.GroupBuilder<GroupType> group = Types.buildGroup(repetition);
                for (RowType.Field field : rowType.getFields()) {
                    group.addField(convert(field.getType(), field.getName().orElseThrow(), path, OPTIONAL, primitiveTypes));
                }
                yield group.named(name);
            }
            default -> primitive(type, name, path, repetition, primitiveTypes);
        };
    }

    private static org.apache.parquet.schema.Type primitive(Type type, String name, List<String> path, Repetition repetition, ImmutableMap.Builder<List<String>, Type> primitiveTypes)
    {
        // the Trino type that selects trino-parquet's value writer: JSON is written from its UTF-8 slices as VARBINARY
        primitiveTypes.put(path, TrinoToDuckDbTypes.isJson(type) ? VARBINARY : type);
        if (type.equals(BOOLEAN)) {
            return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
        }
        if (type.equals(TINYINT)) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(intType(8, true)).named(name);
        }
        if (type.equals(SMALLINT)) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(intType(16, true)).named(name);
        }
        if (type.equals(INTEGER)) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(intType(32, true)).named(name);
        }
        if (type.equals(BIGINT)) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(intType(64, true)).named(name);
        }
        if (type.equals(REAL)) {
            return Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
        }
        if (type.equals(DOUBLE)) {
            return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
        }
        if (type.equals(DATE)) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(name);
        }
        if (type.equals(VARCHAR)) {
            return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
        }
        if (TrinoToDuckDbTypes.isJson(type)) {
            return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.jsonType()).named(name);
        }
        if (type.equals(TIME_MICROS)) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(timeType(false, TimeUnit.MICROS)).named(name);
        }
        if (type.equals(TIMESTAMP_MICROS)) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(timestampType(false, TimeUnit.MICROS)).named(name);
        }
        if (type.equals(TIMESTAMP_NANOS)) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(timestampType(false, TimeUnit.NANOS)).named(name);
        }
        if (type.equals(TIMESTAMP_TZ_MICROS)) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(timestampType(true, TimeUnit.MICROS)).named(name);
        }
        return switch (type) {
            case DecimalType decimalType -> decimal(decimalType, name, repetition);
            case VarbinaryType _ -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            case UuidType _ -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
                    .length(16)
                    .as(LogicalTypeAnnotation.uuidType())
                    .named(name);
            case VarcharType _, TimeType _, TimestampType _, TimestampWithTimeZoneType _ ->
                    throw new IllegalArgumentException(format("Column path %s has type %s, which is not a storage type", path, type));
            default -> throw new IllegalArgumentException(format("Column path %s has type %s, which has no Parquet mapping", path, type));
        };
    }

    private static org.apache.parquet.schema.Type decimal(DecimalType decimalType, String name, Repetition repetition)
    {
        LogicalTypeAnnotation annotation = decimalType(decimalType.getScale(), decimalType.getPrecision());
        if (decimalType.getPrecision() <= MAX_INT32_DECIMAL_PRECISION) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(annotation).named(name);
        }
        if (decimalType.isShort()) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(annotation).named(name);
        }
        // DuckDB writes every wider decimal in 16 bytes, whatever its precision
        return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
                .length(LONG_DECIMAL_BYTES)
                .as(annotation)
                .named(name);
    }

    private static List<String> append(List<String> path, String name)
    {
        return ImmutableList.<String>builder().addAll(path).add(name).build();
    }
}
