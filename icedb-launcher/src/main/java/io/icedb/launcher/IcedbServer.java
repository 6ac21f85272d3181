package io.icedb.launcher;

import io.trino.plugin.icedb.IcedbPlugin;
import io.trino.plugin.tpch.TpchPlugin;
import io.trino.testing.DistributedQueryRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static io.trino.testing.TestingSession.testSessionBuilder;

/**
 * An embedded Trino with a coordinator and a worker, the {@code icedb} catalog on a warehouse, and {@code tpch}.
 * Used by {@code ./icedb sql} (which then runs the Trino CLI against it) and {@code ./icedb server}.
 */
public final class IcedbServer
{
    private IcedbServer() {}

    public static void main(String[] args)
            throws Exception
    {
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args, System.getenv());
        }
        catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }

        DistributedQueryRunner runner = DistributedQueryRunner.builder(testSessionBuilder().setCatalog("icedb").build())
                .setWorkerCount(1)
                .addCoordinatorProperty("http-server.http.port", Integer.toString(options.port()))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            stopped.countDown();
        }));
        String url;
        try {
            runner.installPlugin(new TpchPlugin());
            runner.createCatalog("tpch", "tpch", Map.of());
            runner.installPlugin(new IcedbPlugin());
            runner.createCatalog("icedb", "icedb", WarehouseCatalog.properties(options));
            if (options.seedDemo() && !DemoSchema.exists(runner)) {
                System.err.println("icedb: creating the demo schema (demo.events, demo.customer) in " + options.warehouse());
                try {
                    DemoSchema.create(runner);
                }
                catch (RuntimeException e) {
                    // the prompt is still useful without the demo tables
                    System.err.println("icedb: could not create the demo schema: " + e.getMessage());
                }
            }
            url = runner.getCoordinator().getBaseUrl().toString();
            if (options.readyFile().isPresent()) {
                writeAtomically(options.readyFile().get(), url);
            }
        }
        catch (RuntimeException | IOException e) {
            System.err.println("icedb: the embedded Trino failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        System.out.println("trino-icedb is running at " + url + " (warehouse " + options.warehouse() + ")");
        System.out.println("Connect with: trino --server " + url + " --catalog icedb   or JDBC: jdbc:trino://" + runner.getCoordinator().getBaseUrl().getAuthority() + "/icedb");
        stopped.await();
    }

    private static void writeAtomically(Path file, String content)
            throws IOException
    {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
