package dev.steward.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Column-wise text arrays for an {@code insert ... select ... from unnest(?::text[], ...)}: a whole batch of rows in
 * one statement and one round trip, casts done by PostgreSQL.
 */
public final class UnnestColumns {
    private final List<List<String>> columns = new ArrayList<>();

    public UnnestColumns(int count) {
        for (int i = 0; i < count; i++) columns.add(new ArrayList<>());
    }

    /** One row: a value (or null) per column, in order. */
    public void add(String... values) {
        for (int i = 0; i < values.length; i++) columns.get(i).add(values[i]);
    }

    /** Binds the columns from parameter {@code first} on; returns the next parameter index. */
    public int bind(Connection c, PreparedStatement statement, int first) throws SQLException {
        int index = first;
        for (List<String> column : columns) {
            statement.setArray(index++, c.createArrayOf("text", column.toArray(String[]::new)));
        }
        return index;
    }
}
