package org.spgateway.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.spgateway.benchmarks.Referrals;

/**
 * Drives the packaged gateway the way GP systems do: referral transaction Bundles (the documented example, unique per
 * request) with a SMART token, against the jar started as a separate process, with the VCS service and the GP FHIR
 * server of {@link Receivers} on the other side.
 * <p>
 * Two models. <b>Fixed arrival rate</b> (open model): request {@code i} is due at {@code start + i/rate} and is sent
 * then, whether or not earlier ones have been answered, and its latency is measured from when it was due, so a
 * gateway that falls behind shows it in the latency (no coordinated omission). <b>Maximum rate</b> (closed model):
 * {@code concurrency} clients post back to back; the figure is the throughput. Both record, per referral, the time from
 * when it was due to the signed webhook at the VCS service, and from the VCS's {@code referral.accepted} to the Task
 * push at the GP system.
 */
public final class LoadDriver {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to run. {@code rate <= 0} means maximum rate with {@code concurrency} clients. */
    public record Config(Path gatewayJar, Path dataDir, double rate, int concurrency, Duration warmUp, Duration duration,
                         boolean events, long preload, int searches, List<String> jvmArgs, List<String> extraArgs,
                         Map<String, String> postgres) {
    }

    /** Everything measured in one run; latencies in milliseconds. */
    public record Result(Map<String, Object> figures) {
    }

    private LoadDriver() {
    }

