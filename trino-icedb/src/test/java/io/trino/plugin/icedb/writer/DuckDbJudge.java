package io.trino.plugin.icedb.writer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DuckDB (in-memory, through JDBC) as the independent reader of the Parquet files we write.
 */
final class DuckDbJudge
        implements AutoCloseable
{
    private final Connection connection;

    DuckDbJudge()
            throws SQLException
    {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
        }
    }

    /**
     * Column name to type, as {@code DESCRIBE SELECT * FROM read_parquet(file)} prints it, in column order.
     */
    Map<String, String> describe(Path file)
            throws SQLException
    {
        Map<String, String> columns = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet(%s)".formatted(literal(file)))) {
            while (resultSet.next()) {
                columns.put(resultSet.getString("column_name"), resultSet.getString("column_type"));
            }
        }
        return columns;
    }

    /**
     * Every row of the file, each value cast to VARCHAR by DuckDB ({@code "NULL"} for NULL), in file order.
     */
    List<List<String>> rowsAsText(Path file)
            throws SQLException
    {
        List<String> columns = List.copyOf(describe(file).keySet());
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                select.append(", ");
            }
            select.append("CAST(").append(identifier(columns.get(i))).append(" AS VARCHAR)");
        }
        select.append(" FROM read_parquet(").append(literal(file)).append(")");
        return query(select.toString());
    }

    List<List<String>> query(String sql)
            throws SQLException
    {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            int columnCount = resultSet.getMetaData().getColumnCount();
            while (resultSet.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= columnCount; column++) {
                    String value = resultSet.getString(column);
                    row.add(value == null ? "NULL" : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    void execute(String sql)
            throws SQLException
    {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static String literal(Path file)
    {
        return "'" + file.toString().replace("'", "''") + "'";
    }

    static String identifier(String name)
    {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close()
            throws SQLException
    {
        connection.close();
    }
}
