package dev.lockstep.worker;

import dev.lockstep.collective.GrpcTransport;
import dev.lockstep.collective.GrpcTransportSettings;
import dev.lockstep.collective.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * This worker's collective server before it knows its rank: its address goes to the coordinator at
 * registration, and {@link #join} connects it to the ring the coordinator formed.
 */
final class Endpoint implements AutoCloseable {
    private final InetSocketAddress address;
    private final GrpcTransportSettings settings;
    private GrpcTransport transport;

    private Endpoint(InetSocketAddress address, GrpcTransportSettings settings) {
        this.address = address;
        this.settings = settings;
    }

    static Endpoint listen(String host, GrpcTransportSettings settings) {
        // TEMPORARY until collective has listen-before-join: reserve a free port now, bind it at join.
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getByName(host))) {
            return new Endpoint(new InetSocketAddress(host, s.getLocalPort()), settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a collective port on " + host, e);
        }
    }

    String address() {
        return address.getHostString() + ":" + address.getPort();
    }

    Transport join(int rank, List<String> ring) {
        try {
            transport = GrpcTransport.bind(rank, ring.size(), address, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("binding the collective server of rank " + rank + " on " + address(), e);
        }
        transport.connect(ring.stream().map(Endpoint::parse).toList());
        return transport;
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon).replace("[", "").replace("]", ""),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public void close() {
        if (transport != null) {
            transport.close();
        }
    }
}
