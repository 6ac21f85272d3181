package io.trino.plugin.icedb.layout;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.spec.PartitionPath;
import io.trino.spi.Page;
import io.trino.spi.TrinoException;
import io.trino.spi.type.Type;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The partitioning of a table (table property {@code partitioning}): the Hive keys of its part paths, in order, each
 * derived from a column. Stored in the table's properties ({@link io.trino.plugin.icedb.IcedbTableDefinition}) so
 * readers know which column each key comes from.
 */
public record IcedbPartitionSpec(List<IcedbPartitionField> fields)
{
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern IDENTITY = Pattern.compile("(" + IDENTIFIER + ")");
    private static final Pattern TEMPORAL = Pattern.compile("(year|month|day|hour)\\(\\s*(" + IDENTIFIER + ")\\s*\\)");
    private static final Pattern PARAMETERIZED = Pattern.compile("(bucket|truncate)\\(\\s*(" + IDENTIFIER + ")\\s*,\\s*([0-9]{1,10})\\s*\\)");

    public static final IcedbPartitionSpec UNPARTITIONED = new IcedbPartitionSpec(ImmutableList.of());

    public IcedbPartitionSpec
    {
        fields = ImmutableList.copyOf(fields);
    }

    /**
     * Parses and checks the {@code partitioning} expressions against the table's columns.
     *
     * @param columns the table's columns (lowercase names) and their storage types
     * @throws TrinoException {@code INVALID_TABLE_PROPERTY} naming the bad expression
     */
    public static IcedbPartitionSpec parse(List<String> expressions, Map<String, Type> columns)
    {
        requireNonNull(expressions, "expressions is null");
        ImmutableList.Builder<IcedbPartitionField> fields = ImmutableList.builder();
        Set<String> keys = new HashSet<>();
        for (String expression : expressions) {
            IcedbPartitionField field = parseField(expression);
            Type type = columns.get(field.column());
            if (type == null) {
                throw invalid(expression, format("column '%s' is not a column of the table (columns: %s)", field.column(), columns.keySet()));
            }
            if (!IcedbPartitionField.supports(field.transform(), type)) {
                throw invalid(expression, format("%s cannot be applied to column '%s' of type %s", field.transform().name().toLowerCase(Locale.ENGLISH), field.column(), type));
            }
            if (field.transform().hasParameter() && field.parameter().orElseThrow() <= 0) {
                throw invalid(expression, "the number must be positive");
            }
            if (field.transform() != PartitionTransform.IDENTITY && columns.containsKey(field.keyName())) {
                throw invalid(expression, format("its partition key '%s' is also the name of a column", field.keyName()));
            }
            if (!keys.add(field.keyName())) {
                throw invalid(expression, format("partition key '%s' is used twice", field.keyName()));
            }
            fields.add(field);
        }
        return new IcedbPartitionSpec(fields.build());
    }

    /**
     * The keys that the stored {@code partitioning} expressions derive by a transform; these are no table columns.
     */
    public static List<String> derivedKeyNames(List<String> expressions)
    {
        return expressions.stream()
                .map(IcedbPartitionSpec::parseField)
                .filter(field -> field.transform() != PartitionTransform.IDENTITY)
                .map(IcedbPartitionField::keyName)
                .collect(toImmutableList());
    }

    private static IcedbPartitionField parseField(String expression)
    {
        String trimmed = expression.trim();
        Matcher matcher = IDENTITY.matcher(trimmed);
        if (matcher.matches()) {
            return new IcedbPartitionField(matcher.group(1), PartitionTransform.IDENTITY, OptionalInt.empty());
        }
        matcher = TEMPORAL.matcher(trimmed);
        if (matcher.matches()) {
            return new IcedbPartitionField(matcher.group(2), PartitionTransform.valueOf(matcher.group(1).toUpperCase(Locale.ENGLISH)), OptionalInt.empty());
        }
        matcher = PARAMETERIZED.matcher(trimmed);
        if (matcher.matches()) {
            int parameter;
            try {
                parameter = Integer.parseInt(matcher.group(3));
            }
            catch (NumberFormatException _) {
                throw invalid(expression, "the number must be at most " + Integer.MAX_VALUE);
            }
            return new IcedbPartitionField(matcher.group(2), PartitionTransform.valueOf(matcher.group(1).toUpperCase(Locale.ENGLISH)), OptionalInt.of(parameter));
        }
        throw invalid(expression, "expected col, year(col), month(col), day(col), hour(col), bucket(col, n) or truncate(col, n) with a lowercase column name");
    }

    private static TrinoException invalid(String expression, String reason)
    {
        return new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid partitioning '%s': %s", expression, reason));
    }

    public boolean isPartitioned()
    {
        return !fields.isEmpty();
    }

    public List<String> expressions()
    {
        return fields.stream().map(IcedbPartitionField::expression).collect(toImmutableList());
    }

    public List<String> keyNames()
    {
        return fields.stream().map(IcedbPartitionField::keyName).collect(toImmutableList());
    }

    /**
     * The keys derived by a transform (not the column itself): these are no columns of the table.
     */
    public List<String> derivedKeyNames()
    {
        return fields.stream()
                .filter(field -> field.transform() != PartitionTransform.IDENTITY)
                .map(IcedbPartitionField::keyName)
                .collect(toImmutableList());
    }

    /**
     * The partition path of the row at {@code position} of {@code page}.
     *
     * @param channels the page channel of each field's column
     * @param types the type of each field's column
     */
    public static String partitionPath(List<IcedbPartitionField> fields, List<Integer> channels, List<Type> types, Page page, int position)
    {
        ImmutableList.Builder<PartitionPath.HiveKey> keys = ImmutableList.builderWithExpectedSize(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            IcedbPartitionField field = fields.get(i);
            keys.add(new PartitionPath.HiveKey(field.keyName(), field.value(types.get(i), page.getBlock(channels.get(i)), position)));
        }
        return PartitionPath.build(keys.build()).partition();
    }
}
