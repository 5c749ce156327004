package org.spgateway.conformance.reliability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.spgateway.conformance.GatewayProcess;
import org.spgateway.conformance.GpSystem;

/**
 * One single-node deployment (a gateway process on this run's database, and the receivers) shared by the
 * single-node fault tests of one run, because starting the gateway is the most expensive thing they do. Each test
 * has its own VCS service (its own webhook path and behaviour); the GP endpoint is shared, so a test that makes it
 * misbehave puts it back. Started on first use, stopped when the test JVM exits.
 */
final class SharedGateway {

    /** The services of the shared directory, one or more per test. */
    static final List<String> SERVICES = List.of("crash-links", "order-links", "slow-links", "flaky-links", "busy-links",
            "gone-links", "drop-links");

    private static SharedGateway instance;

    final Receivers receivers = new Receivers();
    final Map<String, Suite.Service> services = new ConcurrentHashMap<>();
    final GatewayProcess gateway;
    final GpSystem gp;

    private SharedGateway() throws Exception {
        SERVICES.forEach(id -> services.put(id, Suite.Service.named(id)));
        ReliabilityDatabase.Deployment deployment = ReliabilityDatabase.newDeployment();
        gateway = GatewayProcess.builder()
                .args(deployment.gatewayArgs())
                .args(Suite.gatewayArgs(receivers, SERVICES.stream().map(services::get).toList()))
                .env(deployment.gatewayEnv())
                .start();
        gp = new GpSystem(gateway);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            receivers.close();
        }));
    }

    static synchronized SharedGateway get() throws Exception {
        if (instance == null) {
            instance = new SharedGateway();
        }
        return instance;
    }

    Suite.Service service(String id) {
        return services.get(id);
    }

    Traffic.Node node(String service) {
        return new Traffic.Node(gateway, gp, services.get(service).organisation(gateway.baseUrl()));
    }
}
