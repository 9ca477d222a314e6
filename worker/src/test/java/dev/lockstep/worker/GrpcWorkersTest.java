package dev.lockstep.worker;

import dev.lockstep.collective.GrpcTransport;
import dev.lockstep.collective.GrpcTransportSettings;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.Replica;
import dev.lockstep.tensor.HostTensor;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real sockets: two workers over loopback gRPC end bitwise where two workers over LocalFabric end. */
@Tag("slow")
class GrpcWorkersTest {
    @TempDir
    Path dir;

    @Test
    void twoWorkersOverGrpcGiveTheBytesOfTwoWorkersInProcess() throws Exception {
        sameBytesOverGrpc(Workers.Job.batchNorm());
    }

    /**
     * Sync batch statistics: the program's own all-reduces run on the training thread while the
     * collective thread sums the payload's buckets, over the same streams.
     */
    @Test
    void syncBatchStatisticsOverGrpcGiveTheBytesOfTwoWorkersInProcess() throws Exception {
        sameBytesOverGrpc(Workers.Job.denseBatchNorm().withBatchStatistics(dev.lockstep.nn.BatchStatistics.SYNC));
    }

    private void sameBytesOverGrpc(Workers.Job job) throws Exception {
        int n = 2, steps = 12;
        List<Map<String, HostTensor>> local = Workers.train(job, n, steps, dir.resolve("local"));
        List<GrpcTransport> world = new ArrayList<>();
        try {
            for (int r = 0; r < n; r++) {
                world.add(GrpcTransport.bind(r, n, new InetSocketAddress("127.0.0.1", 0), GrpcTransportSettings.defaults()));
            }
            List<InetSocketAddress> addresses = world.stream().map(GrpcTransport::localAddress).toList();
            world.forEach(t -> t.connect(addresses));
            List<Map<String, HostTensor>> grpc = Workers.run(n, rank -> {
                var reducer = new CollectiveReducer(world.get(rank), Workers.OPTIONS, Workers.BUCKET_CAP);
                try (Estimator e = job.estimator(dir.resolve("grpc").resolve("rank" + rank), new Replica(rank, n),
                        reducer)) {
                    e.trainUntil(job.input(n, rank), steps);
                    return e.values();
                }
            });
            for (int r = 0; r < n; r++) {
                Workers.assertBitwiseEqual(local.get(r), grpc.get(r), "rank " + r + ", gRPC vs in-process");
            }
        } finally {
            world.forEach(GrpcTransport::close);
        }
    }
}
