package io.trino.plugin.icedb;

import io.icedb.engine.exceptions.SchemaConflictException;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import org.junit.jupiter.api.Test;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_SCHEMA_CONFLICT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the connector adds to the engine's insert commit ({@code TestTableLog} tests the protocol): the writer host
 * and the error a schema conflict becomes.
 */
final class TestIcedbTableCommits
{
    @Test
    void testSchemaConflictNamesTheColumnAndBothTypes()
    {
        // a concurrent writer committed id as VARCHAR: the commit fails, naming the column and both types
        TrinoException failure = IcedbTableCommits.schemaConflict(new SchemaTableName("s", "t"), new SchemaConflictException("id", "VARCHAR", "BIGINT", "the new log"));
        assertThat(failure.getErrorCode()).isEqualTo(ICEDB_SCHEMA_CONFLICT.toErrorCode());
        assertThat(failure).hasMessage("Cannot commit to table s.t: column 'id' has type VARCHAR in the table but BIGINT in the written data");
    }

    @Test
    void testHostPrefixIsPathSafe()
    {
        assertThat(IcedbTableCommits.hostPrefix("20261125_052300_00042_abcde")).isEqualTo("trino-20261125-052300-00042-abcde");
        assertThat(IcedbTableCommits.hostPrefix("__")).isEqualTo("trino");
        assertThat(IcedbTableCommits.hostPrefix("a/b_c")).isEqualTo("trino-a-b-c");
    }
}
