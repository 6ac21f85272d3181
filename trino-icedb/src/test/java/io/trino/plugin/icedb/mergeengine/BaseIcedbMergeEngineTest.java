package io.trino.plugin.icedb.mergeengine;

import io.trino.Session;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tables with a merge engine on a two-node cluster: after sequences of inserts (keys repeated within and across
 * inserts), merges ({@code CALL merge}, {@code EXECUTE merge}), deletes and updates, a SELECT equals the same rule
 * computed by the memory connector over every raw row with GROUP BY and max_by/min_by; raw reads (merge on read off)
 * show every inserted row until a merge, and one row per key after it. A runner that can hold statements
 * ({@link #concurrentWrites}) also commits inserts while merges and row-level statements run: those come after the
 * statement in commit order (it read the table before them).
 */
public abstract class BaseIcedbMergeEngineTest
        extends AbstractTestQueryFramework
{
    protected static final String SCHEMA = "me";

    /**
     * How many random steps each engine's sequence takes.
     */
    protected abstract int randomSteps();

    /**
     * Runs statements held at a point after they read the table and before they commit, while an insert commits; empty
     * when this runner cannot hold statements. A runner that can also allows {@code CALL cleanup} with a retention of 0s,
     * which the random sequences then run now and then.
     */
    protected Optional<ConcurrentWrites> concurrentWrites()
    {
        return Optional.empty();
    }

    protected interface ConcurrentWrites
    {
        /**
         * Runs the merge {@code statement} and, while it is held after it read the table, {@code during}.
         */
        MaterializedResult merge(String statement, Runnable during);

        /**
         * Runs the row-level statement {@code statement} (given the condition to add to its {@code WHERE} clause, which
         * holds it while it reads the table) and, while it is held, {@code during}.
         */
        MaterializedResult rowLevel(Function<String, String> statement, Runnable during);
    }

    protected Session rawSession()
    {
        return Session.builder(getSession()).setCatalogSessionProperty("icedb", "merge_on_read_enabled", "false").build();
    }

    @Test
    public void testDeduplicateWithVersion()
    {
        assertUpdate("CREATE TABLE me.dv (k bigint, region varchar, v bigint, note varchar) " +
                "WITH (partitioning = ARRAY['region'], primary_key = ARRAY['k', 'region'], merge_engine = 'deduplicate', version_column = 'v')");
        assertUpdate("INSERT INTO me.dv VALUES (1, 'eu', 10, 'a'), (1, 'eu', 30, 'b'), (1, 'eu', 20, 'c'), (2, 'us', 1, 'd')", 4);
        assertUpdate("INSERT INTO me.dv VALUES (1, 'eu', 25, 'e'), (2, 'us', 1, 'f'), (1, 'us', NULL, 'g')", 3);
        // k=1/eu: version 30 wins; k=2/us: a tie of versions, the later commit wins
        assertThat(query("SELECT k, region, v, note FROM me.dv"))
                .matches("VALUES (BIGINT '1', VARCHAR 'eu', BIGINT '30', VARCHAR 'b'), (2, 'us', 1, 'f'), (1, 'us', NULL, 'g')");
        // a filter on a non-key column applies to merged rows: an older version never comes back
        assertThat(query("SELECT note FROM me.dv WHERE note = 'e' OR v = 25")).returnsEmptyResult();
        assertThat(query("SELECT note FROM me.dv WHERE v < 30 AND region = 'eu'")).returnsEmptyResult();
        // key and partition predicates
        assertThat(query("SELECT note FROM me.dv WHERE k = 2")).matches("VALUES VARCHAR 'f'");
        assertThat(query("SELECT note FROM me.dv WHERE region = 'us' AND k = 1")).matches("VALUES VARCHAR 'g'");
        // the key and version are read though not projected
        assertThat(query("SELECT note FROM me.dv")).matches("VALUES VARCHAR 'b', 'f', 'g'");
        assertThat(query("SELECT count(*) FROM me.dv")).matches("VALUES BIGINT '3'");
        assertThat(query(rawSession(), "SELECT count(*) FROM me.dv")).matches("VALUES BIGINT '7'");
        assertThat(query(rawSession(), "SELECT note FROM me.dv WHERE note = 'e'")).matches("VALUES VARCHAR 'e'");

        assertUpdate("CALL icedb.system.merge('me', 'dv')");
        assertThat(query(rawSession(), "SELECT k, region, v, note FROM me.dv"))
                .matches("VALUES (BIGINT '1', VARCHAR 'eu', BIGINT '30', VARCHAR 'b'), (2, 'us', 1, 'f'), (1, 'us', NULL, 'g')");
        // a row with a lower version inserted after the merge still loses
        assertUpdate("INSERT INTO me.dv VALUES (1, 'eu', 5, 'h')", 1);
        assertThat(query("SELECT note FROM me.dv WHERE k = 1 AND region = 'eu'")).matches("VALUES VARCHAR 'b'");
    }

    @Test
    public void testMergeEngineDml()
    {
        assertUpdate("CREATE TABLE me.dml (k bigint, region varchar, cnt bigint, note varchar) " +
                "WITH (partitioning = ARRAY['region'], primary_key = ARRAY['region', 'k'], merge_engine = 'aggregate', aggregates = ARRAY['sum(cnt)'])");
        assertUpdate("INSERT INTO me.dml VALUES (1, 'eu', 1, 'a'), (2, 'eu', 2, 'b'), (3, 'us', 3, 'c')", 3);
        assertUpdate("INSERT INTO me.dml VALUES (1, 'eu', 10, 'd'), (2, 'eu', 20, 'e'), (3, 'us', 30, 'f')", 3);
        // deleting a key removes all of its raw rows
        assertUpdate("DELETE FROM me.dml WHERE k = 1", 1);
        assertThat(query("SELECT k, cnt, note FROM me.dml")).matches("VALUES (BIGINT '2', BIGINT '22', VARCHAR 'e'), (3, 33, 'f')");
        assertThat(query(rawSession(), "SELECT count(*) FROM me.dml WHERE k = 1")).matches("VALUES BIGINT '0'");
        // an update gives the updated merged row, and later inserts combine with it
        assertUpdate("UPDATE me.dml SET note = 'u' WHERE k = 2", 1);
        assertThat(query("SELECT k, cnt, note FROM me.dml")).matches("VALUES (BIGINT '2', BIGINT '22', VARCHAR 'u'), (3, 33, 'f')");
        assertUpdate("UPDATE me.dml SET cnt = cnt + 100 WHERE note = 'f'", 1);
        assertThat(query("SELECT k, cnt, note FROM me.dml")).matches("VALUES (BIGINT '2', BIGINT '22', VARCHAR 'u'), (3, 133, 'f')");
        assertUpdate("INSERT INTO me.dml VALUES (2, 'eu', 1, NULL)", 1);
        assertThat(query("SELECT k, cnt, note FROM me.dml")).matches("VALUES (BIGINT '2', BIGINT '23', CAST(NULL AS varchar)), (3, 133, 'f')");
        // MERGE: update one key, delete one, insert one
        assertUpdate("""
                MERGE INTO me.dml t USING (VALUES (2, 'eu', 5), (3, 'us', 0), (4, 'us', 7)) s(k, region, cnt)
                ON t.k = s.k AND t.region = s.region
                WHEN MATCHED AND s.cnt = 0 THEN DELETE
                WHEN MATCHED THEN UPDATE SET cnt = t.cnt + s.cnt
                WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.region, s.cnt, 'm')""", 3);
        assertThat(query("SELECT k, region, cnt, note FROM me.dml")).matches("VALUES (BIGINT '2', VARCHAR 'eu', BIGINT '28', CAST(NULL AS varchar)), (4, 'us', 7, 'm')");
        // a partition delete (metadata only) removes the partition's keys
        assertUpdate("DELETE FROM me.dml WHERE region = 'us'");
        assertThat(query("SELECT k FROM me.dml")).matches("VALUES BIGINT '2'");
    }

    @Test
    public void testExecuteMergeAndOptimize()
    {
        assertUpdate("CREATE TABLE me.fr (k varchar, day date, note varchar) " +
                "WITH (partitioning = ARRAY['day'], primary_key = ARRAY['day', 'k'], merge_engine = 'first_row')");
        assertUpdate("INSERT INTO me.fr VALUES ('a', DATE '2024-01-01', 'first'), ('b', DATE '2024-01-02', 'first')", 2);
        assertUpdate("INSERT INTO me.fr VALUES ('a', DATE '2024-01-01', 'second'), ('b', DATE '2024-01-02', 'second'), ('c', DATE '2024-01-02', 'first')", 3);
        assertUpdate("INSERT INTO me.fr VALUES ('a', DATE '2024-01-01', 'third')", 1);
        assertThat(query("SELECT k, note FROM me.fr")).matches("VALUES (VARCHAR 'a', VARCHAR 'first'), ('b', 'first'), ('c', 'first')");
        assertUpdate("ALTER TABLE me.fr EXECUTE merge WHERE day = DATE '2024-01-01'");
        assertThat(query(rawSession(), "SELECT k, note FROM me.fr WHERE day = DATE '2024-01-01'")).matches("VALUES (VARCHAR 'a', VARCHAR 'first')");
        assertThat(query(rawSession(), "SELECT count(*) FROM me.fr")).matches("VALUES BIGINT '4'");
        assertUpdate("ALTER TABLE me.fr EXECUTE optimize");
        assertThat(query(rawSession(), "SELECT k, note FROM me.fr")).matches("VALUES (VARCHAR 'a', VARCHAR 'first'), ('b', 'first'), ('c', 'first')");
        assertThat(query("SELECT k, note FROM me.fr")).matches("VALUES (VARCHAR 'a', VARCHAR 'first'), ('b', 'first'), ('c', 'first')");
        // one part per partition, and a second merge has nothing to do
        assertThat(query("SELECT count(*) FROM me.\"fr$files\"")).matches("VALUES BIGINT '2'");
        long logs = (long) computeScalar("SELECT count(*) FROM me.\"fr$log\"");
        assertUpdate("CALL icedb.system.merge('me', 'fr')");
        assertThat(query("SELECT count(*) FROM me.\"fr$log\"")).matches("VALUES BIGINT '" + logs + "'");
    }

    @Test
    public void testAggregateOfRowColumn()
    {
        assertUpdate("CREATE TABLE me.rows (k bigint, best row(score bigint, name varchar), latest row(score bigint, name varchar)) " +
                "WITH (primary_key = ARRAY['k'], merge_engine = 'aggregate', aggregates = ARRAY['max(best)'])");
        assertUpdate("INSERT INTO me.rows VALUES (1, ROW(9, 'high'), ROW(9, 'first'))", 1);
        assertUpdate("INSERT INTO me.rows VALUES (1, ROW(2, 'low'), ROW(2, 'second'))", 1);
        // a dereference reads the field of the merged value, not of the latest row
        assertThat(query("SELECT best.name, latest.name FROM me.rows")).matches("VALUES (VARCHAR 'high', VARCHAR 'second')");
        assertThat(query("SELECT best.score FROM me.rows WHERE best.score > 5")).matches("VALUES BIGINT '9'");
    }

    @Test
    public void testRandomSequences()
    {
        long seed = Long.getLong("icedb.merge-engine.seed", 20261202L);
        System.out.println("Merge engine random sequences with seed " + seed + " (replay: -Dicedb.merge-engine.seed=" + seed + ")");
        Random random = new Random(seed);
        for (EngineCase engineCase : EngineCase.values()) {
            new RandomSequence(engineCase, random).run(randomSteps());
        }
    }

    /**
     * One engine's table, its columns, and the memory connector's query of the same rule over the raw rows (each with
     * its commit sequence number {@code seq}).
     */
    private enum EngineCase
    {
        DEDUPLICATE_VERSION(
                "k bigint, region varchar, v bigint, note varchar",
                "partitioning = ARRAY['region'], primary_key = ARRAY['k', 'region'], merge_engine = 'deduplicate', version_column = 'v'",
                "SELECT k, region, max_by(v, ROW(v, seq)), max_by(note, ROW(v, seq)) FROM %s GROUP BY k, region"),
        DEDUPLICATE_LATEST(
                "k bigint, region varchar, v bigint, note varchar",
                "partitioning = ARRAY['region'], primary_key = ARRAY['region', 'k'], merge_engine = 'deduplicate'",
                "SELECT k, region, max_by(v, seq), max_by(note, seq) FROM %s GROUP BY k, region"),
        FIRST_ROW(
                "k bigint, region varchar, v bigint, note varchar",
                "primary_key = ARRAY['k', 'region'], merge_engine = 'first_row'",
                "SELECT k, region, min_by(v, seq), min_by(note, seq) FROM %s GROUP BY k, region"),
        AGGREGATE(
                "k bigint, region varchar, v bigint, note varchar, hi bigint, lo double, fa boolean, fo boolean, c bigint, anyv varchar",
                "partitioning = ARRAY['region'], primary_key = ARRAY['k', 'region'], merge_engine = 'aggregate', " +
                        "aggregates = ARRAY['sum(v)', 'max(hi)', 'min(lo)', 'bool_and(fa)', 'bool_or(fo)', 'count(c)', 'any(anyv)']",
                "SELECT k, region, sum(v), max_by(note, seq), max(hi), min(lo), bool_and(fa), bool_or(fo), sum(c), " +
                        "min_by(anyv, seq) FILTER (WHERE anyv IS NOT NULL) FROM %s GROUP BY k, region");

        private final String columns;
        private final String properties;
        private final String expected;

        EngineCase(String columns, String properties, String expected)
        {
            this.columns = columns;
            this.properties = properties;
            this.expected = expected;
        }

        boolean aggregate()
        {
            return this == AGGREGATE;
        }
    }

    private final class RandomSequence
    {
        private static final String[] REGIONS = {"eu", "us", "asia"};

        private final EngineCase engineCase;
        private final Random random;
        private final String table;
        private final String reference;
        // the raw rows as SQL literals (columns of the table, then seq)
        private final List<List<String>> rows = new ArrayList<>();
        private final Set<Long> versions = new HashSet<>();
        private final java.util.Map<String, Long> rawByPartition = new java.util.HashMap<>();
        private final boolean partitioned;
        private long seq;
        private int batch;

        RandomSequence(EngineCase engineCase, Random random)
        {
            this.engineCase = engineCase;
            this.random = random;
            this.table = "me.random_" + engineCase.name().toLowerCase(java.util.Locale.ENGLISH);
            this.reference = "memory.default.reference_" + engineCase.name().toLowerCase(java.util.Locale.ENGLISH);
            this.partitioned = engineCase.properties.contains("partitioning");
        }

        void run(int steps)
        {
            assertUpdate(format("CREATE TABLE %s (%s) WITH (%s)", table, engineCase.columns, engineCase.properties));
            for (int step = 0; step < steps; step++) {
                int choice = random.nextInt(10);
                // a merge or row-level statement during which an insert commits
                Optional<ConcurrentWrites> concurrent = concurrentWrites().filter(_ -> random.nextBoolean());
                String operation;
                if (step < 2 || choice < 5) {
                    operation = insert();
                }
                else if (choice == 5) {
                    operation = merge(format("CALL icedb.system.merge('me', '%s')", table.substring(3)), concurrent);
                }
                else if (choice == 6) {
                    operation = merge(format("ALTER TABLE %s EXECUTE merge", table), concurrent);
                }
                else if (choice == 7) {
                    operation = delete(concurrent);
                }
                else {
                    operation = update(concurrent);
                }
                if (concurrentWrites().isPresent() && random.nextInt(4) == 0) {
                    // folds every log into one (icedb.cleanup.min-retention is 0s there): the commit order is kept
                    assertUpdate(format("CALL icedb.system.cleanup('me', '%s', '0s')", table.substring(3)));
                    operation += ", cleanup";
                }
                check(engineCase + " step " + step + " (" + operation + ")");
            }
        }

        private String insert()
        {
            Insert insert = nextInsert();
            assertUpdate(insert.statement(), insert.rows());
            return "insert " + insert.rows();
        }

        private String merge(String statement, Optional<ConcurrentWrites> concurrent)
        {
            if (concurrent.isEmpty()) {
                assertUpdate(statement);
                mergedAll();
                return statement;
            }
            // something to merge, so that the merge writes a part (where it is held)
            String before = insert();
            mergedAll();
            Insert insert = nextInsert();
            concurrent.get().merge(statement, () -> assertUpdate(insert.statement(), insert.rows()));
            return before + ", " + statement + " during insert " + insert.rows();
        }

        private record Insert(String statement, int rows) {}

        /**
         * The next insert's statement, its rows already in the reference.
         */
        private Insert nextInsert()
        {
            batch++;
            int count = 1 + random.nextInt(12);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long key = random.nextInt(8);
                String region = REGIONS[random.nextInt(REGIONS.length)];
                List<String> row = new ArrayList<>();
                row.add(String.valueOf(key));
                row.add("'" + region + "'");
                row.add(version(key));
                // columns whose winner depends on the order of rows: the same value for a key within one insert
                // (rows of one statement have no order between them)
                row.add(format("'b%s-%s-%s'", batch, key, region));
                if (engineCase.aggregate()) {
                    row.add(nullable(String.valueOf(random.nextInt(1000) - 500)));
                    row.add(nullable(random.nextInt(100) + ".5E0"));
                    row.add(nullable(String.valueOf(random.nextBoolean())));
                    row.add(nullable(String.valueOf(random.nextBoolean())));
                    row.add(nullable(String.valueOf(random.nextInt(3))));
                    row.add(random.nextInt(3) == 0 ? format("'any-b%s-%s-%s'", batch, key, region) : "NULL");
                }
                values.add("(" + String.join(", ", row) + ")");
                List<String> raw = new ArrayList<>(row);
                raw.add(String.valueOf(++seq));
                rows.add(raw);
                rawByPartition.merge(partition(row.get(1)), 1L, Long::sum);
            }
            return new Insert(format("INSERT INTO %s VALUES %s", table, String.join(", ", values)), count);
        }

        private String version(long key)
        {
            if (engineCase.aggregate()) {
                return nullable(String.valueOf(random.nextInt(100)));
            }
            if (engineCase != EngineCase.DEDUPLICATE_VERSION) {
                // taken from the latest or first row: the same for a key within one insert
                return String.valueOf(batch * 10 + key);
            }
            // distinct versions: ties are broken by commit order, which rows of one insert do not have
            long version;
            do {
                version = random.nextInt(1_000_000);
            }
            while (!versions.add(version));
            return String.valueOf(version);
        }

        private String nullable(String literal)
        {
            return random.nextInt(5) == 0 ? "NULL" : literal;
        }

        private String delete(Optional<ConcurrentWrites> concurrent)
        {
            List<String> key = randomKey();
            if (key == null) {
                return "no delete";
            }
            Function<String, String> statement = condition -> format("DELETE FROM %s WHERE k = %s AND region = %s%s", table, key.get(0), key.get(1), condition);
            rows.removeIf(row -> row.get(0).equals(key.get(0)) && row.get(1).equals(key.get(1)));
            rewritten(key.get(1));
            return rowLevel(statement, concurrent, "delete " + key);
        }

        /**
         * Runs a row-level statement whose changes are already in the reference (concurrently with an insert that comes
         * after them in commit order), checking it changed one row.
         */
        private String rowLevel(Function<String, String> statement, Optional<ConcurrentWrites> concurrent, String operation)
        {
            if (concurrent.isEmpty()) {
                assertUpdate(statement.apply(""), 1);
                return operation;
            }
            Insert insert = nextInsert();
            MaterializedResult result = concurrent.get().rowLevel(statement, () -> assertUpdate(insert.statement(), insert.rows()));
            assertThat(result.getUpdateCount()).as(operation).hasValue(1);
            return operation + " during insert " + insert.rows();
        }

        private String update(Optional<ConcurrentWrites> concurrent)
        {
            List<String> key = randomKey();
            if (key == null) {
                return "no update";
            }
            String note = "'u" + seq + "'";
            Function<String, String> statement = condition -> format("UPDATE %s SET note = %s WHERE k = %s AND region = %s%s", table, note, key.get(0), key.get(1), condition);
            // the reference: the key's merged row, with the new note, as its only raw row
            MaterializedRow merged = computeActual(format("SELECT * FROM (%s) WHERE k = %s AND region = %s", format(engineCase.expected, referenceTable()), key.get(0), key.get(1)))
                    .getMaterializedRows().getFirst();
            List<String> row = new ArrayList<>();
            for (int field = 0; field < merged.getFieldCount(); field++) {
                row.add(literal(merged.getField(field)));
            }
            // the expected query lists the note second after the key and region, in the aggregate case third
            int noteChannel = 3;
            List<String> raw = new ArrayList<>(row);
            raw.set(noteChannel, note);
            raw.add(String.valueOf(++seq));
            rows.removeIf(existing -> existing.get(0).equals(key.get(0)) && existing.get(1).equals(key.get(1)));
            rows.add(raw);
            rewritten(key.get(1));
            return rowLevel(statement, concurrent, "update " + key);
        }

        private String literal(Object value)
        {
            if (value == null) {
                return "NULL";
            }
            if (value instanceof String string) {
                return "'" + string.replace("'", "''") + "'";
            }
            if (value instanceof Double doubleValue) {
                return doubleValue + "E0";
            }
            return value.toString();
        }

        private String partition(String region)
        {
            return partitioned ? region : "";
        }

        /**
         * A row-level statement rewrites the key's partition merged (and adds the updated row): one raw row per key.
         */
        private void rewritten(String region)
        {
            String partition = partition(region);
            rawByPartition.put(partition, rows.stream().filter(row -> partition(row.get(1)).equals(partition)).map(row -> row.get(0) + "/" + row.get(1)).distinct().count());
        }

        /**
         * A merge leaves one raw row per key in every partition.
         */
        private void mergedAll()
        {
            rawByPartition.clear();
            for (List<String> row : rows) {
                rawByPartition.putIfAbsent(partition(row.get(1)), 0L);
            }
            rawByPartition.keySet().forEach(this::rewritten);
        }

        private List<String> randomKey()
        {
            List<List<String>> keys = rows.stream().map(row -> List.of(row.get(0), row.get(1))).distinct().collect(Collectors.toList());
            if (keys.isEmpty()) {
                return null;
            }
            return keys.get(random.nextInt(keys.size()));
        }

        private String referenceTable()
        {
            getQueryRunner().execute("DROP TABLE IF EXISTS " + reference);
            String columns = engineCase.columns + ", seq bigint";
            getQueryRunner().execute(format("CREATE TABLE %s (%s)", reference, columns));
            if (!rows.isEmpty()) {
                getQueryRunner().execute(format("INSERT INTO %s VALUES %s", reference,
                        rows.stream().map(row -> "(" + String.join(", ", row) + ")").collect(Collectors.joining(", "))));
            }
            return reference;
        }

        private void check(String step)
        {
            String expected = format(engineCase.expected, referenceTable());
            String columns = engineCase.aggregate() ? "k, region, v, note, hi, lo, fa, fo, c, anyv" : "k, region, v, note";
            assertThat(query(format("SELECT %s FROM %s", columns, table))).as(step).matches(expected);
            assertThat(query(format("SELECT count(*) FROM %s", table))).as(step).matches(format("SELECT count(*) FROM (%s)", expected));
            long rawRows = rawByPartition.values().stream().mapToLong(Long::longValue).sum();
            assertThat((long) computeScalar(rawSession(), "SELECT count(*) FROM " + table)).as(step + ": raw rows").isEqualTo(rawRows);
        }
    }
}
