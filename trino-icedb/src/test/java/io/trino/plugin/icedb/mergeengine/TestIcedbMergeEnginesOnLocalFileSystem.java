package io.trino.plugin.icedb.mergeengine;

import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.plugin.memory.MemoryPlugin;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merge-engine tests on the local file system, with the table properties (validated at CREATE and CTAS, kept in
 * {@code P/_icedb/properties.json}, shown by SHOW CREATE TABLE and {@code $properties}) and DuckDB reading merged parts.
 */
public class TestIcedbMergeEnginesOnLocalFileSystem
        extends BaseIcedbMergeEngineTest
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-merge-engines");
        Path directory = root;
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();
        queryRunner.installPlugin(new MemoryPlugin());
        queryRunner.createCatalog("memory", "memory");
        queryRunner.execute("CREATE SCHEMA icedb." + SCHEMA);
        return queryRunner;
    }

    @Override
    protected int randomSteps()
    {
        return 10;
    }

    @Test
    public void testDuckDbReadsMergedParts()
            throws Exception
    {
        assertUpdate("CREATE TABLE me.duck (k bigint, region varchar, cnt bigint, note varchar) " +
                "WITH (partitioning = ARRAY['region'], primary_key = ARRAY['k', 'region'], merge_engine = 'aggregate', aggregates = ARRAY['sum(cnt)'])");
        assertUpdate("INSERT INTO me.duck VALUES (1, 'eu', 1, 'a'), (1, 'eu', 2, 'a'), (2, 'us', 5, 'b')", 3);
        assertUpdate("INSERT INTO me.duck VALUES (1, 'eu', 10, 'c'), (2, 'us', 50, 'd'), (3, 'us', 7, 'e')", 3);
        assertUpdate("CALL icedb.system.merge('me', 'duck')");
        // the alive parts, as $files lists them (local:///key)
        List<String> alivePaths = computeActual("SELECT path FROM me.\"duck$files\"").getOnlyColumn()
                .map(String.class::cast)
                .map(path -> root.resolve(path.substring("local:///".length())).toString())
                .toList();
        assertThat(alivePaths).hasSize(2);
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT k, region, cnt, note FROM read_parquet([%s]) ORDER BY k".formatted(
                        String.join(", ", alivePaths.stream().map(path -> "'" + path + "'").toList())))) {
            while (resultSet.next()) {
                rows.add(resultSet.getLong(1) + "/" + resultSet.getString(2) + "/" + resultSet.getLong(3) + "/" + resultSet.getString(4));
            }
        }
        assertThat(rows).containsExactly("1/eu/13/c", "2/us/55/d", "3/us/7/e");
    }

    @Test
    public void testPropertiesArePersistedAndShown()
            throws Exception
    {
        assertUpdate("""
                CREATE TABLE me.agg (k varchar, day date, cnt bigint, ts timestamp(6), flag boolean, note varchar)
                WITH (partitioning = ARRAY['day'], primary_key = ARRAY['k', 'day'], merge_engine = 'aggregate',
                      aggregates = ARRAY['sum(cnt)', 'MAX(ts)', 'bool_or(flag)'])""");
        String json = Files.readString(root.resolve("me/agg/_icedb/properties.json"));
        assertThat(json).contains("\"merge_engine\" : \"aggregate\"").contains("\"primary_key\" : [ \"k\", \"day\" ]").contains("\"max(ts)\"");
        String ddl = (String) computeScalar("SHOW CREATE TABLE me.agg");
        assertThat(ddl)
                .contains("primary_key = ARRAY['k','day']")
                .contains("merge_engine = 'aggregate'")
                .contains("aggregates = ARRAY['sum(cnt)','max(ts)','bool_or(flag)']")
                // the key is the sort order
                .contains("sorted_by = ARRAY['k','day']");
        assertThat(query("SELECT value FROM me.\"agg$properties\" WHERE key = 'merge_engine'")).matches("VALUES VARCHAR 'aggregate'");

        assertUpdate("CREATE TABLE me.dedup (k bigint, v bigint, payload varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate', version_column = 'v', sorted_by = ARRAY['payload'])");
        assertThat((String) computeScalar("SHOW CREATE TABLE me.dedup"))
                .contains("version_column = 'v'")
                .contains("sorted_by = ARRAY['k','payload']");
        // sorted_by that already starts with the key is kept
        assertUpdate("CREATE TABLE me.desc_key (k bigint, v bigint) WITH (primary_key = ARRAY['k'], merge_engine = 'first_row', sorted_by = ARRAY['k DESC', 'v'])");
        assertThat((String) computeScalar("SHOW CREATE TABLE me.desc_key")).contains("sorted_by = ARRAY['k DESC','v']").contains("merge_engine = 'first_row'");
        // an append table shows no engine
        assertUpdate("CREATE TABLE me.plain (k bigint)");
        assertThat((String) computeScalar("SHOW CREATE TABLE me.plain")).doesNotContain("merge_engine").doesNotContain("primary_key");
        // CTAS
        assertUpdate("CREATE TABLE me.ctas WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate') AS SELECT * FROM (VALUES (1, 'a'), (1, 'b')) t(k, x)", 2);
        assertThat((String) computeScalar("SHOW CREATE TABLE me.ctas")).contains("merge_engine = 'deduplicate'");
    }

    @Test
    public void testCreateValidation()
    {
        assertQueryFails("CREATE TABLE me.bad1 (k bigint, v bigint) WITH (primary_key = ARRAY['nope'], merge_engine = 'deduplicate')",
                "Invalid primary_key: 'nope' is not a column of the table.*");
        assertQueryFails("CREATE TABLE me.bad2 (k bigint, v bigint) WITH (merge_engine = 'deduplicate')",
                "Invalid merge_engine: merge engine 'deduplicate' needs a primary_key");
        assertQueryFails("CREATE TABLE me.bad3 (k bigint, v bigint) WITH (primary_key = ARRAY['k'], merge_engine = 'replacing')",
                "Invalid merge_engine: 'replacing' is not a merge engine.*");
        assertQueryFails("CREATE TABLE me.bad4 (k bigint, region varchar, v bigint) WITH (primary_key = ARRAY['k'], merge_engine = 'first_row', partitioning = ARRAY['region'])",
                "Invalid partitioning: partition column 'region' .*must be part of the primary_key.*");
        assertQueryFails("CREATE TABLE me.bad5 (k bigint, v varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'aggregate', aggregates = ARRAY['sum(v)'])",
                "Invalid aggregates: 'sum\\(v\\)': column 'v' has type varchar, but sum needs a numeric column.*");
        assertQueryFails("CREATE TABLE me.bad6 (k bigint, v bigint) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate', aggregates = ARRAY['sum(v)'])",
                "Invalid aggregates: aggregates need merge_engine 'aggregate', not 'deduplicate'");
        assertQueryFails("CREATE TABLE me.bad7 (k bigint, v bigint) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate', version_column = 'k')",
                "Invalid version_column: column 'k' is part of the primary_key");
        assertQueryFails("CREATE TABLE me.bad8 (k bigint, v map(varchar, bigint)) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate', version_column = 'v')",
                "Invalid version_column: column 'v' of type map\\(varchar, bigint\\) is not orderable");
        assertQueryFails("CREATE TABLE me.bad9 (k bigint, v bigint) WITH (primary_key = ARRAY['k'], merge_engine = 'aggregate', aggregates = ARRAY['median(v)'])",
                "Invalid aggregates 'median\\(v\\)': unknown function 'median'.*");
        assertQueryFails("CREATE TABLE me.bad10 (k bigint, v bigint) WITH (primary_key = ARRAY['k'], merge_engine = 'first_row', version_column = 'v')",
                "Invalid version_column: version_column 'v' needs merge_engine 'deduplicate', not 'first_row'");
        assertQueryFails("CREATE TABLE me.bad11 (k bigint, b bigint) WITH (primary_key = ARRAY['k'], merge_engine = 'aggregate', aggregates = ARRAY['bool_and(b)'])",
                "Invalid aggregates: 'bool_and\\(b\\)': column 'b' has type bigint, but bool_and needs a boolean column");
        assertQueryFails("CREATE TABLE me.bad12 WITH (primary_key = ARRAY['z'], merge_engine = 'deduplicate') AS SELECT 1 AS k",
                "Invalid primary_key: 'z' is not a column of the table.*");
        assertThat(root.resolve("me/bad1")).doesNotExist();
        assertThat(root.resolve("me/bad12")).doesNotExist();
    }
}
