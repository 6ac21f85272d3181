package io.trino.plugin.icedb.layout;

import com.google.common.collect.ImmutableList;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SortOrder;
import io.trino.spi.type.Type;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * A column every part is sorted by (table property {@code sorted_by}): {@code col [ASC|DESC] [NULLS FIRST|NULLS LAST]},
 * ascending with nulls first by default, as in the Iceberg connector.
 */
public record IcedbSortField(String column, SortOrder order)
{
    private static final Pattern SORT_FIELD = Pattern.compile(
            "([a-z_][a-z0-9_]*)(?:\\s+(ASC|DESC))?(?:\\s+NULLS\\s+(FIRST|LAST))?",
            Pattern.CASE_INSENSITIVE);

    public IcedbSortField
    {
        requireNonNull(column, "column is null");
        requireNonNull(order, "order is null");
    }

    /**
     * @param columns the table's columns (lowercase names) and their storage types
     * @throws TrinoException {@code INVALID_TABLE_PROPERTY} naming the bad expression
     */
    public static List<IcedbSortField> parse(List<String> expressions, Map<String, Type> columns)
    {
        ImmutableList.Builder<IcedbSortField> fields = ImmutableList.builder();
        Set<String> seen = new HashSet<>();
        for (String expression : expressions) {
            IcedbSortField field = parseExpression(expression);
            String column = field.column();
            Type type = columns.get(column);
            if (type == null) {
                throw invalid(expression, format("column '%s' is not a column of the table (columns: %s)", column, columns.keySet()));
            }
            if (!type.isOrderable()) {
                throw invalid(expression, format("column '%s' of type %s is not orderable", column, type));
            }
            if (!seen.add(column)) {
                throw invalid(expression, format("column '%s' is listed twice", column));
            }
            fields.add(field);
        }
        return fields.build();
    }

    /**
     * The syntax alone, {@code col [ASC|DESC] [NULLS FIRST|NULLS LAST]}, with the column name lowercased; the caller
     * checks the column.
     *
     * @throws TrinoException {@code INVALID_TABLE_PROPERTY} naming the bad expression
     */
    public static IcedbSortField parseExpression(String expression)
    {
        Matcher matcher = SORT_FIELD.matcher(expression.trim());
        if (!matcher.matches()) {
            throw invalid(expression, "expected col [ASC|DESC] [NULLS FIRST|NULLS LAST]");
        }
        boolean ascending = matcher.group(2) == null || matcher.group(2).equalsIgnoreCase("ASC");
        boolean nullsFirst = matcher.group(3) == null ? ascending : matcher.group(3).equalsIgnoreCase("FIRST");
        SortOrder order;
        if (ascending) {
            order = nullsFirst ? SortOrder.ASC_NULLS_FIRST : SortOrder.ASC_NULLS_LAST;
        }
        else {
            order = nullsFirst ? SortOrder.DESC_NULLS_FIRST : SortOrder.DESC_NULLS_LAST;
        }
        return new IcedbSortField(matcher.group(1).toLowerCase(ENGLISH), order);
    }

    /**
     * The expression as the {@code sorted_by} table property spells it (shortest form).
     */
    public String expression()
    {
        return switch (order) {
            case ASC_NULLS_FIRST -> column;
            case ASC_NULLS_LAST -> column + " ASC NULLS LAST";
            case DESC_NULLS_FIRST -> column + " DESC NULLS FIRST";
            case DESC_NULLS_LAST -> column + " DESC";
        };
    }

    private static TrinoException invalid(String expression, String reason)
    {
        return new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid sorted_by '%s': %s", expression, reason));
    }
}
