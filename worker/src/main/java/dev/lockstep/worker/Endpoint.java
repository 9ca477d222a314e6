package dev.lockstep.worker;

import dev.lockstep.collective.CollectiveEndpoint;
import dev.lockstep.collective.GrpcTransport;
import dev.lockstep.collective.GrpcTransportSettings;
import dev.lockstep.collective.PeerSecurity;
import dev.lockstep.collective.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * This worker's collective server, listening before the worker knows its rank: its address goes to the
 * coordinator at registration, and {@link #join} connects it to the ring the coordinator formed. A peer
 * that reaches us before we join is held (see {@link CollectiveEndpoint}), so ranks may join in any order.
 */
final class Endpoint implements AutoCloseable {
    private final CollectiveEndpoint endpoint;
    private GrpcTransport transport;

    private Endpoint(CollectiveEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    static Endpoint listen(String host, GrpcTransportSettings settings, PeerSecurity security) {
        try {
            return new Endpoint(GrpcTransport.listen(new InetSocketAddress(host, 0), settings, security));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the collective server on " + host + ": " + e.getMessage(), e);
        }
    }

    String address() {
        InetSocketAddress a = endpoint.localAddress();
        String host = a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    Transport join(int rank, List<String> ring) {
        transport = endpoint.join(rank, ring.stream().map(Endpoint::parse).toList());
        return transport;
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 1) {
            throw new WorkerException("ring address '" + hostPort + "' is not HOST:PORT");
        }
        return new InetSocketAddress(hostPort.substring(0, colon).replace("[", "").replace("]", ""),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public void close() {
        if (transport != null) {
            transport.close();
        }
        endpoint.close();
    }
}
