package io.trino.plugin.icedb.reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.DoubleType;
import io.trino.spi.type.Int128;
import io.trino.spi.type.Type;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_BAD_DATA;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.String.format;

/**
 * Where the Parquet DuckDB writes does not read directly as the column's Trino type, the type to read it as and the
 * conversion of the blocks read: HUGEINT is stored as DOUBLE by DuckDB's writer (so it has a double's
 * precision, and values beyond decimal(38,0) fail the read), UINTEGER as INT32 UINT_32 and UBIGINT as INT64 UINT_64 (read
 * signed by trino-parquet), JSON as a UTF-8 string (Trino's json values are compact).
 */
public final class IcedbCoercions
{
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private IcedbCoercions() {}

    public record Coercion(Type readType, UnaryOperator<Block> convert) {}

    public static Optional<Coercion> coercion(Type columnType, Type jsonType, org.apache.parquet.schema.Type parquetType)
    {
        if (columnType.equals(jsonType)) {
            return Optional.of(new Coercion(VARCHAR, block -> convert(block, VARCHAR, jsonType, IcedbCoercions::canonicalJson)));
        }
        if (!parquetType.isPrimitive()) {
            return Optional.empty();
        }
        PrimitiveType primitive = parquetType.asPrimitiveType();
        if (columnType instanceof DecimalType decimalType && primitive.getPrimitiveTypeName() == PrimitiveTypeName.DOUBLE) {
            return Optional.of(new Coercion(DoubleType.DOUBLE, block -> convert(block, DoubleType.DOUBLE, decimalType, (from, position, to, output) -> writeDecimal(decimalType, output, DoubleType.DOUBLE.getDouble(from, position)))));
        }
        if (columnType instanceof DecimalType decimalType && isUnsigned(primitive, PrimitiveTypeName.INT64)) {
            return Optional.of(new Coercion(BIGINT, block -> convert(block, BIGINT, decimalType, (from, position, to, output) ->
                    writeDecimal(decimalType, output, new BigDecimal(Long.toUnsignedString(BIGINT.getLong(from, position)))))));
        }
        if (columnType.equals(BIGINT)
                && primitive.getPrimitiveTypeName() == PrimitiveTypeName.INT32
                && primitive.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation intType
                && !intType.isSigned()) {
            return Optional.of(new Coercion(BIGINT, block -> convert(block, BIGINT, BIGINT, (from, position, to, output) -> BIGINT.writeLong(output, BIGINT.getLong(from, position) & 0xFFFF_FFFFL))));
        }
        return Optional.empty();
    }

    private static boolean isUnsigned(PrimitiveType type, PrimitiveTypeName physicalType)
    {
        return type.getPrimitiveTypeName() == physicalType
                && type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation intType
                && !intType.isSigned();
    }

    private interface ValueConverter
    {
        void convert(Block from, int position, Type to, BlockBuilder output);
    }

    private static Block convert(Block block, Type from, Type to, ValueConverter converter)
    {
        BlockBuilder output = to.createBlockBuilder(null, block.getPositionCount());
        for (int position = 0; position < block.getPositionCount(); position++) {
            if (block.isNull(position)) {
                output.appendNull();
            }
            else {
                converter.convert(block, position, to, output);
            }
        }
        return output.build();
    }

    private static void canonicalJson(Block from, int position, Type to, BlockBuilder output)
    {
        Slice text = VARCHAR.getSlice(from, position);
        ByteArrayOutputStream canonical = new ByteArrayOutputStream(text.length());
        try (JsonParser parser = JSON_FACTORY.createParser(text.getBytes());
                JsonGenerator generator = JSON_FACTORY.createGenerator(canonical)) {
            parser.nextToken();
            generator.copyCurrentStructure(parser);
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_BAD_DATA, format("Invalid JSON value: %s", text.toStringUtf8()), e);
        }
        to.writeSlice(output, Slices.wrappedBuffer(canonical.toByteArray()));
    }

    private static void writeDecimal(DecimalType type, BlockBuilder output, double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new TrinoException(ICEDB_BAD_DATA, format("Value %s does not fit %s", value, type));
        }
        writeDecimal(type, output, new BigDecimal(value));
    }

    private static void writeDecimal(DecimalType type, BlockBuilder output, BigDecimal value)
    {
        BigDecimal decimal = value.setScale(type.getScale(), RoundingMode.HALF_UP);
        if (decimal.precision() > type.getPrecision()) {
            throw new TrinoException(ICEDB_BAD_DATA, format("Value %s does not fit %s", value, type));
        }
        if (type.isShort()) {
            type.writeLong(output, decimal.unscaledValue().longValueExact());
        }
        else {
            type.writeObject(output, Int128.valueOf(decimal.unscaledValue()));
        }
    }
}
