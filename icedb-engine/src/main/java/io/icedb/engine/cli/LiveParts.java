package io.icedb.engine.cli;

import io.icedb.engine.spec.PythonJson;
import io.icedb.engine.spec.Schema;

import java.util.List;
import java.util.Map;

/**
 * The live parts of a snapshot printed for other engines: a list of paths, a JSON array of paths (for pandas and
 * pyarrow), or a DuckDB query over exactly those parts. Globbing {@code _data/**}{@code /*.parquet} instead reads the
 * parts a merge replaced as well, so every merged row twice.
 */
public final class LiveParts
{
    public enum Format
    {
        LIST,
        JSON,
        DUCKDB,
    }

    private LiveParts() {}

    public static String format(Format format, List<String> paths, Schema schema)
    {
        StringBuilder out = new StringBuilder();
        switch (format) {
            case LIST -> paths.forEach(path -> out.append(path).append('\n'));
            case JSON -> {
                out.append('[');
                for (int i = 0; i < paths.size(); i++) {
                    out.append(i == 0 ? "\n  " : ",\n  ").append(PythonJson.quote(paths.get(i)));
                }
                out.append(paths.isEmpty() ? "]\n" : "\n]\n");
            }
            case DUCKDB -> out.append(duckDbQuery(paths, schema)).append('\n');
        }
        return out.toString();
    }

    /**
     * {@code SELECT * FROM read_parquet([...], hive_partitioning = true, union_by_name = true);}: parts written before a
     * column was added lack it (NULL, as in the table), and the Hive keys of the paths are columns, as in the
     * connector. A snapshot without parts gives an empty result with the table's columns.
     */
    static String duckDbQuery(List<String> paths, Schema schema)
    {
        if (paths.isEmpty()) {
            StringBuilder select = new StringBuilder("SELECT ");
            if (schema.columns().isEmpty()) {
                select.append("NULL AS no_columns");
            }
            int column = 0;
            for (Map.Entry<String, String> entry : schema.columns().entrySet()) {
                select.append(column++ == 0 ? "" : ", ")
                        .append("CAST(NULL AS ").append(entry.getValue()).append(") AS ").append(sqlIdentifier(entry.getKey()));
            }
            return select.append(" WHERE false;").toString();
        }
        StringBuilder query = new StringBuilder("SELECT * FROM read_parquet([");
        for (int i = 0; i < paths.size(); i++) {
            query.append(i == 0 ? "\n    " : ",\n    ").append(sqlString(paths.get(i)));
        }
        return query.append("],\n    hive_partitioning = true, union_by_name = true);").toString();
    }

    static String sqlString(String value)
    {
        return "'" + value.replace("'", "''") + "'";
    }

    static String sqlIdentifier(String value)
    {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
