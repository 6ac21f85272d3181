package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.trino.plugin.base.projection.ApplyProjectionUtil;
import io.trino.plugin.base.projection.ApplyProjectionUtil.ProjectedColumnRepresentation;
import io.trino.plugin.icedb.IcedbTableView.PartitionFieldType;
import io.trino.plugin.icedb.layout.IcedbPartitionPruning;
import io.trino.plugin.icedb.layout.PartitionTransform;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngine;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngineType;
import io.trino.plugin.icedb.mergeengine.IcedbMergeOnReadPredicates;
import io.trino.spi.connector.Assignment;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.ConstraintApplicationResult;
import io.trino.spi.connector.ProjectionApplicationResult;
import io.trino.spi.expression.ConnectorExpression;
import io.trino.spi.expression.Variable;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.Type;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.plugin.base.projection.ApplyProjectionUtil.extractSupportedProjectedColumns;
import static io.trino.plugin.base.projection.ApplyProjectionUtil.replaceWithNewVariables;
import static java.util.function.Function.identity;

/**
 * Filter and projection pushdown into an IceDB table handle.
 */
final class IcedbPushdown
{
    private IcedbPushdown() {}

    /**
     * Predicates the parts' paths decide (hidden columns, Python's Hive keys, identity partition columns) are enforced
     * by the split manager; the others are handed to the page source for row-group and page skipping.
     */
    public static Optional<ConstraintApplicationResult<ConnectorTableHandle>> applyFilter(IcedbTableHandle table, Constraint constraint, IcedbTableView view, boolean mergeOnRead)
    {
        TupleDomain<IcedbColumnHandle> summary = constraint.getSummary().transformKeys(IcedbColumnHandle.class::cast);
        if (summary.isNone()) {
            TupleDomain<IcedbColumnHandle> none = TupleDomain.none();
            if (table.enforcedPredicate().isNone()) {
                return Optional.empty();
            }
            return Optional.of(new ConstraintApplicationResult<>(table.withPredicates(none, none), TupleDomain.all(), constraint.getExpression(), false));
        }
        Map<IcedbColumnHandle, Domain> domains = summary.getDomains().orElseThrow();
        Map<String, Type> identityColumns = view.partitionFields().stream()
                .filter(field -> field.field().transform() == PartitionTransform.IDENTITY)
                .collect(toImmutableMap(field -> field.field().column(), PartitionFieldType::type, (first, _) -> first));
        // part-level: known from the part's path alone, so the split manager enforces it exactly
        Map<IcedbColumnHandle, Domain> partLevelDomains = new LinkedHashMap<>();
        Map<IcedbColumnHandle, Domain> regularDomains = new LinkedHashMap<>();
        IcedbMergeEngine engine = view.definition().mergeEngine();
        boolean merged = mergeOnRead && engine.mergesRows();
        Map<IcedbColumnHandle, Domain> remainingDomains = new LinkedHashMap<>();
        domains.forEach((column, domain) -> {
            if (merged && column.isPartLevel() && !IcedbMergeOnReadPredicates.isPerPartition(column)) {
                // $path, $file_size, $file_modified_time of merged rows: filtered by the engine after the merge
                remainingDomains.put(column, domain);
            }
            else if (column.isPartLevel() || isExactOnPartitions(column, domain, identityColumns)) {
                partLevelDomains.put(column, domain);
            }
            else {
                regularDomains.put(column, domain);
            }
        });
        TupleDomain<IcedbColumnHandle> partLevel = TupleDomain.withColumnDomains(partLevelDomains);
        TupleDomain<IcedbColumnHandle> regular = TupleDomain.withColumnDomains(regularDomains);

        TupleDomain<IcedbColumnHandle> enforced = table.enforcedPredicate().intersect(partLevel);
        TupleDomain<IcedbColumnHandle> unenforced = table.unenforcedPredicate().intersect(regular);
        if (enforced.equals(table.enforcedPredicate()) && unenforced.equals(table.unenforcedPredicate())) {
            return Optional.empty();
        }
        TupleDomain<IcedbColumnHandle> remaining = regular.intersect(TupleDomain.withColumnDomains(remainingDomains));
        return Optional.of(new ConstraintApplicationResult<>(
                table.withPredicates(enforced, unenforced),
                remaining.transformKeys(ColumnHandle.class::cast),
                constraint.getExpression(),
                false));
    }

    /**
     * Projection pushdown when the session enables it, except for a table with the aggregate merge engine merged on
     * read: a field of an aggregated row column (min, max, any) must come from the aggregated value, so whole columns
     * are merged.
     */
    public static Optional<ProjectionApplicationResult<ConnectorTableHandle>> applyProjection(
            ConnectorSession session,
            ConnectorTableHandle handle,
            Supplier<IcedbTableView> view,
            List<ConnectorExpression> projections,
            Map<String, ColumnHandle> assignments)
    {
        if (!IcedbSessionProperties.isProjectionPushdownEnabled(session)) {
            return Optional.empty();
        }
        if (view.get().definition().mergeEngine().type() == IcedbMergeEngineType.AGGREGATE && IcedbSessionProperties.isMergeOnReadEnabled(session)) {
            return Optional.empty();
        }
        // struct fields (chains of dereferences on a column) become columns of their own, so only those fields are read
        Set<ConnectorExpression> projected = projections.stream()
                .flatMap(expression -> extractSupportedProjectedColumns(expression).stream())
                .collect(toImmutableSet());
        Map<ConnectorExpression, ProjectedColumnRepresentation> representations = projected.stream()
                .collect(toImmutableMap(identity(), ApplyProjectionUtil::createProjectedColumnRepresentation));
        if (representations.values().stream().allMatch(ProjectedColumnRepresentation::isVariable)) {
            return Optional.empty();
        }

        Map<String, Assignment> newAssignments = new LinkedHashMap<>();
        ImmutableMap.Builder<ConnectorExpression, Variable> newVariables = ImmutableMap.builder();
        for (Map.Entry<ConnectorExpression, ProjectedColumnRepresentation> entry : representations.entrySet()) {
            ProjectedColumnRepresentation representation = entry.getValue();
            IcedbColumnHandle column = (IcedbColumnHandle) assignments.get(representation.getVariable().getName());
            for (int fieldIndex : representation.getDereferenceIndices()) {
                column = column.dereference(fieldIndex);
            }
            String name = representation.isVariable() ? representation.getVariable().getName() : column.qualifiedName();
            newAssignments.put(name, new Assignment(name, column, entry.getKey().getType()));
            newVariables.put(entry.getKey(), new Variable(name, entry.getKey().getType()));
        }
        Map<ConnectorExpression, Variable> variables = newVariables.buildOrThrow();
        List<ConnectorExpression> newProjections = projections.stream()
                .map(expression -> replaceWithNewVariables(expression, variables))
                .collect(toImmutableList());
        return Optional.of(new ProjectionApplicationResult<>(handle, newProjections, ImmutableList.copyOf(newAssignments.values()), false));
    }

    /**
     * Whether a predicate on a column the table is identity-partitioned by holds for all rows of a part or for none,
     * judged from the part's path (the Iceberg connector enforces such predicates the same way).
     */
    private static boolean isExactOnPartitions(IcedbColumnHandle column, Domain domain, Map<String, Type> identityColumns)
    {
        return column.kind() == IcedbColumnHandle.Kind.REGULAR
                && column.isBaseColumn()
                && identityColumns.containsKey(column.name())
                && IcedbPartitionPruning.isExactForIdentity(identityColumns.get(column.name()), domain);
    }
}