    public static Result run(Config config) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", config.rate() > 0 ? "fixed-rate" : "max-rate");
        out.put("targetRate", config.rate());
        out.put("concurrency", config.concurrency());
        out.put("durationSeconds", config.duration().toSeconds());
        out.put("database", config.postgres().isEmpty() ? "embedded H2" : "PostgreSQL");
        try (Receivers receivers = new Receivers()) {
            List<String> args = gatewayArgs(config, receivers, false);
            if (config.preload() > 0) {
                long t0 = System.nanoTime();
                List<String> preloadArgs = new ArrayList<>(gatewayArgs(config, receivers, true));
                // "until": a store kept from an earlier run (--store-cache) is topped up, not filled again
                preloadArgs.add("--preload-until=" + config.preload());
                GatewayUnderTest.runCommand(config.gatewayJar(), config.dataDir(), config.jvmArgs(), preloadArgs, Duration.ofHours(12));
                double seconds = (System.nanoTime() - t0) / 1e9;
                Matcher preloaded = lastPreloadedLine(config.dataDir().resolve("command.log"));
                long added = Long.parseLong(preloaded.group(1));
                out.put("preloaded", added);
                out.put("storeHeldAfterPreload", Long.parseLong(preloaded.group(2)));
                if (added > 0) {
                    out.put("preloadSeconds", round(seconds));
                    out.put("preloadPerSecond", round(added / seconds));
                }
            }
            Path storeFile = config.dataDir().resolve("spgateway.mv.db");
            if (Files.exists(storeFile)) {
                out.put("storeFileMbAtStart", Files.size(storeFile) >> 20);
            } else if (!config.postgres().isEmpty()) {
                out.put("storeFileMbAtStart", BenchDatabases.sizeMb(config.postgres()));
            }
            try (GatewayUnderTest gateway = GatewayUnderTest.start(config.gatewayJar(), config.dataDir(), config.jvmArgs(), args)) {
                out.put("startupMillis", gateway.startupMillis);
                receivers.gateway(gateway.baseUrl(), config.events());
                SmartClient smart = new SmartClient(gateway.baseUrl(), gateway.dataDir());
                smart.token();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                // one referral alone first: it creates the practice Organization the others find by their conditional
                // create, so the measured requests do not start with a burst of retried claims on it
                HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/fhir"))
                        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + smart.token())
                        .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(Referrals.unique()))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (first.statusCode() != 200) {
                    throw new IllegalStateException("the first referral was refused: " + first.statusCode() + " " + first.body());
                }
                // warm-up: same traffic, not recorded (JIT, connection pools)
                Phase warm = new Phase(config, http, smart, gateway.baseUrl(), null);
                warm.run(config.warmUp());
                Sampler sampler = new Sampler(gateway);
                sampler.start();
                Phase measured = new Phase(config, http, smart, gateway.baseUrl(), receivers);
                long t0 = System.nanoTime();
                measured.run(config.duration());
                double elapsed = (System.nanoTime() - t0) / 1e9;
                sampler.stop();
                // let deliveries and events of the measured referrals arrive (bounded)
                long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < drainDeadline && (!receivers.webhookAt.keySet().containsAll(measured.dueAtByReferral.keySet())
                        || (config.events() && receivers.acceptedPushAt.size() < receivers.eventPostedAt.size()))) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                out.put("sent", measured.sent.get());
                out.put("created", measured.created.get());
                out.put("createdInWarmUp", warm.created.get());
                out.put("failed", measured.failed.get());
                out.put("failureStatuses", measured.failureStatuses);
                out.put("referralsPerSecond", round(measured.created.get() / elapsed));
                out.put("intakeLatencyMs", percentiles(measured.intake.getIntervalHistogram()));
                Histogram delivery = new Histogram(3);
                int delivered = 0;
                for (Map.Entry<String, Long> e : measured.dueAtByReferral.entrySet()) {
                    Long at = receivers.webhookAt.get(e.getKey());
                    if (at != null) {
                        delivery.recordValue(Math.max(0, (at - e.getValue()) / 1000));
                        delivered++;
                    }
                }
                out.put("webhooksReceived", delivered);
                // referrals whose webhook had not arrived 60 s after the run: their delivery latency exceeds the run
                out.put("webhooksNotYetReceived", measured.dueAtByReferral.size() - delivered);
                out.put("badSignatures", receivers.badSignatures.get());
                out.put("postToWebhookMs", percentiles(delivery));
                if (config.events()) {
                    Histogram push = new Histogram(3);
                    for (Map.Entry<String, Long> e : receivers.eventPostedAt.entrySet()) {
                        Long at = receivers.acceptedPushAt.get(e.getKey());
                        if (at != null) {
                            push.recordValue(Math.max(0, (at - e.getValue()) / 1000));
                        }
                    }
                    out.put("eventsPosted", receivers.eventPostedAt.size());
                    out.put("eventFailures", receivers.eventFailures.get());
                    out.put("gpPushesReceived", receivers.gpPushes.get());
                    out.put("eventToGpPushMs", percentiles(push));
                }
                out.put("gatewayCpuCoresUsed", round(sampler.cpuCores(elapsed)));
                out.put("gatewayRssMbMax", sampler.rssMax);
                out.put("gatewayHeapUsedMbMax", sampler.heapMax);
                out.put("gatewayHeapUsedMbMedian", sampler.heapMedian());
                if (config.searches() > 0) {
                    try {
                        out.put("taskSearchMs", searches(http, smart, gateway.baseUrl(), config.searches(), measured));
                    } catch (Exception e) {
                        out.put("taskSearchMs", Map.of("failed", e.toString()));
                    }
                }
                if (Files.exists(storeFile)) {
                    out.put("storeFileMbAtEnd", Files.size(storeFile) >> 20);
                } else if (!config.postgres().isEmpty()) {
                    out.put("storeFileMbAtEnd", BenchDatabases.sizeMb(config.postgres()));
                }
            }
        }
        return new Result(out);
    }

    /** One stretch of traffic. */
    private static final class Phase {
        final Config config;
        final HttpClient http;
        final SmartClient smart;
        final URI endpoint;
        final Receivers receivers;
        final Recorder intake = new Recorder(3);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong created = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Map<String, Long> dueAtByReferral = new ConcurrentHashMap<>();
        final Map<Integer, AtomicLong> failureStatuses = new ConcurrentHashMap<>();

        Phase(Config config, HttpClient http, SmartClient smart, String base, Receivers receivers) {
            this.config = config;
            this.http = http;
            this.smart = smart;
            this.endpoint = URI.create(base + "/fhir");
            this.receivers = receivers;
        }

        void run(Duration length) throws Exception {
            if (length.isZero()) {
                return;
            }
            long start = System.nanoTime();
            long end = start + length.toNanos();
            // Never more than this many requests outstanding, so a stalled gateway cannot exhaust the driver; the
            // open model still measures from the due time, so the wait shows in the latency.
            Semaphore inFlight = new Semaphore(config.rate() > 0 ? 2000 : config.concurrency());
            if (config.rate() > 0) {
                long interval = (long) (1e9 / config.rate());
                for (long i = 0; ; i++) {
                    long due = start + i * interval;
                    if (due >= end) {
                        break;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    inFlight.acquire();
                    send(due, inFlight);
                }
            } else {
                while (System.nanoTime() < end) {
                    inFlight.acquire();
                    send(System.nanoTime(), inFlight);
                }
            }
            inFlight.acquire(config.rate() > 0 ? 2000 : config.concurrency()); // all answered
        }

        private void send(long due, Semaphore inFlight) throws Exception {
            sent.incrementAndGet();
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + smart.token())
                    .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                    .header("Prefer", "return=representation")
                    .POST(HttpRequest.BodyPublishers.ofString(Referrals.unique())).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                long done = System.nanoTime();
                try {
                    intake.recordValue(Math.max(0, (done - due) / 1000));
                    if (error == null && response.statusCode() == 200) {
                        created.incrementAndGet();
                        if (receivers != null) {
                            String id = referralId(response.body());
                            if (id != null) {
                                dueAtByReferral.put(id, due);
                            }
                        }
                    } else {
                        failed.incrementAndGet();
                        failureStatuses.computeIfAbsent(error == null ? response.statusCode() : -1, k -> new AtomicLong()).incrementAndGet();
                    }
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    private static String referralId(String transactionResponse) {
        try {
            for (JsonNode entry : JSON.readTree(transactionResponse).path("entry")) {
                String location = entry.path("response").path("location").asText();
                if (location.startsWith("ServiceRequest/")) {
                    return location.split("/")[1];
                }
            }
        } catch (Exception e) {
            // counted as delivered-unknown
        }
        return null;
    }

    /** Task searches a GP system makes: one referral's Task (selective) and the first page of open Tasks (broad). */
    private static Map<String, Object> searches(HttpClient http, SmartClient smart, String base, int n, Phase phase) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>(phase.dueAtByReferral.keySet());
        Histogram byFocus = new Histogram(3);
        Histogram open = new Histogram(3);
        for (int i = 0; i < n && !ids.isEmpty(); i++) {
            byFocus.recordValue(timeGet(http, smart, base + "/fhir/Task?focus=ServiceRequest/" + ids.get(i % ids.size())));
            open.recordValue(timeGet(http, smart, base + "/fhir/Task?status=requested&_count=20"));
        }
        out.put("byFocus", percentiles(byFocus));
        out.put("openFirstPage", percentiles(open));
        return out;
    }

    private static long timeGet(HttpClient http, SmartClient smart, String url) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + smart.token()).header("Accept", "application/fhir+json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("search " + url + " answered " + r.statusCode());
        }
        return (System.nanoTime() - t0) / 1000;
    }

    private static final Pattern PRELOADED = Pattern.compile("^PRELOADED (\\d+) referrals .*; the store holds (\\d+)$");

    /** The preload command's report (its log is appended to by every command run on the store: the last one). */
    private static Matcher lastPreloadedLine(Path log) throws java.io.IOException {
        Matcher last = null;
        for (String line : Files.readAllLines(log)) {
            Matcher m = PRELOADED.matcher(line);
            if (m.matches()) {
                last = m;
            }
        }
        if (last == null) {
            throw new IllegalStateException("the preload did not report what it stored; see " + log);
        }
        return last;
    }

    private static List<String> gatewayArgs(Config config, Receivers receivers, boolean preload) {
        List<String> args = new ArrayList<>(List.of(
                "--spgateway.rate-limit.enabled=false",
                "--spgateway.delivery.poll-interval=50ms",
                "--spgateway.delivery.batch-size=100",
                "--spgateway.directory.practices[0].id=practice-elm-street",
                "--spgateway.directory.practices[0].ods-code=B86001",
                "--spgateway.directory.practices[0].name=Elm Street Surgery",
                "--spgateway.directory.services[0].id=" + receivers.serviceId,
                "--spgateway.directory.services[0].name=Bench Link Workers",
                "--spgateway.directory.services[0].role=link-worker-service",
                "--spgateway.directory.services[0].categories[0]=loneliness-isolation",
                "--spgateway.directory.services[0].signing-secrets[0]=" + receivers.secret));
        if (preload) {
            // preloaded referrals wait in the service's pull inbox: the measured run delivers only its own
            args.add("--spgateway.directory.services[0].delivery=pull");
        } else {
            args.add("--spgateway.directory.practices[0].gp-fhir-base=" + receivers.baseUrl() + "/gp/fhir");
            args.add("--spgateway.directory.services[0].delivery=push");
            args.add("--spgateway.directory.services[0].webhook-url=" + receivers.baseUrl() + "/vcs/webhook");
        }
        if (!config.postgres().isEmpty()) {
            args.add("--spring.profiles.active=postgres");
            config.postgres().forEach((k, v) -> args.add("--" + k + "=" + v));
        }
        args.addAll(config.extraArgs());
        return args;
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", h.getTotalCount());
        out.put("p50", ms(h.getValueAtPercentile(50)));
        out.put("p95", ms(h.getValueAtPercentile(95)));
        out.put("p99", ms(h.getValueAtPercentile(99)));
        out.put("max", ms(h.getMaxValue()));
        return out;
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** CPU, RSS and heap of the gateway process, sampled every two seconds while measuring. */
    private static final class Sampler {
        final GatewayUnderTest gateway;
        final List<Long> heap = new ArrayList<>();
        volatile long rssMax;
        volatile long heapMax;
        long cpuStart;
        long cpuEnd;
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile boolean running = true;
        Thread thread;

        Sampler(GatewayUnderTest gateway) {
            this.gateway = gateway;
        }

        void start() {
            cpuStart = gateway.cpuMillis();
            thread = new Thread(() -> {
                while (running) {
                    rssMax = Math.max(rssMax, gateway.rssMb());
                    long h = gateway.heapUsedMb();
                    synchronized (heap) {
                        heap.add(h);
                    }
                    heapMax = Math.max(heapMax, h);
                    try {
                        TimeUnit.SECONDS.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            cpuEnd = gateway.cpuMillis();
            running = false;
            thread.interrupt();
            thread.join(5000);
        }

        double cpuCores(double seconds) {
            return (cpuEnd - cpuStart) / 1000.0 / seconds;
        }

        long heapMedian() {
            synchronized (heap) {
                List<Long> sorted = heap.stream().sorted().toList();
                return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
            }
        }
    }
}
