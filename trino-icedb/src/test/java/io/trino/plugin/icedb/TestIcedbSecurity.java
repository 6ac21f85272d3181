package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableMap;
import io.trino.Session;
import io.trino.spi.security.Identity;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code icedb.security}: three catalogs on one local warehouse, {@code icedb} (ALLOW_ALL, the default),
 * {@code icedb_read_only} (READ_ONLY) and {@code icedb_file} (FILE, with Trino's file-based rules).
 */
public class TestIcedbSecurity
        extends AbstractTestQueryFramework
{
    private static final String RULES = """
            {
              "schemas": [
                {"user": "admin", "owner": true},
                {"owner": false}
              ],
              "tables": [
                {"user": "admin", "privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP"]},
                {"user": "alice", "schema": "sec", "table": "visible", "privileges": ["SELECT"]}
              ],
              "procedures": [
                {"user": "admin", "privileges": ["EXECUTE"]}
              ]
            }
            """;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-security");
        Path rules = Files.createTempFile("icedb-security-rules", ".json");
        Files.writeString(rules, RULES);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .registerResource(() -> Files.deleteIfExists(rules))
                .build();
        Map<String, String> warehouse = ImmutableMap.of(
                "icedb.warehouse", "local:///",
                "fs.native-local.enabled", "true",
                "local.location", root.toString(),
                "icedb.register-table-procedure.enabled", "true");
        queryRunner.createCatalog("icedb_read_only", "icedb", ImmutableMap.<String, String>builder()
                .putAll(warehouse)
                .put("icedb.security", "READ_ONLY")
                .buildOrThrow());
        queryRunner.createCatalog("icedb_file", "icedb", ImmutableMap.<String, String>builder()
                .putAll(warehouse)
                .put("icedb.security", "FILE")
                .put("security.config-file", rules.toString())
                .buildOrThrow());
        // the defaults: icedb.register-table-procedure.enabled=false
        queryRunner.createCatalog("icedb_defaults", "icedb", ImmutableMap.of(
                "icedb.warehouse", "local:///",
                "fs.native-local.enabled", "true",
                "local.location", root.toString()));
        queryRunner.execute("CREATE SCHEMA icedb.sec");
        queryRunner.execute("CREATE TABLE icedb.sec.visible AS SELECT BIGINT '1' x");
        queryRunner.execute("CREATE TABLE icedb.sec.hidden AS SELECT BIGINT '2' x");
        return queryRunner;
    }

    @Test
    public void testReadOnly()
    {
        assertQuery("SELECT x FROM icedb_read_only.sec.visible", "VALUES 1");
        assertQuery("SELECT count(*) > 0 FROM icedb_read_only.sec.\"visible$snapshots\"", "VALUES true");
        assertQueryFails("INSERT INTO icedb_read_only.sec.visible VALUES 3", "Access Denied: Cannot insert into table sec.visible");
        assertQueryFails("CREATE TABLE icedb_read_only.sec.created (x bigint)", "Access Denied: Cannot create table sec.created");
        assertQueryFails("CREATE TABLE icedb_read_only.sec.created AS SELECT 1 x", "Access Denied: Cannot create table sec.created");
        assertQueryFails("DROP TABLE icedb_read_only.sec.visible", "Access Denied: Cannot drop table sec.visible");
        assertQueryFails("CREATE SCHEMA icedb_read_only.other", "Access Denied: Cannot create schema other");
        assertQueryFails("CALL icedb_read_only.system.register_table('sec', 'again', 'local:///sec/visible')", "Access Denied: .*");
        assertQueryFails("ALTER TABLE icedb_read_only.sec.visible EXECUTE optimize", "Access Denied: .*");
        // the same table through the catalog that allows all
        assertUpdate("INSERT INTO icedb.sec.visible VALUES 3", 1);
        assertQuery("SELECT x FROM icedb_read_only.sec.visible", "VALUES 1, 3");
    }

    @Test
    public void testFileBasedRules()
    {
        Session admin = user("admin");
        Session alice = user("alice");
        assertQuery(admin, "SELECT x FROM icedb_file.sec.hidden", "VALUES 2");
        assertUpdate(admin, "CREATE TABLE icedb_file.sec.by_admin (x bigint)");
        assertUpdate(admin, "INSERT INTO icedb_file.sec.by_admin VALUES 5", 1);
        assertQuery(admin, "SELECT x FROM icedb_file.sec.by_admin", "VALUES 5");

        assertThat(query(alice, "SELECT x FROM icedb_file.sec.visible")).matches("SELECT x FROM icedb.sec.visible");
        assertQueryFails(alice, "SELECT x FROM icedb_file.sec.hidden", "Access Denied: Cannot select from table sec.hidden");
        assertQueryFails(alice, "INSERT INTO icedb_file.sec.visible VALUES 4", "Access Denied: Cannot insert into table sec.visible");
        assertQueryFails(alice, "CREATE TABLE icedb_file.sec.by_alice (x bigint)", "Access Denied: Cannot create table sec.by_alice");
        assertQueryFails(alice, "CALL icedb_file.system.rollback_to_snapshot('sec', 'visible', 1)", "Access Denied: Cannot execute procedure system.rollback_to_snapshot");
        assertThat(computeActual(alice, "SHOW TABLES FROM icedb_file.sec").getOnlyColumnAsSet()).containsExactly("visible");
    }

    @Test
    public void testRegisterTableProcedureDisabledByDefault()
    {
        // as the Iceberg connector: PERMISSION_DENIED, whatever the arguments
        assertQueryFails("CALL icedb_defaults.system.register_table('sec', 'again', 'local:///sec/visible')", "register_table procedure is disabled");
        assertQueryFails("CALL icedb_defaults.system.register_table(schema_name => 'sec', table_name => 'again', table_location => 'local:///sec/visible')", "register_table procedure is disabled");
        assertThat(computeActual("SHOW TABLES FROM icedb_defaults.sec").getOnlyColumnAsSet()).doesNotContain("again");
        // unregister_table is not guarded (as in Iceberg); the catalogs that enable it register
        assertUpdate("CALL icedb.system.register_table('sec', 'again', 'local:///sec/visible')");
        assertThat(query("SELECT x FROM icedb_defaults.sec.again")).matches("SELECT x FROM icedb.sec.visible");
        assertUpdate("CALL icedb_defaults.system.unregister_table('sec', 'again')");
        assertThat(computeActual("SHOW TABLES FROM icedb.sec").getOnlyColumnAsSet()).doesNotContain("again");
    }

    private Session user(String name)
    {
        return Session.builder(getSession())
                .setIdentity(Identity.ofUser(name))
                .build();
    }
}
