package dev.lockstep.rulesfixture.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;

/** Breaks the no-Java-deserialization rule on purpose (NoJavaDeserializationTest shows the rule fails). */
public final class Loader {
    private Loader() {}

    public static Object read(InputStream in) throws IOException, ClassNotFoundException {
        return new ObjectInputStream(in).readObject();
    }
}
