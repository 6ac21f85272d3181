import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The benchmark of benchmarks/run (issue 13): one Trino 476 server with the catalogs icedb, iceberg (same local disk),
 * memory and tpch, plus DuckDB in this JVM on the icedb table's parts. Every case runs a warm-up and then --runs timed
 * runs, alternating which connector goes first; the report gives medians, the ratio icedb / iceberg and the target.
 * Run by benchmarks/run, which starts the server: java -cp trino-jdbc.jar:duckdb_jdbc.jar Bench.java --url ... .
 */
public final class Bench
{
    private static final List<String> TABLES = List.of("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem");
    private static final String SCHEMA = "bench";
    private static final String ONE_PARTITION_QUERY = "SELECT count(*), sum(l_extendedprice * (1 - l_discount)) FROM lineitem_month " +
            "WHERE l_shipdate >= DATE '1995-06-01' AND l_shipdate < DATE '1995-07-01'";

    private final Map<String, String> options;
    private final String url;
    private final String scale;
    private final int runs;
    private final int inserts;
    private final Path queries;
    private final Path lake;
    private final List<String> selectedQueries;
    private final StringBuilder log = new StringBuilder();
    private final List<Row> rows = new ArrayList<>();
    private final List<Row> queryRows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private final Instant deadline;
    private final List<String> skipped = new ArrayList<>();
    private Connection icedb;
    private Connection iceberg;
    private Connection memory;

    private record Row(String name, String ours, String theirs, String ratio, String target, String met, String cpuRatio)
    {
        Row(String name, String ours, String theirs, String ratio, String target, String met)
        {
            this(name, ours, theirs, ratio, target, met, "");
        }
    }

    private Bench(Map<String, String> options)
    {
        this.options = options;
        this.url = required(options, "url");
        this.scale = options.getOrDefault("scale", "sf1");
        this.runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        this.inserts = Integer.parseInt(options.getOrDefault("inserts", "200"));
        this.queries = Path.of(required(options, "queries"));
        this.lake = Path.of(required(options, "lake"));
        String only = options.getOrDefault("queries-only", "");
        this.selectedQueries = only.isEmpty() ? allQueries() : List.of(only.split(","));
        this.deadline = options.containsKey("budget-minutes")
                ? Instant.now().plusSeconds(60 * Long.parseLong(options.get("budget-minutes")))
                : Instant.MAX;
    }

    // whether the time budget (--budget-minutes) allows starting another measurement; records what it skips
    private boolean budgetAllows(String what)
    {
        if (Instant.now().isBefore(deadline)) {
            return true;
        }
        skipped.add(what);
        progress("time budget spent: skipping %s", what);
        return false;
    }

    public static void main(String[] args)
            throws Exception
    {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        new Bench(options).run();
    }

    private static String required(Map<String, String> options, String name)
    {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    private static List<String> allQueries()
    {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 22; i++) {
            names.add("q%02d".formatted(i));
        }
        return names;
    }

    private void run()
            throws Exception
    {
        String loadStart = loadAverage();
        Instant started = Instant.now();
        icedb = connect("icedb");
        iceberg = connect("iceberg");
        memory = connect("memory");

        if (options.containsKey("probe")) {
            scalar(icedb, "SELECT count(*) FROM tpch.tiny.region");
            return;
        }
        // the groups of cases, in the order given (with --profile: only those asked for)
        String defaultCases = options.containsKey("profile") ? "" : "tpch,duckdb,ctas,partition,inserts";
        List<String> cases = List.of(options.getOrDefault("cases", defaultCases).split(",")).stream().filter(group -> !group.isEmpty()).toList();
        load();
        for (String group : cases) {
            switch (group) {
                case "tpch" -> tpch();
                case "duckdb" -> duckDb();
                case "ctas" -> ctas();
                case "partition" -> onePartition();
                case "inserts" -> insertsAndCompaction();
                default -> throw new IllegalArgumentException("unknown case: " + group);
            }
        }
        if (options.containsKey("profile")) {
            profile(options.get("profile"));
        }
        if (rows.isEmpty() && queryRows.isEmpty()) {
            return;
        }

        String loadEnd = loadAverage();
        report(started, loadStart, loadEnd);
    }

