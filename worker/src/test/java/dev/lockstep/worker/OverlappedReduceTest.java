package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.collective.Bucket;
import dev.lockstep.collective.BucketLayout;
import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.StepLayout;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The overlap of the all-reduce with the backward pass, with a recording stand-in for the collective. */
class OverlappedReduceTest {
    private static final Device DEVICE = Devices.open("cpu");
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final List<Buffer> payload = new ArrayList<>();
    private final List<Integer> reduced = new CopyOnWriteArrayList<>();
    private HostStaging staging;
    private List<Bucket> buckets;

    @BeforeEach
    void payload() {
        StepLayout layout = PayloadBucketsTest.layout(DType.F32);
        BucketLayout bucketLayout = CollectiveReducer.bucketLayout(layout, 32);
        staging = new HostStaging(layout.payload(), bucketLayout);
        buckets = bucketLayout.buckets();
        assertTrue(buckets.size() >= 3, "the test needs several buckets: " + buckets);
        int i = 0;
        for (Port p : layout.payload()) {
            double[] v = new double[Math.toIntExact(p.type().shape().size())];
            for (int k = 0; k < v.length; k++) {
                v[k] = 1 + i + k * 0.5;
            }
            payload.add(DEVICE.upload(HostTensor.fromDoubles(p.type(), v)));
            i++;
        }
    }

    @AfterEach
    void close() {
        thread.shutdownNow();
        payload.forEach(Buffer::close);
    }

    /** Doubles every f32 element of the bucket, recording the order. */
    private void doubling(Bucket b) {
        ByteBuffer data = staging.bucket(b.index()).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < data.limit(); at += 4) {
            data.putFloat(at, data.getFloat(at) * 2);
        }
        reduced.add(b.index());
    }

    private OverlappedReduce start(OverlappedReduce.BucketReduction reduction, List<Bucket> failedBuckets) {
        return new OverlappedReduce(staging, payload, reduction, (b, e) -> {
            failedBuckets.add(b);
            return new IllegalStateException("reported: " + e.getMessage(), e);
        }, thread);
    }

    private List<Integer> entriesOf(int bucket) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < payload.size(); i++) {
            if (staging.bucketOf(i) == bucket) {
                out.add(i);
            }
        }
        return out;
    }

    private void awaitReduced(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (reduced.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void theLastBucketIsSummedAsSoonAsItsEntriesAreReadyWhileTheRestAreNot() throws InterruptedException {
        List<HostTensor> before = payload.stream().map(Buffer::toHost).toList();
        OverlappedReduce r = start(this::doubling, new ArrayList<>());
        int last = buckets.size() - 1;
        entriesOf(last).forEach(r::ready);
        awaitReduced(1);
        assertEquals(List.of(last), reduced, "only the last bucket, before the step finished");
        for (int b = last - 1; b >= 0; b--) {
            entriesOf(b).forEach(r::ready);
        }
        r.finish();
        List<Integer> descending = new ArrayList<>();
        for (int b = last; b >= 0; b--) {
            descending.add(b);
        }
        assertEquals(descending, reduced, "every bucket once, last first");
        for (int i = 0; i < payload.size(); i++) {
            double[] was = before.get(i).toDoubles();
            double[] now = payload.get(i).toHost().toDoubles();
            for (int k = 0; k < was.length; k++) {
                assertEquals(2 * was[k], now[k], "entry " + i + " element " + k + " holds the sum after finish");
            }
        }
    }

    @Test
    void aBucketWaitsForItsLastEntry() throws InterruptedException {
        OverlappedReduce r = start(this::doubling, new ArrayList<>());
        int shared = buckets.size() - 1;
        while (shared >= 0 && entriesOf(shared).size() < 2) {
            shared--;
        }
        assertTrue(shared >= 0, "the test needs a bucket of several entries: " + buckets);
        List<Integer> expected = new ArrayList<>();
        for (int b = buckets.size() - 1; b > shared; b--) {
            entriesOf(b).forEach(r::ready);
            expected.add(b);
        }
        List<Integer> entries = entriesOf(shared);
        entries.subList(0, entries.size() - 1).forEach(r::ready);
        awaitReduced(expected.size());
        Thread.sleep(200);
        assertEquals(expected, reduced, "bucket " + shared + " was reduced with entry " + entries.getLast()
                + " not ready");
        r.finish(); // the gradient program returned: everything is final
        assertEquals(buckets.size(), reduced.size());
    }

    @Test
    void aFailedBucketIsReportedAndStopsTheRest() {
        List<Bucket> failed = new ArrayList<>();
        OverlappedReduce r = start(b -> {
            throw new IllegalArgumentException("peer gone");
        }, failed);
        RuntimeException e = assertThrows(RuntimeException.class, r::finish);
        assertTrue(e.getMessage().contains("reported: peer gone"), e.getMessage());
        assertEquals(List.of(buckets.getLast()), failed, "the failure names the bucket in flight, the first one tried");
    }

    @Test
    void anAbandonedStepReportsTheCauseAndReducesNothing() throws InterruptedException {
        List<Bucket> failed = new ArrayList<>();
        OverlappedReduce r = start(this::doubling, failed);
        IllegalStateException cause = new IllegalStateException("device failed at node 12");
        r.abandon(cause);
        assertEquals(List.of(), reduced);
        assertEquals(1, failed.size(), "the transport is told once");
        assertSame(buckets.getLast(), failed.getFirst());
    }
}
