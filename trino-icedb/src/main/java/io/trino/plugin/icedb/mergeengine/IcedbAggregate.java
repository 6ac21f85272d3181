package io.trino.plugin.icedb.mergeengine;

import io.trino.spi.TrinoException;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * One element of the {@code aggregates} table property: {@code function(column)}, for example {@code sum(cnt)}.
 */
public record IcedbAggregate(IcedbAggregateFunction function, String column)
{
    private static final Pattern AGGREGATE = Pattern.compile("([a-z_]+)\\s*\\(\\s*([a-z_][a-z0-9_]*)\\s*\\)", Pattern.CASE_INSENSITIVE);

    public IcedbAggregate
    {
        requireNonNull(function, "function is null");
        requireNonNull(column, "column is null");
    }

    /**
     * @throws TrinoException {@code INVALID_TABLE_PROPERTY} naming the bad expression
     */
    public static IcedbAggregate parse(String expression)
    {
        Matcher matcher = AGGREGATE.matcher(expression.trim());
        if (!matcher.matches()) {
            throw new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid aggregates '%s': expected function(column), with function one of %s", expression, functionNames()));
        }
        String name = matcher.group(1).toLowerCase(ENGLISH);
        IcedbAggregateFunction function = Arrays.stream(IcedbAggregateFunction.values())
                .filter(value -> value.sqlName().equals(name))
                .findFirst()
                .orElseThrow(() -> new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid aggregates '%s': unknown function '%s' (supported: %s)", expression, name, functionNames())));
        return new IcedbAggregate(function, matcher.group(2).toLowerCase(ENGLISH));
    }

    public String expression()
    {
        return function.sqlName() + "(" + column + ")";
    }

    private static String functionNames()
    {
        return Arrays.stream(IcedbAggregateFunction.values()).map(IcedbAggregateFunction::sqlName).toList().toString();
    }
}
