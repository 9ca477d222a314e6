package dev.lockstep.job;

/** A canned head, as data, and the label it reads. */
public sealed interface HeadSpec {
    /** The name of the label tensor in the data. */
    String label();

    /** The key the spec writes the head under ({@code classification}, ...). */
    String type();

    /** Where the spec names the label, for errors. */
    default String labelPath() {
        return "head." + type() + ".label";
    }

    /** Softmax cross-entropy over {@code classes} (at least 2); accuracy and top-k accuracy (k <= classes). */
    record Classification(int classes, int topK, String label) implements HeadSpec {
        public Classification {
            if (classes < 2 || topK < 1 || topK > classes) {
                throw new IllegalArgumentException("classification head needs classes >= 2 and 1 <= topK <= classes, got "
                        + classes + " and " + topK);
            }
        }

        public String type() {
            return "classification";
        }
    }

    /** Mean squared error. */
    record Regression(String label) implements HeadSpec {
        public String type() {
            return "regression";
        }
    }

    /** Per-token cross-entropy over {@code vocabulary}, padding (token 0) masked. */
    record Sequence(int vocabulary, String label) implements HeadSpec {
        public String type() {
            return "sequence";
        }
    }
}
