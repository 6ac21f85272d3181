package io.trino.plugin.icedb;

import com.fasterxml.jackson.databind.JsonNode;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static java.util.function.Function.identity;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture buckets uploaded to an S3 server in the JVM; tables registered where Python wrote them.
 */
// heavy: the same fixture reads as on the local file system, against the in-JVM S3 server
@Tag("heavy")
public class TestIcedbFixtureReadsOnS3
        extends BaseIcedbFixtureReadsTest
{
    private static final String PRE_CLEANUP_TABLE = "many_inserts_merge_cleanup_pre_cleanup";

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        TestingIcedbS3Server server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(IcedbFixtures.BUCKET);
        server.uploadDirectory(IcedbFixtures.bucketDirectory(IcedbFixtures.BUCKET), IcedbFixtures.BUCKET);
        server.createBucket(IcedbFixtures.PRE_CLEANUP_BUCKET);
        server.uploadDirectory(IcedbFixtures.bucketDirectory(IcedbFixtures.PRE_CLEANUP_BUCKET), IcedbFixtures.PRE_CLEANUP_BUCKET);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + IcedbFixtures.BUCKET)
                .build();
        registerFixtures(queryRunner, IcedbFixtures.TABLES.stream().collect(toImmutableMap(identity(), table -> fixtureTableLocation(IcedbFixtures.BUCKET, table))));
        queryRunner.execute("CALL icedb.system.register_table('fixtures', '%s', '%s')".formatted(PRE_CLEANUP_TABLE, fixtureTableLocation(IcedbFixtures.PRE_CLEANUP_BUCKET, "many_inserts_merge_cleanup")));
        return queryRunner;
    }

    @Override
    protected String fixtureTableLocation(String bucket, String table)
    {
        return "s3://%s/%s".formatted(bucket, table);
    }

    @Test
    public void testTimeTravelBeforeTombstoneCleanup()
    {
        String table = "many_inserts_merge_cleanup";
        JsonNode expectations = IcedbFixtures.expectations(table);
        JsonNode snapshot = expectations.get("snapshots").get(0);
        int checked = 0;
        for (JsonNode point : snapshot.get("points")) {
            assertState(table, PRE_CLEANUP_TABLE, point.get("state"), expectations, timeTravel(point.get("t_ms").asLong()));
            checked++;
        }
        assertThat(checked).isEqualTo(snapshot.get("points_upto").asInt());
    }
}
