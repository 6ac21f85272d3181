package io.trino.plugin.icedb;

import io.trino.testing.BaseConnectorTest;
import io.trino.testing.QueryRunner;
import io.trino.testing.TestingConnectorBehavior;

/**
 * Trino's connector test suite on a warehouse in the in-JVM S3 server (s3proxy), a coordinator and a worker.
 */
public class TestIcedbConnectorTest
        extends BaseConnectorTest
{
    private static final String BUCKET = "connector-test";

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        TestingIcedbS3Server server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        return IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + BUCKET + "/warehouse")
                .setInitialTables(REQUIRED_TPCH_TABLES)
                .build();
    }

    @Override
    protected boolean hasBehavior(TestingConnectorBehavior connectorBehavior)
    {
        return switch (connectorBehavior) {
            case SUPPORTS_INSERT,
                    SUPPORTS_CREATE_SCHEMA,
                    SUPPORTS_CREATE_TABLE,
                    SUPPORTS_CREATE_TABLE_WITH_DATA,
                    SUPPORTS_CREATE_TABLE_WITH_TABLE_COMMENT,
                    SUPPORTS_CREATE_TABLE_WITH_COLUMN_COMMENT,
                    SUPPORTS_ADD_COLUMN,
                    SUPPORTS_ADD_COLUMN_WITH_COMMENT,
                    SUPPORTS_COMMENT_ON_TABLE,
                    SUPPORTS_COMMENT_ON_COLUMN,
                    SUPPORTS_ARRAY,
                    SUPPORTS_MAP_TYPE,
                    SUPPORTS_ROW_TYPE,
                    SUPPORTS_NEGATIVE_DATE -> true;
            // row-level changes rewrite partitions under the maintenance lease: not part of the insert path
            case SUPPORTS_DELETE,
                    SUPPORTS_ROW_LEVEL_DELETE,
                    SUPPORTS_UPDATE,
                    SUPPORTS_ROW_LEVEL_UPDATE,
                    SUPPORTS_MERGE,
                    SUPPORTS_TRUNCATE,
                    // IceDB has no table-level rename: a table is its key prefix, and every log names its parts by full key
                    SUPPORTS_RENAME_SCHEMA,
                    SUPPORTS_RENAME_TABLE,
                    SUPPORTS_RENAME_TABLE_ACROSS_SCHEMAS,
                    SUPPORTS_DROP_SCHEMA_CASCADE,
                    SUPPORTS_CREATE_OR_REPLACE_TABLE,
                    // IceDB schemas only grow: columns are appended, never dropped, renamed, retyped or reordered
                    SUPPORTS_ADD_COLUMN_WITH_POSITION,
                    SUPPORTS_ADD_FIELD,
                    SUPPORTS_ADD_FIELD_IN_ARRAY,
                    SUPPORTS_DROP_COLUMN,
                    SUPPORTS_DROP_FIELD,
                    SUPPORTS_DROP_FIELD_IN_ARRAY,
                    SUPPORTS_RENAME_COLUMN,
                    SUPPORTS_RENAME_FIELD,
                    SUPPORTS_SET_COLUMN_TYPE,
                    SUPPORTS_SET_FIELD_TYPE,
                    SUPPORTS_SET_FIELD_TYPE_IN_ARRAY,
                    SUPPORTS_SET_FIELD_TYPE_IN_MAP,
                    // every IceDB column is nullable
                    SUPPORTS_NOT_NULL_CONSTRAINT,
                    SUPPORTS_ADD_COLUMN_NOT_NULL_CONSTRAINT,
                    SUPPORTS_DROP_NOT_NULL_CONSTRAINT,
                    SUPPORTS_CREATE_VIEW,
                    SUPPORTS_COMMENT_ON_VIEW,
                    SUPPORTS_COMMENT_ON_VIEW_COLUMN,
                    SUPPORTS_CREATE_MATERIALIZED_VIEW,
                    SUPPORTS_CREATE_MATERIALIZED_VIEW_GRACE_PERIOD,
                    SUPPORTS_CREATE_FEDERATED_MATERIALIZED_VIEW,
                    SUPPORTS_MATERIALIZED_VIEW_FRESHNESS_FROM_BASE_TABLES,
                    SUPPORTS_RENAME_MATERIALIZED_VIEW,
                    SUPPORTS_RENAME_MATERIALIZED_VIEW_ACROSS_SCHEMAS,
                    SUPPORTS_COMMENT_ON_MATERIALIZED_VIEW_COLUMN,
                    SUPPORTS_PREDICATE_PUSHDOWN,
                    SUPPORTS_LIMIT_PUSHDOWN,
                    SUPPORTS_TOPN_PUSHDOWN,
                    SUPPORTS_AGGREGATION_PUSHDOWN,
                    SUPPORTS_DEREFERENCE_PUSHDOWN,
                    SUPPORTS_MULTI_STATEMENT_WRITES,
                    SUPPORTS_NATIVE_QUERY -> false;
            default -> super.hasBehavior(connectorBehavior);
        };
    }
}