    private Connection connect(String catalog)
            throws SQLException
    {
        Properties properties = new Properties();
        properties.setProperty("user", "bench");
        return DriverManager.getConnection(url + "/" + catalog + "/" + SCHEMA, properties);
    }

    // ---- cases ---------------------------------------------------------------------------------------------------

    private void load()
            throws SQLException
    {
        for (String catalog : List.of("icedb", "iceberg", "memory")) {
            execute(icedb, "CREATE SCHEMA IF NOT EXISTS " + catalog + "." + SCHEMA);
        }
        for (String table : TABLES) {
            for (Connection connection : List.of(icedb, iceberg)) {
                String catalog = connection.getCatalog();
                if (options.containsKey("reuse") && !scalar(connection, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s' AND table_name = '%s'".formatted(SCHEMA, table)).equals("0")) {
                    continue;
                }
                execute(connection, "DROP TABLE IF EXISTS " + table);
                long nanos = time(connection, "CREATE TABLE " + table + " AS SELECT * FROM tpch." + scale + "." + table);
                progress("load %s.%s: %s", catalog, table, seconds(nanos));
            }
        }
    }

    private void tpch()
            throws Exception
    {
        List<Double> ratios = new ArrayList<>();
        double oursProduct = 0;
        double theirsProduct = 0;
        double oursCpuProduct = 0;
        double theirsCpuProduct = 0;
        int measured = 0;
        for (String query : selectedQueries) {
            if (!budgetAllows("TPC-H " + query.toUpperCase(Locale.ROOT))) {
                continue;
            }
            String sql = Files.readString(queries.resolve(query + ".sql"));
            Pair pair = pair(query, connection -> time(connection, sql), icedb, iceberg);
            double ratio = pair.ours / pair.theirs;
            ratios.add(ratio);
            measured++;
            oursProduct += Math.log(pair.ours);
            theirsProduct += Math.log(pair.theirs);
            oursCpuProduct += Math.log(pair.oursCpu);
            theirsCpuProduct += Math.log(pair.theirsCpu);
            queryRows.add(new Row(query.toUpperCase(Locale.ROOT), seconds(pair.ours), seconds(pair.theirs), ratio(ratio), "≤ 1.1", met(ratio <= 1.1), pair.cpuRatio()));
            if (query.equals("q01") || query.equals("q06")) {
                rows.add(new Row("TPC-H " + query.toUpperCase(Locale.ROOT) + " (from the 22-query runs)", seconds(pair.ours), seconds(pair.theirs), ratio(ratio), "≤ 0.9", met(ratio <= 0.9), pair.cpuRatio()));
            }
            if (query.equals("q01")) {
                q1Trino = pair.ours;
            }
        }
        if (measured == 0) {
            return;
        }
        double oursGeo = Math.exp(oursProduct / measured);
        double theirsGeo = Math.exp(theirsProduct / measured);
        double geoRatio = oursGeo / theirsGeo;
        double cpuGeoRatio = Math.exp((oursCpuProduct - theirsCpuProduct) / measured);
        double worst = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        rows.add(0, new Row("TPC-H: %d of %d queries, geometric mean (worst single ratio %s)".formatted(measured, selectedQueries.size(), ratio(worst)),
                seconds(oursGeo), seconds(theirsGeo), ratio(geoRatio), "≤ 0.85, none > 1.1", met(geoRatio <= 0.85 && worst <= 1.1), ratio(cpuGeoRatio)));
    }

    private double q1Trino = Double.NaN;

    private void duckDb()
            throws Exception
    {
        if (!budgetAllows("Q1 through DuckDB")) {
            return;
        }
        if (Double.isNaN(q1Trino)) {
            String sql = Files.readString(queries.resolve("q01.sql"));
            Pair pair = pair("q01", connection -> time(connection, sql), icedb, iceberg);
            q1Trino = pair.ours;
            rows.add(new Row("TPC-H Q01", seconds(pair.ours), seconds(pair.theirs), ratio(pair.ours / pair.theirs), "≤ 0.9", met(pair.ours / pair.theirs <= 0.9), pair.cpuRatio()));
        }
        List<String> paths = new ArrayList<>();
        try (Statement statement = icedb.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT path FROM \"lineitem$files\"")) {
            while (resultSet.next()) {
                paths.add(resultSet.getString(1));
            }
        }
        StringBuilder list = new StringBuilder();
        for (String path : paths) {
            // file markers are keys relative to local.location
            list.append(list.isEmpty() ? "" : ", ").append('\'').append(lake.resolve(path.replaceFirst("^local://", "").replaceFirst("^/+", ""))).append('\'');
        }
        String sql = Files.readString(queries.resolve("q01.sql"))
                .replace("FROM\n  lineitem", "FROM\n  read_parquet([" + list + "])");
        if (sql.contains("FROM\n  lineitem")) {
            throw new IllegalStateException("could not rewrite Q1 for DuckDB");
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            List<Double> samples = new ArrayList<>();
            time(duck, sql);
            for (int run = 0; run < runs; run++) {
                samples.add((double) time(duck, sql));
            }
            double duckMedian = median(samples);
            double ratio = q1Trino / duckMedian;
            notes.add("DuckDB %s (in the benchmark's JVM, its default threads) read the %d live parts that `\"lineitem$files\"` lists.".formatted(duckVersion(duck), paths.size()));
            rows.add(new Row("Q1: Trino on icedb ÷ DuckDB on the same parts (second column: DuckDB)", seconds(q1Trino), seconds(duckMedian), ratio(ratio), "≤ 1.5", met(ratio <= 1.5)));
            progress("duckdb q01: %s (trino %s)", seconds(duckMedian), seconds(q1Trino));
        }
    }

