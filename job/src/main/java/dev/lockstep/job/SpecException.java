package dev.lockstep.job;

import java.util.List;

/**
 * A job spec that cannot be used. Every problem names its field path, what was expected and what
 * was found ({@code model.layers[2].dense.units: expected a positive integer, got "ten"}); the
 * message lists them all, so one run of the validator reports every mistake it can.
 */
public final class SpecException extends RuntimeException {
    private final List<String> problems;

    public SpecException(String source, List<String> problems) {
        super(message(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, "field.path: what is wrong". */
    public List<String> problems() {
        return problems;
    }

    private static String message(String source, List<String> problems) {
        StringBuilder b = new StringBuilder("invalid job spec ").append(source).append(" (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
        problems.forEach(p -> b.append("\n  ").append(p));
        return b.toString();
    }
}
