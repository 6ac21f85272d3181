package io.trino.plugin.icedb;

import io.airlift.slice.Slice;
import io.trino.spi.Plugin;
import io.trino.spi.function.ScalarFunction;
import io.trino.spi.function.SqlType;
import io.trino.spi.type.StandardTypes;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * {@code testing_gate(name, value)} returns {@code value}, but the first call for a name signals that the query got
 * there and every call waits until the test opens the gate: a query held at a known point, without sleeping. The
 * nodes of a DistributedQueryRunner share the JVM, so the latches are shared.
 */
public final class TestingGateFunctions
{
    private static final ConcurrentMap<String, Gate> GATES = new ConcurrentHashMap<>();

    private TestingGateFunctions() {}

    public static Plugin plugin()
    {
        return new Plugin()
        {
            @Override
            public Set<Class<?>> getFunctions()
            {
                return Set.of(TestingGateFunctions.class);
            }
        };
    }

    /**
     * A closed gate; {@code testing_gate(name, ...)} waits at it.
     */
    public static Gate gate(String name)
    {
        Gate gate = new Gate();
        if (GATES.putIfAbsent(name, gate) != null) {
            throw new IllegalStateException("Gate exists: " + name);
        }
        return gate;
    }

    @ScalarFunction(value = "testing_gate", deterministic = false)
    @SqlType(StandardTypes.BIGINT)
    public static long testingGate(@SqlType(StandardTypes.VARCHAR) Slice name, @SqlType(StandardTypes.BIGINT) long value)
    {
        Gate gate = GATES.get(name.toStringUtf8());
        if (gate == null) {
            throw new IllegalStateException("No gate " + name.toStringUtf8());
        }
        gate.reached.countDown();
        try {
            gate.open.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return value;
    }

    public static final class Gate
    {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        public void awaitReached()
                throws InterruptedException
        {
            reached.await();
        }

        /**
         * Whether a query got to the gate within {@code millis} (a test waiting for a query that may fail first).
         */
        public boolean awaitReached(long millis)
                throws InterruptedException
        {
            return reached.await(millis, MILLISECONDS);
        }

        public void open()
        {
            open.countDown();
        }
    }
}
