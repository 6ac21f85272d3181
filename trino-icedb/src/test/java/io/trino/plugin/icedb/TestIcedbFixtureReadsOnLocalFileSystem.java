package io.trino.plugin.icedb;

import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.util.function.Function.identity;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture bucket copied to a local directory that plays the bucket ({@code local:///}); tables registered in place.
 */
public class TestIcedbFixtureReadsOnLocalFileSystem
        extends BaseIcedbFixtureReadsTest
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-local-fixtures");
        this.root = root;
        IcedbFixtures.copyBucket(IcedbFixtures.BUCKET, root);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        registerFixtures(queryRunner, IcedbFixtures.TABLES.stream().collect(toImmutableMap(identity(), table -> fixtureTableLocation(IcedbFixtures.BUCKET, table))));
        return queryRunner;
    }

    @Override
    protected String fixtureTableLocation(String bucket, String table)
    {
        return "local:///" + table;
    }

    /**
     * DuckDB reading the parts Trino plans (the alive parts of the snapshot) gives the same rows as Trino, formatted by
     * DuckDB's own {@code to_json}.
     */
    @ParameterizedTest
    @MethodSource("tables")
    public void testDuckDbReadsTheSameRows(String table)
            throws Exception
    {
        Map<String, String> schema = new LinkedHashMap<>();
        IcedbFixtures.expectations(table).get("now").get("schema").fields().forEachRemaining(entry -> schema.put(entry.getKey(), entry.getValue().asText()));
        List<String> parts = computeActual("SELECT DISTINCT \"$path\" FROM " + table).getOnlyColumn()
                .map(path -> root.resolve(((String) path).substring("local:///".length())).toString())
                .collect(toImmutableList());
        String columns = schema.keySet().stream().map(BaseIcedbFixtureReadsTest::quoted).collect(Collectors.joining(", "));
        List<String> trinoRows = ExpectedRowFormat.formatRows(schema, computeActual("SELECT %s FROM %s".formatted(columns, table)).getMaterializedRows().stream()
                .map(MaterializedRow::getFields)
                .toList());

        List<String> duckDbRows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            String files = parts.stream().map(path -> "'" + path.replace("'", "''") + "'").collect(Collectors.joining(", ", "[", "]"));
            Set<String> physical = new HashSet<>();
            try (ResultSet describe = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet(%s, union_by_name = true)".formatted(files))) {
                while (describe.next()) {
                    physical.add(describe.getString(1));
                }
            }
            String fields = schema.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(column -> "%s := %s".formatted(
                            quoted(column.getKey()),
                            physical.contains(column.getKey()) ? "CAST(%s AS %s)".formatted(quoted(column.getKey()), column.getValue()) : "CAST(NULL AS %s)".formatted(column.getValue())))
                    .collect(Collectors.joining(", "));
            try (ResultSet rows = statement.executeQuery("SELECT CAST(to_json(struct_pack(%s)) AS VARCHAR) FROM read_parquet(%s, union_by_name = true)".formatted(fields, files))) {
                while (rows.next()) {
                    duckDbRows.add(rows.getString(1));
                }
            }
        }
        duckDbRows.sort(String::compareTo);
        List<String> sortedTrinoRows = new ArrayList<>(trinoRows);
        sortedTrinoRows.sort(String::compareTo);
        assertThat(sortedTrinoRows).isEqualTo(duckDbRows);
        assertThat(trinoRows).hasSize(IcedbFixtures.expectations(table).get("now").get("row_count").asInt());
    }
}
