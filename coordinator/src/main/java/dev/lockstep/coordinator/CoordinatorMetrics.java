package dev.lockstep.coordinator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Gauges per job, refreshed from {@link Coordinator#gauges()} by the server's ticker (so a scrape never
 * takes the coordinator's lock): {@code lockstep_workers_expected}, {@code lockstep_workers_registered},
 * {@code lockstep_workers_up} (heard from within the heartbeat deadline), {@code lockstep_committed_step},
 * {@code lockstep_checkpoint_age_seconds} and {@code lockstep_job_state{state}} (1 for the job's state, 0 for
 * the others), all tagged {@code job}; per rank ({@code job}, {@code rank}): {@code lockstep_rank_step_seconds}
 * (the last step's time, about equal on every rank since the fast ones wait in the all-reduce),
 * {@code lockstep_rank_busy_seconds} (that step outside the all-reduce: the straggler's is the largest) and
 * {@code lockstep_rank_up}.
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
                    rankGauge("lockstep.rank.step.seconds", "Seconds of the last step each rank committed", g.jobId(), ref, rank,
                            Coordinator.Gauges::rankStepSeconds);
                    rankGauge("lockstep.rank.busy.seconds", "Seconds of each rank's last step outside the all-reduce "
                            + "(data, compute, apply): the others wait for the largest, the straggler", g.jobId(), ref, rank,
                            Coordinator.Gauges::rankBusySeconds);
                    rankGauge("lockstep.rank.up", "1 while the rank is heard from within the heartbeat deadline",
                            g.jobId(), ref, rank, gauges -> Map.of(rank, gauges.rankUp().getOrDefault(rank, false) ? 1.0 : 0.0));
                }
            }
        }
    }

    private void rankGauge(String name, String help, String jobId, AtomicReference<Coordinator.Gauges> ref, int rank,
                           Function<Coordinator.Gauges, Map<Integer, ? extends Number>> values) {
        Gauge.builder(name, ref, r -> {
                    Number v = values.apply(r.get()).get(rank);
                    return v == null ? Double.NaN : v.doubleValue();
                }).description(help).tag("job", jobId).tag("rank", Integer.toString(rank)).register(registry);
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
        gauge("lockstep.checkpoint.age.seconds", "Seconds since the newest checkpoint was recorded (since the job "
                + "first ran while it has none; NaN before that and once the job has ended)", jobId, ref,
                Coordinator.Gauges::checkpointAgeSeconds);
        for (JobState state : JobState.values()) {
            Gauge.builder("lockstep.job.state", ref, r -> r.get() != null && r.get().state() == state ? 1 : 0)
                    .description("1 for the state the job is in, 0 for the others").tag("job", jobId)
                    .tag("state", state.name()).register(registry);
        }
        return ref;
    }

    private void gauge(String name, String help, String jobId, AtomicReference<Coordinator.Gauges> ref,
                       ToDoubleFunction<Coordinator.Gauges> value) {
        Gauge.builder(name, ref, r -> r.get() == null ? Double.NaN : value.applyAsDouble(r.get()))
                .description(help).tag("job", jobId).register(registry);
    }
}
