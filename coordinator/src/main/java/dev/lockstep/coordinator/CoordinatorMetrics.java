package dev.lockstep.coordinator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Gauges per job, refreshed from {@link Coordinator#gauges()} by the server's ticker (so a scrape never
 * takes the coordinator's lock): {@code lockstep_workers_expected}, {@code lockstep_workers_registered},
 * {@code lockstep_workers_up} (heard from within the heartbeat deadline), {@code lockstep_committed_step},
 * all tagged {@code job}, and {@code lockstep_rank_step_seconds{job,rank}}, the last step time of each rank,
 * where a straggler shows as the largest.
 */
final class CoordinatorMetrics {
    private final MeterRegistry registry;
    private final Coordinator coordinator;
    /** The registry holds gauges weakly: these references keep their state alive. */
    private final Map<String, AtomicReference<Coordinator.Gauges>> jobs = new ConcurrentHashMap<>();
    private final Set<String> ranks = ConcurrentHashMap.newKeySet();

    CoordinatorMetrics(MeterRegistry registry, Coordinator coordinator) {
        this.registry = registry;
        this.coordinator = coordinator;
    }

    void refresh() {
        for (Coordinator.Gauges g : coordinator.gauges()) {
            AtomicReference<Coordinator.Gauges> ref = jobs.computeIfAbsent(g.jobId(), this::register);
            ref.set(g);
            for (int rank : g.rankStepSeconds().keySet()) {
                if (ranks.add(g.jobId() + "/" + rank)) {
                    Gauge.builder("lockstep.rank.step.seconds", ref,
                                    r -> r.get().rankStepSeconds().getOrDefault(rank, Double.NaN))
                            .description("Seconds of the last step each rank committed (the slowest is the straggler)")
                            .tag("job", g.jobId()).tag("rank", Integer.toString(rank)).register(registry);
                }
            }
        }
    }

    private AtomicReference<Coordinator.Gauges> register(String jobId) {
        AtomicReference<Coordinator.Gauges> ref = new AtomicReference<>();
        gauge("lockstep.workers.expected", "Workers the job trains on (its world size)", jobId, ref, Coordinator.Gauges::expected);
        gauge("lockstep.workers.registered", "Workers registered in the current attempt", jobId, ref,
                Coordinator.Gauges::registered);
        gauge("lockstep.workers.up", "Registered workers heard from within the heartbeat deadline", jobId, ref,
                Coordinator.Gauges::up);
        gauge("lockstep.committed.step", "Highest step every rank has committed", jobId, ref,
                Coordinator.Gauges::committedStep);
        return ref;
    }

    private void gauge(String name, String help, String jobId, AtomicReference<Coordinator.Gauges> ref,
                       ToDoubleFunction<Coordinator.Gauges> value) {
        Gauge.builder(name, ref, r -> r.get() == null ? Double.NaN : value.applyAsDouble(r.get()))
                .description(help).tag("job", jobId).register(registry);
    }
}
