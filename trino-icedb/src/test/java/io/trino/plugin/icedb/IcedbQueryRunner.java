package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.airlift.log.Logger;
import io.trino.plugin.tpch.TpchPlugin;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.QueryRunner;
import io.trino.tpch.TpchTable;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.trino.plugin.tpch.TpchMetadata.TINY_SCHEMA_NAME;
import static io.trino.testing.QueryAssertions.copyTpchTables;
import static io.trino.testing.TestingSession.testSessionBuilder;
import static java.util.Objects.requireNonNull;

/**
 * A coordinator and a worker with the {@code tpch} catalog and the {@code icedb} catalog on a warehouse.
 */
public final class IcedbQueryRunner
{
    public static final String ICEDB_CATALOG = "icedb";
    public static final String TPCH_SCHEMA = "tpch";

    private IcedbQueryRunner() {}

    public static Builder builder()
    {
        return new Builder();
    }

    public static final class Builder
            extends DistributedQueryRunner.Builder<Builder>
    {
        private final Map<String, String> icedbProperties = new HashMap<>();
        private List<TpchTable<?>> initialTables = ImmutableList.of();

        private Builder()
        {
            super(testSessionBuilder()
                    .setCatalog(ICEDB_CATALOG)
                    .setSchema("fixtures")
                    .build());
            setWorkerCount(1);
            // the tests register Python's tables; a catalog turns this on explicitly, as for the Iceberg connector
            icedbProperties.put("icedb.register-table-procedure.enabled", "true");
        }

        public Builder addIcedbProperty(String key, String value)
        {
            icedbProperties.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
            return self();
        }

        public Builder addIcedbProperties(Map<String, String> properties)
        {
            icedbProperties.putAll(properties);
            return self();
        }

        /**
         * TPCH tiny tables copied into schema {@code tpch} of the icedb catalog (which becomes the session's schema).
         */
        public Builder setInitialTables(Iterable<TpchTable<?>> initialTables)
        {
            this.initialTables = ImmutableList.copyOf(initialTables);
            return amendSession(session -> session.setSchema(TPCH_SCHEMA));
        }

        /**
         * A warehouse on the in-JVM S3 server.
         */
        public Builder setS3Warehouse(TestingIcedbS3Server server, String warehouse)
        {
            addIcedbProperties(server.catalogProperties());
            return addIcedbProperty("icedb.warehouse", warehouse);
        }

        /**
         * A warehouse in a local directory that plays the bucket: {@code local:///} is {@code root}.
         */
        public Builder setLocalWarehouse(Path root)
        {
            addIcedbProperty("fs.native-local.enabled", "true");
            addIcedbProperty("local.location", root.toAbsolutePath().toString());
            return addIcedbProperty("icedb.warehouse", "local:///");
        }

        @Override
        public DistributedQueryRunner build()
                throws Exception
        {
            DistributedQueryRunner queryRunner = super.build();
            try {
                queryRunner.installPlugin(new TpchPlugin());
                queryRunner.createCatalog("tpch", "tpch");
                queryRunner.installPlugin(new IcedbPlugin());
                queryRunner.createCatalog(ICEDB_CATALOG, "icedb", ImmutableMap.copyOf(icedbProperties));
                if (!initialTables.isEmpty()) {
                    queryRunner.execute("CREATE SCHEMA IF NOT EXISTS " + ICEDB_CATALOG + "." + TPCH_SCHEMA);
                    copyTpchTables(queryRunner, "tpch", TINY_SCHEMA_NAME, queryRunner.getDefaultSession(), initialTables);
                }
                return queryRunner;
            }
            catch (Throwable e) {
                queryRunner.close();
                throw e;
            }
        }
    }

    /**
     * A server on port 8080 over a local warehouse directory (first argument, default the Python fixtures' bucket).
     */
    public static final class IcedbQueryRunnerMain
    {
        private IcedbQueryRunnerMain() {}

        public static void main(String[] args)
                throws Exception
        {
            Path root = Path.of(args.length > 0 ? args[0] : "../../shared/fixtures/python-icedb/warehouse");
            QueryRunner queryRunner = builder()
                    .addCoordinatorProperty("http-server.http.port", "8080")
                    .setLocalWarehouse(root)
                    .build();
            Logger log = Logger.get(IcedbQueryRunnerMain.class);
            log.info("======== SERVER STARTED ========");
            log.info("\n====\n%s\n====", ((DistributedQueryRunner) queryRunner).getCoordinator().getBaseUrl());
        }
    }
}
