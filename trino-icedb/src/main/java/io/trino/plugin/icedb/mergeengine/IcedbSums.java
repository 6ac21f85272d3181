package io.trino.plugin.icedb.mergeengine;

import io.trino.spi.TrinoException;
import io.trino.spi.type.BigintType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.Decimals;
import io.trino.spi.type.DoubleType;
import io.trino.spi.type.Int128;
import io.trino.spi.type.IntegerType;
import io.trino.spi.type.RealType;
import io.trino.spi.type.SmallintType;
import io.trino.spi.type.TinyintType;
import io.trino.spi.type.Type;

import java.math.BigInteger;

import static io.trino.spi.StandardErrorCode.NUMERIC_VALUE_OUT_OF_RANGE;
import static java.lang.Float.floatToRawIntBits;
import static java.lang.Float.intBitsToFloat;

/**
 * Addition of native values for {@code sum} and {@code count} aggregates, failing on overflow of the column's type.
 */
final class IcedbSums
{
    private IcedbSums() {}

    static Object add(Type type, Object sum, Object value)
    {
        if (sum == null) {
            return value;
        }
        if (type instanceof DoubleType) {
            return (double) sum + (double) value;
        }
        if (type instanceof RealType) {
            return (long) floatToRawIntBits(intBitsToFloat((int) (long) sum) + intBitsToFloat((int) (long) value));
        }
        if (type instanceof DecimalType decimal) {
            BigInteger result = toBigInteger(decimal, sum).add(toBigInteger(decimal, value));
            if (Decimals.overflows(result, decimal.getPrecision())) {
                throw overflow(type);
            }
            return decimal.isShort() ? result.longValueExact() : Int128.valueOf(result);
        }
        long result;
        try {
            result = Math.addExact((long) sum, (long) value);
        }
        catch (ArithmeticException e) {
            throw overflow(type);
        }
        long min;
        long max;
        if (type instanceof BigintType) {
            return result;
        }
        else if (type instanceof IntegerType) {
            min = Integer.MIN_VALUE;
            max = Integer.MAX_VALUE;
        }
        else if (type instanceof SmallintType) {
            min = Short.MIN_VALUE;
            max = Short.MAX_VALUE;
        }
        else if (type instanceof TinyintType) {
            min = Byte.MIN_VALUE;
            max = Byte.MAX_VALUE;
        }
        else {
            throw new IllegalArgumentException("Cannot sum values of type " + type);
        }
        if (result < min || result > max) {
            throw overflow(type);
        }
        return result;
    }

    private static BigInteger toBigInteger(DecimalType type, Object value)
    {
        return type.isShort() ? BigInteger.valueOf((long) value) : ((Int128) value).toBigInteger();
    }

    private static TrinoException overflow(Type type)
    {
        return new TrinoException(NUMERIC_VALUE_OUT_OF_RANGE, "Merging rows by key: the sum overflows the column's type " + type);
    }
}