    private static String duckVersion(Connection duck)
            throws SQLException
    {
        try (Statement statement = duck.createStatement(); ResultSet resultSet = statement.executeQuery("SELECT version()")) {
            resultSet.next();
            return resultSet.getString(1);
        }
    }

    private void ctas()
            throws Exception
    {
        String source = "tpch." + scale + ".lineitem";
        List<Double> oursPlain = new ArrayList<>();
        List<Double> theirsPlain = new ArrayList<>();
        List<Double> memoryPlain = new ArrayList<>();
        List<Double> oursMonth = new ArrayList<>();
        List<Double> theirsMonth = new ArrayList<>();
        List<Double> oursCpu = new ArrayList<>();
        List<Double> theirsCpu = new ArrayList<>();
        List<Double> memoryCpu = new ArrayList<>();
        List<Double> oursMonthCpu = new ArrayList<>();
        List<Double> theirsMonthCpu = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            if (!budgetAllows("CTAS run " + (run + 1))) {
                break;
            }
            boolean last = run == runs - 1;
            List<Connection> order = run % 2 == 0 ? List.of(icedb, iceberg) : List.of(iceberg, icedb);
            for (Connection connection : order) {
                (connection == icedb ? oursPlain : theirsPlain).add((double) timeCtas(connection, "lineitem_ctas", "", source, true));
                (connection == icedb ? oursCpu : theirsCpu).add((double) lastCpuMillis);
            }
            memoryPlain.add((double) timeCtas(memory, "lineitem_ctas", "", source, true));
            memoryCpu.add((double) lastCpuMillis);
            for (Connection connection : order) {
                (connection == icedb ? oursMonth : theirsMonth).add((double) timeCtas(connection, "lineitem_month", " WITH (partitioning = ARRAY['month(l_shipdate)'])", source, !last));
                (connection == icedb ? oursMonthCpu : theirsMonthCpu).add((double) lastCpuMillis);
            }
            progress("ctas run %d: icedb %s / iceberg %s / memory %s; month: icedb %s / iceberg %s", run + 1,
                    seconds(oursPlain.getLast()), seconds(theirsPlain.getLast()), seconds(memoryPlain.getLast()), seconds(oursMonth.getLast()), seconds(theirsMonth.getLast()));
        }
        if (oursPlain.isEmpty()) {
            return;
        }
        String count = oursPlain.size() == runs ? "" : " (%d runs)".formatted(oursPlain.size());
        double ours = median(oursPlain);
        double theirs = median(theirsPlain);
        double mem = median(memoryPlain);
        rows.add(new Row("CTAS lineitem, unpartitioned" + count, seconds(ours), seconds(theirs), ratio(ours / theirs), "≤ 0.6", met(ours / theirs <= 0.6),
                cpuRatioOf(median(oursCpu), median(theirsCpu))));
        rows.add(new Row("CTAS lineitem into memory (second column: memory connector)" + count, seconds(ours), seconds(mem), ratio(ours / mem), "≤ 1.1", met(ours / mem <= 1.1),
                cpuRatioOf(median(oursCpu), median(memoryCpu))));
        double oursM = median(oursMonth);
        double theirsM = median(theirsMonth);
        rows.add(new Row("CTAS lineitem, partitioned by month(l_shipdate)" + count, seconds(oursM), seconds(theirsM), ratio(oursM / theirsM), "≤ 0.8", met(oursM / theirsM <= 0.8),
                cpuRatioOf(median(oursMonthCpu), median(theirsMonthCpu))));
        notes.add("CTAS from `%s` (the tpch connector generates the rows in every run); partitioned/unpartitioned icedb: %s (the issue: no slower); parts written by the last partitioned CTAS: icedb %s, iceberg %s."
                .formatted(source, ratio(oursM / ours), scalar(icedb, "SELECT count(*) FROM \"lineitem_month$files\""), scalar(iceberg, "SELECT count(*) FROM \"lineitem_month$files\"")));
    }

    private long timeCtas(Connection connection, String table, String with, String source, boolean drop)
            throws SQLException
    {
        execute(connection, "DROP TABLE IF EXISTS " + table);
        long nanos = time(connection, "CREATE TABLE " + table + with + " AS SELECT * FROM " + source);
        if (drop) {
            execute(connection, "DROP TABLE " + table);
        }
        return nanos;
    }

    private void onePartition()
            throws Exception
    {
        if (!budgetAllows("the one-partition query")) {
            return;
        }
        List<String> created = new ArrayList<>();
        for (Connection connection : List.of(icedb, iceberg)) {
            if (scalar(connection, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'lineitem_month'").equals("0")) {
                long nanos = timeCtas(connection, "lineitem_month", " WITH (partitioning = ARRAY['month(l_shipdate)'])", "tpch." + scale + ".lineitem", false);
                created.add("%s %s (CPU %s)".formatted(connection.getCatalog(), seconds(nanos), seconds(lastCpuMillis * 1e6)));
            }
        }
        if (!created.isEmpty()) {
            notes.add("lineitem_month was created for the one-partition query by one CTAS each (a single sample, not a median): " + String.join(", ", created) + ".");
        }
        Pair pair = pair("one-partition", connection -> time(connection, ONE_PARTITION_QUERY), icedb, iceberg);
        double ratio = pair.ours / pair.theirs;
        rows.add(new Row("one-partition query on lineitem partitioned by month(l_shipdate)", seconds(pair.ours), seconds(pair.theirs), ratio(ratio), "≤ 0.9", met(ratio <= 0.9), pair.cpuRatio()));
        String paths = "SELECT count(DISTINCT \"$path\") FROM lineitem_month WHERE l_shipdate >= DATE '1995-06-01' AND l_shipdate < DATE '1995-07-01'";
        notes.add("One-partition query: `%s`; files holding its rows: icedb %s, iceberg %s (of %s and %s in the table)."
                .formatted(ONE_PARTITION_QUERY, scalar(icedb, paths), scalar(iceberg, paths),
                        scalar(icedb, "SELECT count(*) FROM \"lineitem_month$files\""), scalar(iceberg, "SELECT count(*) FROM \"lineitem_month$files\"")));
    }

    private void insertsAndCompaction()
            throws SQLException
    {
        if (!budgetAllows("the INSERT and compaction cases")) {
            return;
        }
        for (Connection connection : List.of(icedb, iceberg)) {
            execute(connection, "DROP TABLE IF EXISTS inserts_warmup");
            execute(connection, "DROP TABLE IF EXISTS inserts");
            execute(connection, "CREATE TABLE inserts_warmup (k bigint, v varchar)");
            execute(connection, "CREATE TABLE inserts (k bigint, v varchar)");
            for (int i = 0; i < 5; i++) {
                execute(connection, "INSERT INTO inserts_warmup VALUES (%d, 'warm-up')".formatted(i));
            }
        }
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int i = 0; i < inserts; i++) {
            String sql = "INSERT INTO inserts VALUES (%d, 'row %d')".formatted(i, i);
            if (i % 2 == 0) {
                ours.add((double) time(icedb, sql));
                theirs.add((double) time(iceberg, sql));
            }
            else {
                theirs.add((double) time(iceberg, sql));
                ours.add((double) time(icedb, sql));
            }
        }
        double oursP50 = percentile(ours, 50);
        double theirsP50 = percentile(theirs, 50);
        rows.add(new Row("single-row INSERT p50 (%d inserts)".formatted(inserts), millis(oursP50), millis(theirsP50), ratio(oursP50 / theirsP50), "≤ 0.4", met(oursP50 / theirsP50 <= 0.4)));
        double oursP90 = percentile(ours, 90);
        double theirsP90 = percentile(theirs, 90);
        rows.add(new Row("single-row INSERT p90", millis(oursP90), millis(theirsP90), ratio(oursP90 / theirsP90), "", ""));
        progress("inserts p50: icedb %s / iceberg %s", millis(oursP50), millis(theirsP50));

        String oursVersion = scalar(icedb, "SELECT snapshot_id FROM \"inserts$snapshots\" ORDER BY committed_at DESC, snapshot_id DESC LIMIT 1");
        String theirsVersion = scalar(iceberg, "SELECT snapshot_id FROM \"inserts$snapshots\" ORDER BY committed_at DESC LIMIT 1");
        String oursRollback = "CALL icedb.system.rollback_to_snapshot('%s', 'inserts', %s)".formatted(SCHEMA, oursVersion);
        String theirsRollback = "CALL iceberg.system.rollback_to_snapshot('%s', 'inserts', %s)".formatted(SCHEMA, theirsVersion);
        String partsBefore = scalar(icedb, "SELECT count(*) FROM \"inserts$files\"") + " / " + scalar(iceberg, "SELECT count(*) FROM \"inserts$files\"");

        List<Double> call = new ArrayList<>();
        List<Double> execute = new ArrayList<>();
        List<Double> optimize = new ArrayList<>();
        List<Double> callCpu = new ArrayList<>();
        List<Double> executeCpu = new ArrayList<>();
        List<Double> optimizeCpu = new ArrayList<>();
        String callSql = "CALL icedb.system.merge(schema_name => '%s', table_name => 'inserts', max_file_count => 1000)".formatted(SCHEMA);
        String executeSql = "ALTER TABLE inserts EXECUTE merge(max_file_count => 1000)";
        String optimizeSql = "ALTER TABLE inserts EXECUTE optimize";
        String after = "";
        for (int run = 0; run < runs; run++) {
            call.add((double) time(icedb, callSql));
            callCpu.add((double) lastCpuMillis);
            String callParts = scalar(icedb, "SELECT count(*) FROM \"inserts$files\"");
            execute(icedb, oursRollback);
            execute.add((double) time(icedb, executeSql));
            executeCpu.add((double) lastCpuMillis);
            String executeParts = scalar(icedb, "SELECT count(*) FROM \"inserts$files\"");
            execute(icedb, oursRollback);
            optimize.add((double) time(iceberg, optimizeSql));
            optimizeCpu.add((double) lastCpuMillis);
            String optimizeParts = scalar(iceberg, "SELECT count(*) FROM \"inserts$files\"");
            execute(iceberg, theirsRollback);
            after = callParts + " / " + executeParts + " / " + optimizeParts;
            progress("compaction run %d: call %s / execute %s / optimize %s (files after: %s)", run + 1,
                    seconds(call.getLast()), seconds(execute.getLast()), seconds(optimize.getLast()), after);
        }
        double theirsCompaction = median(optimize);
        rows.add(new Row("compaction of %d one-row parts: `CALL icedb.system.merge` vs `EXECUTE optimize`".formatted(inserts), seconds(median(call)), seconds(theirsCompaction),
                ratio(median(call) / theirsCompaction), "≤ 0.3", met(median(call) / theirsCompaction <= 0.3), cpuRatioOf(median(callCpu), median(optimizeCpu))));
        rows.add(new Row("compaction of %d one-row parts: `ALTER TABLE … EXECUTE merge` vs `EXECUTE optimize`".formatted(inserts), seconds(median(execute)), seconds(theirsCompaction),
                ratio(median(execute) / theirsCompaction), "≤ 0.3", met(median(execute) / theirsCompaction <= 0.3), cpuRatioOf(median(executeCpu), median(optimizeCpu))));
        notes.add(("Compaction: `%s`, `%s` and Iceberg's `%s` on the table the inserts made (live files before: icedb / iceberg %s; after each: CALL / EXECUTE / optimize %s); " +
                "between runs each table is rolled back to its last insert with `rollback_to_snapshot` (untimed). First runs alone: CALL %s, EXECUTE %s, optimize %s.")
                .formatted(callSql, executeSql, optimizeSql, partsBefore, after, seconds(call.getFirst()), seconds(execute.getFirst()), seconds(optimize.getFirst())));
    }

    // ---- profile mode: JFR of one query on icedb -----------------------------------------------------------------

    private void profile(String query)
            throws Exception
    {
        String pid = required(options, "server-pid");
        Path output = Path.of(required(options, "jfr"));
        String sql = Files.readString(queries.resolve(query + ".sql"));
        time(icedb, sql);
        command("jcmd", pid, "JFR.start", "name=bench", "settings=profile");
        List<Double> samples = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            samples.add((double) time(icedb, sql));
        }
        command("jcmd", pid, "JFR.stop", "name=bench", "filename=" + output);
        // the plans, with the optimizer's estimates, beside the recording
        for (Connection connection : List.of(icedb, iceberg)) {
            StringBuilder plan = new StringBuilder();
            try (Statement statement = connection.createStatement(); ResultSet resultSet = statement.executeQuery("EXPLAIN " + sql)) {
                while (resultSet.next()) {
                    plan.append(resultSet.getString(1)).append('\n');
                }
            }
            Files.writeString(output.resolveSibling(query + "-" + connection.getCatalog() + ".plan.txt"), plan);
        }
        System.out.printf("%s on icedb under JFR: median %s over %d runs; recording %s%n", query, seconds(median(samples)), runs, output);
    }

    private static void command(String... command)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("failed: " + String.join(" ", command));
        }
    }

    // ---- measuring -----------------------------------------------------------------------------------------------

    private interface Timed
    {
        long run(Connection connection)
                throws Exception;
    }

    private record Pair(double ours, double theirs, double oursCpu, double theirsCpu)
    {
        String cpuRatio()
        {
            return cpuRatioOf(oursCpu, theirsCpu);
        }
    }

    // a warm-up of each, then runs alternating which connector goes first; medians in nanoseconds
    private Pair pair(String name, Timed timed, Connection ours, Connection theirs)
            throws Exception
    {
        timed.run(ours);
        timed.run(theirs);
        List<Double> oursSamples = new ArrayList<>();
        List<Double> theirsSamples = new ArrayList<>();
        List<Double> oursCpu = new ArrayList<>();
        List<Double> theirsCpu = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            for (Connection connection : run % 2 == 0 ? List.of(ours, theirs) : List.of(theirs, ours)) {
                (connection == ours ? oursSamples : theirsSamples).add((double) timed.run(connection));
                (connection == ours ? oursCpu : theirsCpu).add((double) lastCpuMillis);
            }
        }
        Pair pair = new Pair(median(oursSamples), median(theirsSamples), median(oursCpu), median(theirsCpu));
        progress("%s: icedb %s / iceberg %s = %s (CPU %s)", name, seconds(pair.ours), seconds(pair.theirs), ratio(pair.ours / pair.theirs), pair.cpuRatio());
        return pair;
    }

    // the server's CPU time of the last statement time() ran through Trino (-1 when unknown)
    private static long lastCpuMillis = -1;

    // runs a statement and reads every row; wall-clock nanoseconds as the client sees them; notes the server's CPU time
    private static long time(Connection connection, String sql)
            throws SQLException
    {
        lastCpuMillis = -1;
        long start = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            monitorCpu(statement);
            if (statement.execute(sql)) {
                try (ResultSet resultSet = statement.getResultSet()) {
                    int columns = resultSet.getMetaData().getColumnCount();
                    while (resultSet.next()) {
                        for (int column = 1; column <= columns; column++) {
                            resultSet.getObject(column);
                        }
                    }
                }
            }
        }
        catch (SQLException e) {
            throw new SQLException("failed on " + catalogOf(connection) + ": " + sql.strip().lines().findFirst().orElse("") + "…: " + e.getMessage(), e);
        }
        return System.nanoTime() - start;
    }

    // io.trino.jdbc.TrinoStatement.setProgressMonitor by reflection: this file compiles without the driver
    private static void monitorCpu(Statement statement)
    {
        try {
            Class<?> trinoStatement = Class.forName("io.trino.jdbc.TrinoStatement", false, statement.getClass().getClassLoader());
            if (!statement.isWrapperFor(trinoStatement)) {
                return;
            }
            Consumer<Object> monitor = stats -> {
                try {
                    Method cpu = stats.getClass().getMethod("getCpuTimeMillis");
                    lastCpuMillis = (long) cpu.invoke(stats);
                }
                catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            trinoStatement.getMethod("setProgressMonitor", Consumer.class).invoke(statement.unwrap(trinoStatement), monitor);
        }
        catch (ClassNotFoundException e) {
            // not Trino
        }
        catch (ReflectiveOperationException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String catalogOf(Connection connection)
    {
        try {
            return connection.getCatalog() == null ? "duckdb" : connection.getCatalog();
        }
        catch (SQLException e) {
            return "?";
        }
    }

    private static void execute(Connection connection, String sql)
            throws SQLException
    {
        time(connection, sql);
    }

    private static String scalar(Connection connection, String sql)
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet resultSet = statement.executeQuery(sql)) {
            if (!resultSet.next()) {
                throw new SQLException("no row: " + sql);
            }
            return resultSet.getString(1);
        }
    }

    private static double median(List<Double> samples)
    {
        return percentile(samples, 50);
    }

    // nearest-rank percentile; the median of an even count is the mean of the two middle samples
    private static double percentile(List<Double> samples, int percent)
    {
        List<Double> sorted = samples.stream().sorted().toList();
        if (percent == 50 && sorted.size() % 2 == 0) {
            return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    // ---- report --------------------------------------------------------------------------------------------------

    private void report(Instant started, String loadStart, String loadEnd)
            throws IOException
    {
        StringBuilder out = new StringBuilder();
        out.append("\n## ").append(DateTimeFormatter.ISO_INSTANT.format(started.atOffset(ZoneOffset.UTC).withNano(0).toInstant()))
                .append(" — ").append(scale).append(", commit ").append(options.getOrDefault("commit", "?")).append("\n\n");
        out.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (").append(cpuModel()).append("), ")
                .append(memoryTotal()).append(" memory; load average (1/5/15 min) at start ").append(loadStart).append(", at end ").append(loadEnd)
                .append(options.containsKey("shared") ? " — " + options.get("shared") : "").append(".\n");
        out.append("- Trino 476, one node (coordinator schedules work on itself), ").append(options.getOrDefault("server", "")).append("; ")
                .append(runs).append(" timed runs per case after a warm-up, medians (client wall clock through JDBC, all rows read); ")
                .append("runs alternate which connector goes first. Took ")
                .append(Math.round((Instant.now().toEpochMilli() - started.toEpochMilli()) / 60000.0)).append(" min.\n");
        out.append("- Ratio = icedb ÷ iceberg unless the case says otherwise; `met` compares it with the issue's target.\n");
        out.append("- `CPU ratio`: the same ratio of the medians of the server's CPU time for the statements (Trino's query statistics), " +
                "steadier than wall clock when other processes compete for the cores.\n");
        for (String note : notes) {
            out.append("- ").append(note).append("\n");
        }
        if (!skipped.isEmpty()) {
            out.append("- **Not measured** (the time budget of ").append(options.get("budget-minutes")).append(" min was spent): ")
                    .append(String.join(", ", skipped)).append(".\n");
        }
        out.append("\n| case | icedb | iceberg | ratio | target | met | CPU ratio |\n|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            appendRow(out, row);
        }
        if (queryRows.isEmpty()) {
            writeResults(out);
            return;
        }
        out.append("\n<details><summary>The ").append(queryRows.size()).append(" TPC-H queries</summary>\n\n| query | icedb | iceberg | ratio | target | met | CPU ratio |\n|---|---|---|---|---|---|---|\n");
        for (Row row : queryRows) {
            appendRow(out, row);
        }
        out.append("\n</details>\n");
        writeResults(out);
    }

    private void writeResults(StringBuilder out)
            throws IOException
    {
        Path results = Path.of(required(options, "results"));
        if (!Files.exists(results)) {
            Files.writeString(results, "# Benchmark results\n\nAppended by `benchmarks/run` (see the README's \"Benchmark\" section); newest last.\n");
        }
        Files.writeString(results, Files.readString(results) + out);
        System.out.println(out);
        System.out.println("appended to " + results);
    }

    private static void appendRow(StringBuilder out, Row row)
    {
        out.append("| ").append(row.name).append(" | ").append(row.ours).append(" | ").append(row.theirs).append(" | ")
                .append(row.ratio).append(" | ").append(row.target).append(" | ").append(row.met).append(" | ").append(row.cpuRatio).append(" |\n");
    }

    private static String seconds(double nanos)
    {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String millis(double nanos)
    {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    private static String ratio(double ratio)
    {
        return String.format(Locale.ROOT, "%.2f", ratio);
    }

    // Trino counts no task CPU for a CALL (it runs in the coordinator's metadata thread): "n/a" then
    private static String cpuRatioOf(double ours, double theirs)
    {
        return ours > 0 && theirs > 0 ? ratio(ours / theirs) : "n/a";
    }

    private static String met(boolean met)
    {
        return met ? "yes" : "**no**";
    }

    private void progress(String format, Object... args)
    {
        String line = String.format(Locale.ROOT, format, args);
        log.append(line).append('\n');
        System.out.println("bench: " + line);
    }

    private static String loadAverage()
    {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " / " + fields[1] + " / " + fields[2];
        }
        catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel()
    {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        }
        catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memoryTotal()
    {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("MemTotal:"))
                    .map(line -> Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0) + " GB")
                    .findFirst().orElse("unknown");
        }
        catch (IOException e) {
            return "unknown";
        }
    }
}
