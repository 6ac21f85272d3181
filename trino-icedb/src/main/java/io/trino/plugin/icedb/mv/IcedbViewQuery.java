package io.trino.plugin.icedb.mv;

import com.google.common.collect.ImmutableList;
import io.trino.spi.connector.SchemaTableName;
import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.AllColumns;
import io.trino.sql.tree.CurrentCatalog;
import io.trino.sql.tree.CurrentDate;
import io.trino.sql.tree.CurrentPath;
import io.trino.sql.tree.CurrentSchema;
import io.trino.sql.tree.CurrentTime;
import io.trino.sql.tree.CurrentTimestamp;
import io.trino.sql.tree.CurrentUser;
import io.trino.sql.tree.Expression;
import io.trino.sql.tree.FunctionCall;
import io.trino.sql.tree.GroupingElement;
import io.trino.sql.tree.Identifier;
import io.trino.sql.tree.LocalTime;
import io.trino.sql.tree.LocalTimestamp;
import io.trino.sql.tree.LongLiteral;
import io.trino.sql.tree.Node;
import io.trino.sql.tree.Query;
import io.trino.sql.tree.QuerySpecification;
import io.trino.sql.tree.SelectItem;
import io.trino.sql.tree.SimpleGroupBy;
import io.trino.sql.tree.SingleColumn;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.SubqueryExpression;
import io.trino.sql.tree.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * What a materialized view's query allows its refresh to do, decided from the query parsed with Trino's SQL parser:
 * <ul>
 * <li>{@link Kind#AGGREGATE}: {@code SELECT k..., agg... FROM icedb.s.t [WHERE ...] GROUP BY k...} where every GROUP BY
 * expression is a selected column and every other selected column is {@code count}, {@code sum}, {@code min} or
 * {@code max} (no DISTINCT, FILTER or window): the storage table is an {@code aggregate} table keyed by the GROUP BY
 * columns, and the partial result over new parts combines with it (count and sum add up, min and max keep theirs);</li>
 * <li>{@link Kind#APPEND}: a query on one table of this catalog that Trino itself can refresh incrementally (no
 * aggregation, join or DISTINCT: Trino says so with {@link io.trino.spi.RefreshType#INCREMENTAL}): new rows append;</li>
 * <li>{@link Kind#FULL}: anything else (joins, HAVING, ORDER BY/LIMIT, avg, DISTINCT, several tables, non-deterministic
 * functions such as {@code now()} or {@code rand()}): every refresh recomputes the whole view.</li>
 * </ul>
 *
 * @param source the one table read, when the query reads one table of this catalog
 * @param keyColumns the storage table's primary key (AGGREGATE)
 * @param aggregates the storage table's aggregates, as the {@code aggregates} table property takes them (AGGREGATE)
 */
public record IcedbViewQuery(Kind kind, Optional<SchemaTableName> source, List<String> keyColumns, List<String> aggregates)
{
    public enum Kind
    {
        AGGREGATE,
        APPEND,
        FULL,
    }

    private static final Set<String> NON_DETERMINISTIC = Set.of("rand", "random", "now", "uuid", "shuffle", "localtime", "localtimestamp", "current_timestamp", "current_time", "current_date");

    public IcedbViewQuery
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(source, "source is null");
        keyColumns = ImmutableList.copyOf(keyColumns);
        aggregates = ImmutableList.copyOf(aggregates);
    }

    private static IcedbViewQuery full(Optional<SchemaTableName> source)
    {
        return new IcedbViewQuery(Kind.FULL, source, ImmutableList.of(), ImmutableList.of());
    }

    /**
     * @param catalog this connector's catalog name
     * @param defaultCatalog the catalog of the session that created the view
     * @param defaultSchema the schema of that session
     * @param columnNames the view's output column names, in order
     */
    public static IcedbViewQuery analyze(String sql, String catalog, Optional<String> defaultCatalog, Optional<String> defaultSchema, List<String> columnNames)
    {
        Statement statement;
        try {
            statement = new SqlParser().createStatement(sql);
        }
        catch (ParsingException _) {
            return full(Optional.empty());
        }
        if (!(statement instanceof Query query)
                || query.getWith().isPresent()
                || !query.getFunctions().isEmpty()
                || !query.getSessionProperties().isEmpty()
                || query.getOrderBy().isPresent()
                || query.getOffset().isPresent()
                || query.getLimit().isPresent()
                || !(query.getQueryBody() instanceof QuerySpecification specification)
                || !(specification.getFrom().orElse(null) instanceof Table table)
                || table.getQueryPeriod().isPresent()) {
            return full(Optional.empty());
        }
        Optional<SchemaTableName> source = resolve(table, catalog, defaultCatalog, defaultSchema);
        if (source.isEmpty()
                || specification.getHaving().isPresent()
                || !specification.getWindows().isEmpty()
                || specification.getOrderBy().isPresent()
                || specification.getOffset().isPresent()
                || specification.getLimit().isPresent()
                || specification.getSelect().isDistinct()
                || specification.getWhere().map(IcedbViewQuery::isVolatile).orElse(false)) {
            return full(source);
        }
        List<SelectItem> items = specification.getSelect().getSelectItems();
        if (items.stream().anyMatch(item -> isVolatile(item))) {
            return full(source);
        }
        if (specification.getGroupBy().isEmpty()) {
            // Trino decides whether it has no aggregation (RefreshType); here only what it cannot see
            return new IcedbViewQuery(Kind.APPEND, source, ImmutableList.of(), ImmutableList.of());
        }
        if (items.size() != columnNames.size() || items.stream().anyMatch(AllColumns.class::isInstance) || specification.getGroupBy().get().isDistinct()) {
            return full(source);
        }
        List<Expression> grouping = new ArrayList<>();
        for (GroupingElement element : specification.getGroupBy().get().getGroupingElements()) {
            if (!(element instanceof SimpleGroupBy simple)) {
                return full(source);
            }
            for (Expression expression : simple.getExpressions()) {
                if (expression instanceof LongLiteral ordinal) {
                    int index = (int) ordinal.getParsedValue() - 1;
                    if (index < 0 || index >= items.size()) {
                        return full(source);
                    }
                    expression = ((SingleColumn) items.get(index)).getExpression();
                }
                grouping.add(expression);
            }
        }
        ImmutableList.Builder<String> keys = ImmutableList.builder();
        ImmutableList.Builder<String> aggregates = ImmutableList.builder();
        List<Expression> keyExpressions = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Expression expression = ((SingleColumn) items.get(i)).getExpression();
            String column = columnNames.get(i);
            if (grouping.contains(expression)) {
                keys.add(column);
                keyExpressions.add(expression);
                continue;
            }
            Optional<String> function = decomposable(expression);
            if (function.isEmpty()) {
                return full(source);
            }
            aggregates.add(function.get() + "(" + column + ")");
        }
        if (!keyExpressions.containsAll(grouping) || keyExpressions.isEmpty()) {
            // a GROUP BY expression that is not selected: two groups would make one storage row
            return full(source);
        }
        return new IcedbViewQuery(Kind.AGGREGATE, source, keys.build(), aggregates.build());
    }

    /**
     * The storage table's aggregate function for a selected aggregate whose partial results combine.
     */
    private static Optional<String> decomposable(Expression expression)
    {
        if (!(expression instanceof FunctionCall call)
                || call.isDistinct()
                || call.getFilter().isPresent()
                || call.getWindow().isPresent()
                || call.getOrderBy().isPresent()
                || call.getName().getParts().size() != 1
                || call.getArguments().size() > 1) {
            return Optional.empty();
        }
        String name = call.getName().getSuffix().toLowerCase(ENGLISH);
        return switch (name) {
            // partial counts add up
            case "count", "sum" -> Optional.of("sum");
            case "min", "max" -> call.getArguments().size() == 1 ? Optional.of(name) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static boolean isVolatile(Node node)
    {
        if (node instanceof SubqueryExpression
                || node instanceof CurrentTime
                || node instanceof CurrentTimestamp
                || node instanceof CurrentDate
                || node instanceof LocalTime
                || node instanceof LocalTimestamp
                || node instanceof CurrentUser
                || node instanceof CurrentCatalog
                || node instanceof CurrentSchema
                || node instanceof CurrentPath) {
            return true;
        }
        if (node instanceof FunctionCall call && NON_DETERMINISTIC.contains(call.getName().getSuffix().toLowerCase(ENGLISH))) {
            return true;
        }
        return node.getChildren().stream().anyMatch(IcedbViewQuery::isVolatile);
    }

    private static Optional<SchemaTableName> resolve(Table table, String catalog, Optional<String> defaultCatalog, Optional<String> defaultSchema)
    {
        List<Identifier> parts = table.getName().getOriginalParts();
        Optional<String> tableCatalog;
        Optional<String> schema;
        if (parts.size() == 3) {
            tableCatalog = Optional.of(parts.get(0).getValue());
            schema = Optional.of(parts.get(1).getValue());
        }
        else if (parts.size() == 2) {
            tableCatalog = defaultCatalog;
            schema = Optional.of(parts.get(0).getValue());
        }
        else {
            tableCatalog = defaultCatalog;
            schema = defaultSchema;
        }
        if (tableCatalog.isEmpty() || schema.isEmpty() || !tableCatalog.get().equalsIgnoreCase(catalog)) {
            return Optional.empty();
        }
        String name = parts.getLast().getValue();
        if (name.contains("$")) {
            // a metadata table or a storage table
            return Optional.empty();
        }
        return Optional.of(new SchemaTableName(schema.get().toLowerCase(ENGLISH), name.toLowerCase(ENGLISH)));
    }
}
