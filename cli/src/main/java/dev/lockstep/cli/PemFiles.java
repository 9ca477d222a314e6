package dev.lockstep.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files the TLS flags name, so that a wrong file is a usage error naming the flag and the
 * file before any server starts, rather than a failed handshake later.
 */
final class PemFiles {
    private PemFiles() {}

    /** Every certificate in {@code file}, first the leaf; none, or one past its validity, is an error. */
    static List<X509Certificate> certificates(Path file, String flag) {
        exists(file, flag);
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            x509.generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
        } catch (IOException | CertificateException e) {
            throw new UsageProblem(flag + " " + file + ": not a PEM certificate file: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new UsageProblem(flag + " " + file + ": holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        Date now = new Date();
        for (X509Certificate c : out) {
            if (now.after(c.getNotAfter()) || now.before(c.getNotBefore())) {
                throw new UsageProblem(flag + " " + file + ": the certificate for " + c.getSubjectX500Principal()
                        + " is valid from " + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant()
                        + ", not now");
            }
        }
        return out;
    }

    /** The private key in {@code file}: PKCS#8, PKCS#1 (RSA) or SEC 1 (EC), unencrypted. */
    static PrivateKey privateKey(Path file, String flag) {
        exists(file, flag);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                switch (o) {
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info);
                    }
                    case PEMKeyPair pair -> {
                        return converter.getKeyPair(pair).getPrivate();
                    }
                    case PKCS8EncryptedPrivateKeyInfo ignored -> throw encrypted(file, flag);
                    case PEMEncryptedKeyPair ignored -> throw encrypted(file, flag);
                    default -> {
                        // a certificate or parameters beside the key: keep looking
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UsageProblem u) {
                throw u;
            }
            throw new UsageProblem(flag + " " + file + ": not a PEM private key: " + e.getMessage());
        }
        throw new UsageProblem(flag + " " + file + ": holds no private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    /** Signs and verifies a probe, so that a key that does not belong to the certificate is named now. */
    static void checkPair(PrivateKey key, X509Certificate cert, Path keyFile, Path certFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return; // the handshake checks what we cannot
        }
        byte[] probe = "lockstep key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            matches = verify.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new UsageProblem("--tls-key " + keyFile + " is not the private key of the certificate in --tls-cert "
                    + certFile + " (" + cert.getSubjectX500Principal() + ")");
        }
    }

    /** A warning on {@code err} when a secret's file can be read by other users. */
    static void warnIfShared(Path file, String flag, PrintWriter err) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                err.println("lockstep: warning: " + flag + " " + file + " can be read by other users ("
                        + PosixFilePermissions.toString(mode) + "); chmod 600 it");
                err.flush();
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to say
        }
    }

    private static void exists(Path file, String flag) {
        if (!Files.isRegularFile(file)) {
            throw new UsageProblem(flag + " " + file + ": no such file");
        }
    }

    private static UsageProblem encrypted(Path file, String flag) {
        return new UsageProblem(flag + " " + file + ": the key is encrypted, which is not supported; write it "
                + "unencrypted (openssl pkey -in " + file + " -out key.pem) and keep that file mode 600");
    }
}
