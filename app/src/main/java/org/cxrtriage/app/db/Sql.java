package org.cxrtriage.app.db;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Plain JDBC without the copied plumbing: parameterised statements, typed rows through a mapper,
 * and one way to run work in a transaction. Every statement of the application goes through here,
 * alone (auto-commit) or inside {@link #inTransaction}. The SQL itself stays visible at each call
 * site, written once for PostgreSQL and H2 in PostgreSQL mode.
 */
@Singleton
public final class Sql {

    /** Turns the current row into a value. */
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** Work on one connection inside a transaction. */
    public interface Work<T, E extends Exception> {
        T run(Connection connection) throws SQLException, E;
    }

    private final DataSource dataSource;

    public Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws
     * (whatever it throws), so a half-done change never stays behind.
     */
    public <T, E extends Exception> T inTransaction(Work<T, E> work) throws SQLException, E {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (Exception | Error e) {
                connection.rollback();
                throw e;
            }
        }
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return query(connection, sql, mapper, parameters);
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
        return query(sql, mapper, parameters).stream().findFirst();
    }

    public int update(String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return update(connection, sql, parameters);
        }
    }

    public static <T> List<T> query(Connection connection, String sql, RowMapper<T> mapper, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            List<T> rows = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(mapper.map(row));
                }
            }
            return rows;
        }
    }

    public static <T> Optional<T> queryOne(Connection connection, String sql, RowMapper<T> mapper, Object... parameters)
            throws SQLException {
        return query(connection, sql, mapper, parameters).stream().findFirst();
    }

    public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    /** Runs an INSERT and returns the key the database generated for the new row. */
    public static long insert(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(statement, parameters);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Runs one statement for each parameter row, as one batch. */
    public static void batch(Connection connection, String sql, Collection<Object[]> rows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                bind(statement, row);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** "?, ?, ?" for an IN list of {@code count} values. */
    public static String marks(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    /** A column that may be NULL, read as an object (getLong/getDouble would give 0). */
    public static <T> T nullable(ResultSet row, int column, Class<T> type) throws SQLException {
        return row.getObject(column, type);
    }

    private static void bind(PreparedStatement statement, Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
