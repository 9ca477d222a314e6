package dev.lockstep.estimator;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.OpKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A digest of a graph's ops, attributes, types and wiring (not of trace sites, which move with edits). */
final class Fingerprint {
    private Fingerprint() {}

    static String of(Graph g) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Node n : g.nodes()) {
                StringBuilder line = new StringBuilder().append(n.id()).append('=').append(OpKind.describe(n.op()))
                        .append(':').append(n.type());
                for (Node o : n.operands()) {
                    line.append(',').append(o.id());
                }
                d.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            }
            for (Node o : g.outputs()) {
                d.update(("out " + o.id() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return "sha256:" + HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
