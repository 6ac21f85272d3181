package io.trino.plugin.icedb.mergeengine;

import io.trino.spi.type.BigintType;
import io.trino.spi.type.BooleanType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.DoubleType;
import io.trino.spi.type.IntegerType;
import io.trino.spi.type.RealType;
import io.trino.spi.type.SmallintType;
import io.trino.spi.type.TinyintType;
import io.trino.spi.type.Type;

import static java.util.Locale.ENGLISH;

/**
 * An aggregate function of the {@code aggregates} table property. {@code count(c)} is kept as a sum: a part's rows
 * hold partial counts that merging adds up.
 */
public enum IcedbAggregateFunction
{
    SUM,
    MIN,
    MAX,
    COUNT,
    BOOL_AND,
    BOOL_OR,
    ANY;

    public String sqlName()
    {
        return name().toLowerCase(ENGLISH);
    }

    /**
     * Whether the function combines values of {@code type}; {@code ANY} takes every type.
     */
    public boolean supports(Type type)
    {
        return switch (this) {
            case SUM -> isNumber(type);
            case COUNT -> type instanceof BigintType || type instanceof IntegerType || type instanceof SmallintType || type instanceof TinyintType;
            case MIN, MAX -> type.isOrderable();
            case BOOL_AND, BOOL_OR -> type instanceof BooleanType;
            case ANY -> true;
        };
    }

    /**
     * What the function needs, for error messages.
     */
    public String requirement()
    {
        return switch (this) {
            case SUM -> "a numeric column (tinyint, smallint, integer, bigint, real, double, decimal)";
            case COUNT -> "an integer column (tinyint, smallint, integer, bigint) holding partial counts";
            case MIN, MAX -> "an orderable column";
            case BOOL_AND, BOOL_OR -> "a boolean column";
            case ANY -> "any column";
        };
    }

    private static boolean isNumber(Type type)
    {
        return type instanceof BigintType || type instanceof IntegerType || type instanceof SmallintType || type instanceof TinyintType
                || type instanceof DoubleType || type instanceof RealType || type instanceof DecimalType;
    }
}
