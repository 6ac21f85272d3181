package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.icedb.engine.types.DuckDbType;
import io.icedb.engine.types.PrimitiveKind;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.StandardTypes;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeManager;
import io.trino.spi.type.TypeSignature;

import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DecimalType.createDecimalType;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.SmallintType.SMALLINT;
import static io.trino.spi.type.TimeType.createTimeType;
import static io.trino.spi.type.TimestampType.createTimestampType;
import static io.trino.spi.type.TimestampWithTimeZoneType.createTimestampWithTimeZoneType;
import static io.trino.spi.type.TinyintType.TINYINT;
import static io.trino.spi.type.UuidType.UUID;
import static io.trino.spi.type.VarbinaryType.VARBINARY;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * DuckDB types of the log schema (spec §4) to Trino types. Unsigned integers widen losslessly (UTINYINT to smallint,
 * USMALLINT to integer, UINTEGER to bigint, UBIGINT to decimal(20,0)); timestamp precisions are kept.
 * {@code INTERVAL}, alone or nested, has no Trino column type: such a column makes its table fail to read with an
 * error naming the column (one behaviour everywhere: queries, {@code DESCRIBE}, {@code SHOW COLUMNS}).
 */
public final class IcedbTypeMapping
{
    private final TypeManager typeManager;
    private final Type jsonType;

    @Inject
    public IcedbTypeMapping(TypeManager typeManager)
    {
        this.typeManager = requireNonNull(typeManager, "typeManager is null");
        this.jsonType = typeManager.getType(new TypeSignature(StandardTypes.JSON));
    }

    public Type jsonType()
    {
        return jsonType;
    }

    /**
     * The Trino type of a column, or empty when Trino cannot represent the DuckDB type.
     */
    public Optional<Type> toTrinoType(DuckDbType type)
    {
        return switch (type) {
            case DuckDbType.Primitive primitive -> toTrinoType(primitive.kind());
            case DuckDbType.Decimal decimal -> Optional.of(createDecimalType(decimal.precision(), decimal.scale()));
            case DuckDbType.ListType list -> toTrinoType(list.element()).map(ArrayType::new);
            case DuckDbType.StructType struct -> {
                ImmutableList.Builder<RowType.Field> fields = ImmutableList.builder();
                for (DuckDbType.Field field : struct.fields()) {
                    Optional<Type> fieldType = toTrinoType(field.type());
                    if (fieldType.isEmpty()) {
                        yield Optional.empty();
                    }
                    fields.add(RowType.field(field.name(), fieldType.get()));
                }
                yield Optional.of(RowType.from(fields.build()));
            }
            case DuckDbType.MapType map -> {
                Optional<Type> key = toTrinoType(map.key());
                Optional<Type> value = toTrinoType(map.value());
                if (key.isEmpty() || value.isEmpty()) {
                    yield Optional.empty();
                }
                yield Optional.of(new MapType(key.get(), value.get(), typeManager.getTypeOperators()));
            }
        };
    }

    private Optional<Type> toTrinoType(PrimitiveKind kind)
    {
        return Optional.ofNullable(switch (kind) {
            case BOOLEAN -> BOOLEAN;
            case TINYINT -> TINYINT;
            case SMALLINT -> SMALLINT;
            case INTEGER -> INTEGER;
            case BIGINT -> BIGINT;
            case HUGEINT -> createDecimalType(38, 0);
            case UTINYINT -> SMALLINT;
            case USMALLINT -> INTEGER;
            case UINTEGER -> BIGINT;
            case UBIGINT -> createDecimalType(20, 0);
            case FLOAT -> REAL;
            case DOUBLE -> DOUBLE;
            case VARCHAR -> VARCHAR;
            case BLOB -> VARBINARY;
            case UUID -> UUID;
            case JSON -> jsonType;
            case DATE -> DATE;
            case TIME -> createTimeType(6);
            case TIMESTAMP -> createTimestampType(6);
            case TIMESTAMP_WITH_TIME_ZONE -> createTimestampWithTimeZoneType(6);
            case TIMESTAMP_MS -> createTimestampType(3);
            case TIMESTAMP_NS -> createTimestampType(9);
            case TIMESTAMP_S -> createTimestampType(0);
            case INTERVAL -> null;
        });
    }

    /**
     * The type the Parquet reader produces for a column of {@code type}: JSON is stored as a UTF-8 string, read as
     * varchar (the blocks of both are the same variable-width blocks).
     */
    public Type readType(Type type)
    {
        if (type.equals(jsonType)) {
            return VARCHAR;
        }
        return switch (type) {
            case ArrayType array -> new ArrayType(readType(array.getElementType()));
            case RowType row -> RowType.from(row.getFields().stream()
                    .map(field -> new RowType.Field(field.getName(), readType(field.getType())))
                    .collect(toImmutableList()));
            case MapType map -> new MapType(readType(map.getKeyType()), readType(map.getValueType()), typeManager.getTypeOperators());
            default -> type;
        };
    }
}
